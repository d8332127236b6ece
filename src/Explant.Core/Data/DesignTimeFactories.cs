using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Explant.Core.Data;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteExplantDbContext>
{
    public SqliteExplantDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteExplantDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresExplantDbContext>
{
    public PostgresExplantDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresExplantDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
