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

    /// <summary>The exact versions many cases pin, in one query (lists evaluate many cases at once; issue #17 §3).</summary>
    public static async Task<IReadOnlyDictionary<(string Code, int Version), ProcedureDefinition>> FindMany(ExplantDbContext db,
        IEnumerable<(string Code, int Version)> wanted, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(wanted);
        var keys = wanted.ToHashSet();
        if (keys.Count == 0)
        {
            return new Dictionary<(string, int), ProcedureDefinition>();
        }
        var codes = keys.Select(k => k.Code).Distinct().ToList();
        var versions = keys.Select(k => k.Version).Distinct().ToList();
        var rows = await db.ProcedureDefinitions.AsNoTracking().Where(p => codes.Contains(p.Code) && versions.Contains(p.Version)).ToListAsync(ct);
        return rows.Where(r => keys.Contains((r.Code, r.Version))).ToDictionary(r => (r.Code, r.Version));
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
