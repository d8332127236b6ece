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
        if (pending.Any(m => m.EndsWith("_" + ConsentColumnMigration, StringComparison.Ordinal)))
        {
            await BackfillConsentValidAsync(db, ct);
        }
        // On every start, not only in the run that creates the table: a start that stopped between the migration and the
        // end of the backfill would otherwise leave the history short for good. Cheap when nothing is missing (the
        // cases that left the room without a row, by the indexed case state).
        await Scheduling.CaseDurations.BackfillAsync(db, ct);
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

    /// <summary>The migration that added the stored consent flag of a case (the case list reads it as a column).</summary>
    internal const string ConsentColumnMigration = "CaseConsentValidColumn";

    /// <summary>
    /// Cases saved before the column existed hold its default (false); each is computed from its consents once, as the
    /// aggregate computes it on every save. A direct column update: no revision bump, no audit row (nothing changed).
    /// </summary>
    public static async Task BackfillConsentValidAsync(ExplantDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var valid = (await db.Cases.AsNoTracking().ToListAsync(ct)).Where(c => c.ConsentValid).Select(c => c.Id).ToList();
        foreach (var chunk in valid.Chunk(500))
        {
            await db.Cases.Where(c => chunk.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => EF.Property<bool>(c, Explant.Core.Cases.CaseList.StoredConsentValid), true), ct);
        }
    }
}
