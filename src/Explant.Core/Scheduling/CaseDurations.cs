using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Planner;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

/// <summary>
/// Duration estimates for cases, shared by the booking command, the board and the proposal: the definition's range scaled by
/// the construct, learned from the actual in-room to out-of-room durations recorded on the day of surgery.
/// </summary>
public static class CaseDurations
{
    public static async Task<Dictionary<Guid, DurationEstimate>> Estimate(ExplantDbContext db, IReadOnlyCollection<SurgicalCase> cases, DurationOptions options, CancellationToken ct)
    {
        var history = await History(db, ct);
        var estimates = new Dictionary<Guid, DurationEstimate>();
        foreach (var c in cases)
        {
            var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse();
            var range = definition?.Facts.DurationMinutes ?? new IntRange(60, 180);
            estimates[c.Id] = DurationEstimator.Estimate(await Features(db, c, ct), range.Min, range.Max, history, options);
        }
        return estimates;
    }

    private static async Task<DurationFeatures> Features(ExplantDbContext db, SurgicalCase c, CancellationToken ct)
    {
        var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
        return new DurationFeatures(construct.Span?.LevelCount ?? 1, construct.Components.Count, c.PlannedComponentIds.Count,
            c.Indications.Any(i => i.Key == "infection"), c.Surgeon);
    }

    /// <summary>Past cases with both in-room and out-of-room recorded, with the features they had.</summary>
    private static async Task<List<HistoricCase>> History(ExplantDbContext db, CancellationToken ct)
    {
        var records = await db.IntraOpRecords.AsNoTracking().ToListAsync(ct);
        var done = records.Select(r => (r.CaseId, Minutes: r.InRoomMinutes)).Where(x => x.Minutes is > 0).ToList();
        if (done.Count == 0)
        {
            return [];
        }
        var ids = done.Select(d => d.CaseId).ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var history = new List<HistoricCase>();
        foreach (var c in cases)
        {
            history.Add(new HistoricCase(await Features(db, c, ct), done.First(d => d.CaseId == c.Id).Minutes!.Value));
        }
        return history;
    }
}
