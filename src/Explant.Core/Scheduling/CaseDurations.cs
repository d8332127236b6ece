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
/// definitions of the cases in one query each, the history from the stored actuals (OperationDuration) in one query of
/// scalar columns.
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

    internal static DurationFeatures Features(IReadOnlyCollection<Component> components, int planned, IEnumerable<CaseIndication> indications, string surgeon)
    {
        var spans = components.Select(x => x.Span).OfType<LevelRange>().ToList();
        var levels = spans.Count == 0 ? 1 : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To)).LevelCount;
        return new DurationFeatures(levels, components.Count, planned, indications.Any(i => i.Key == "infection"), surgeon);
    }

    /// <summary>Past operations with their actual minutes and features: one query of scalar columns.</summary>
    private static Task<List<HistoricCase>> History(ExplantDbContext db, CancellationToken ct) =>
        db.OperationDurations.AsNoTracking()
            .Select(d => new HistoricCase(new DurationFeatures(d.Levels, d.Components, d.PlannedComponents, d.Infection, d.Surgeon), d.Minutes))
            .ToListAsync(ct);

    /// <summary>
    /// The stored actuals of records whose patient left the room before the table existed (Migrator runs this on every
    /// start, so a start stopped midway cannot leave the history short; with nothing missing it is one indexed query): each from its record's
    /// milestones, its case and its construct as they are now (the out-of-room milestone stores them as they were then).
    /// Saved through the context, so each backfilled row has its audit entry. In chunks, so a large registry is not held
    /// in memory at once.
    /// </summary>
    public static async Task<int> BackfillAsync(ExplantDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = 0;
        // Only cases whose patient has left the room (a record still in theatre, postponed or cancelled has no actual yet):
        // the states are indexed, so a start with nothing missing reads no theatre record.
        var ids = await (from c in db.Cases.AsNoTracking()
                         where LeftTheRoom.Contains(c.State) && !db.OperationDurations.Any(d => d.CaseId == c.Id)
                         join r in db.IntraOpRecords.AsNoTracking() on c.Id equals r.CaseId
                         select r.CaseId).ToListAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            var rows = await (from r in db.IntraOpRecords.AsNoTracking()
                              join c in db.Cases.AsNoTracking() on r.CaseId equals c.Id
                              join k in db.Constructs.AsNoTracking() on c.ConstructId equals k.Id
                              where chunk.Contains(r.CaseId)
                              select new { Record = r, Case = c, Construct = k })
                .ToListAsync(ct);
            var actuals = rows.Select(x => OperationDuration.Of(x.Case, x.Record, x.Construct)).OfType<OperationDuration>().ToList();
            db.OperationDurations.AddRange(actuals);
            try
            {
                await db.SaveChangesAsync(ct);
                stored += actuals.Count;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                // Another instance starting beside this one, or the out-of-room command itself, stored them first: the rows
                // are derived from the same record, so theirs stand. Anything else is a real failure.
                if (!await AllStoredMeanwhile(db, actuals, ct))
                {
                    throw;
                }
            }
            db.ChangeTracker.Clear();
        }
        return stored;
    }

    private static readonly CaseState[] LeftTheRoom = [CaseState.Recovering, CaseState.Discharged, CaseState.FollowUp, CaseState.Closed];

    private static async Task<bool> AllStoredMeanwhile(ExplantDbContext db, List<OperationDuration> actuals, CancellationToken ct)
    {
        var ids = actuals.Select(a => a.CaseId).ToList();
        return await db.OperationDurations.AsNoTracking().CountAsync(d => ids.Contains(d.CaseId), ct) == ids.Count;
    }
}
