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
        await AddUser.EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        return new Report(db.Database.ProviderName ?? "", pending);
    }
}
