using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Explant.Core.Theatre;
using Explant.Planner;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

/// <summary>
/// Duration estimates for cases, shared by the booking command, the board and the proposal: the definition's range scaled by
/// the construct, learned from the actual in-room to out-of-room durations recorded on the day of surgery.
/// A fixed number of queries whatever the number of cases or of past operations (issue #17 §3): the constructs and
/// definitions of the cases in one query each, the history in one joined projection.
/// </summary>
public static class CaseDurations
{
    public static async Task<Dictionary<Guid, DurationEstimate>> Estimate(ExplantDbContext db, IReadOnlyCollection<SurgicalCase> cases, DurationOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cases);
        var estimates = new Dictionary<Guid, DurationEstimate>();
        if (cases.Count == 0)
        {
            return estimates;
        }
        var history = await History(db, ct);
        var constructIds = cases.Select(c => c.ConstructId).Distinct().ToList();
        var components = await db.Constructs.AsNoTracking().Where(x => constructIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Components }).ToDictionaryAsync(x => x.Id, x => x.Components, ct);
        var definitions = await ProcedureQueries.FindMany(db, cases.Select(c => (c.ProcedureCode, c.ProcedureVersion)), ct);
        foreach (var c in cases)
        {
            var definition = definitions.GetValueOrDefault((c.ProcedureCode, c.ProcedureVersion))?.Parse();
            var range = definition?.Facts.DurationMinutes ?? new IntRange(60, 180);
            var features = Features(components.GetValueOrDefault(c.ConstructId) ?? [], c.PlannedComponentIds.Count, c.Indications, c.Surgeon);
            estimates[c.Id] = DurationEstimator.Estimate(features, range.Min, range.Max, history, options);
        }
        return estimates;
    }

    private static DurationFeatures Features(IReadOnlyCollection<Component> components, int planned, IEnumerable<CaseIndication> indications, string surgeon)
    {
        var spans = components.Select(x => x.Span).OfType<LevelRange>().ToList();
        var levels = spans.Count == 0 ? 1 : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To)).LevelCount;
        return new DurationFeatures(levels, components.Count, planned, indications.Any(i => i.Key == "infection"), surgeon);
    }

    /// <summary>Past cases with both in-room and out-of-room recorded, with the features they had: one query.</summary>
    private static async Task<List<HistoricCase>> History(ExplantDbContext db, CancellationToken ct)
    {
        var rows = await (from r in db.IntraOpRecords.AsNoTracking()
                          join c in db.Cases.AsNoTracking() on r.CaseId equals c.Id
                          join k in db.Constructs.AsNoTracking() on c.ConstructId equals k.Id
                          select new { r.Milestones, c.PlannedComponentIds, c.Indications, c.Surgeon, k.Components })
            .ToListAsync(ct);
        var history = new List<HistoricCase>();
        foreach (var row in rows)
        {
            var inRoom = row.Milestones.FirstOrDefault(m => m.Milestone == Milestone.InRoom)?.AtUtc;
            var outOfRoom = row.Milestones.FirstOrDefault(m => m.Milestone == Milestone.OutOfRoom)?.AtUtc;
            if (inRoom is { } i && outOfRoom is { } o && (int)Math.Round((o - i).TotalMinutes) is var minutes and > 0)
            {
                history.Add(new HistoricCase(Features(row.Components, row.PlannedComponentIds.Count, row.Indications, row.Surgeon), minutes));
            }
        }
        return history;
    }
}
