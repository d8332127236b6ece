using Explant.Core.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core.Data;

/// <summary>Brings the database to the current schema and makes sure the role rows exist.</summary>
public static class Migrator
{
    public sealed record Report(string Provider, IReadOnlyList<string> Applied);

    public static async Task<Report> MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging (persistent in the file): readers no longer wait for a writer, and every read of a patient
            // record writes its access-log row (issue #16 §4), so in the default rollback journal each read blocked all
            // others behind a lock and two fsyncs (issue #17: case JSON and list throughput). synchronous stays FULL (the
            // default): a committed write survives a power cut.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL", ct);
        }
        await AddUser.EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        return new Report(db.Database.ProviderName ?? "", pending);
    }
}
