using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Procedures;

/// <summary>Read-side queries shared by the API, the UI and the CLI.</summary>
public static class ProcedureQueries
{
    public static async Task<IReadOnlyList<ProcedureDefinition>> LatestVersions(ExplantDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var all = await db.ProcedureDefinitions.AsNoTracking()
            .Where(p => p.Version == db.ProcedureDefinitions.Where(q => q.Code == p.Code).Max(q => q.Version))
            .ToListAsync(ct);
        return [.. all.OrderBy(p => p.Code, StringComparer.Ordinal)];
    }

    public static Task<ProcedureDefinition?> Find(ExplantDbContext db, string code, int? version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.ProcedureDefinitions.AsNoTracking().Where(p => p.Code == code);
        return version is { } v
            ? query.FirstOrDefaultAsync(p => p.Version == v, ct)
            : query.OrderByDescending(p => p.Version).FirstOrDefaultAsync(ct);
    }

    public static async Task<IReadOnlyList<(int Version, DateTime ImportedAtUtc, string ImportedBy, string ContentHash)>> Versions(ExplantDbContext db, string code, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.ProcedureDefinitions.AsNoTracking().Where(p => p.Code == code)
            .OrderBy(p => p.Version)
            .Select(p => new { p.Version, p.ImportedAtUtc, p.ImportedBy, p.ContentHash })
            .ToListAsync(ct);
        return [.. rows.Select(r => (r.Version, r.ImportedAtUtc, r.ImportedBy, r.ContentHash))];
    }
}
