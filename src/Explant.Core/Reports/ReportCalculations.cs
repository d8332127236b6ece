using Explant.Core.Outcomes;
using Explant.Core.Theatre;

namespace Explant.Core.Reports;

public sealed record UtilisationRow(string RoomId, DateOnly Date, int OpenMinutes, int BookedMinutes, int InRoomMinutes, double? BookedShare, double? ActualShare);

public sealed record RoomUtilisation(string RoomId, int Days, int OpenMinutes, int BookedMinutes, int InRoomMinutes, double? BookedShare, double? ActualShare);

public sealed record Utilisation(IReadOnlyList<UtilisationRow> Days, IReadOnlyList<RoomUtilisation> Rooms);

public sealed record DurationRow(int CaseNumber, DateOnly Date, int BookedMinutes, int InRoomMinutes, int DifferenceMinutes);

/// <param name="Difference">Actual − booked, minutes (positive = overran the booking).</param>
/// <param name="Overran">Cases whose actual minutes exceeded the booked minutes.</param>
/// <param name="MeanAbsoluteError">Mean |actual − booked|, minutes.</param>
public sealed record Durations(IReadOnlyList<DurationRow> Rows, Spread Difference, Proportion Overran, double? MeanAbsoluteError);

public enum StayPosition
{
    Below,
    Within,
    Above,
    NoRange,
}

public sealed record StayRow(int CaseNumber, DateOnly SurgeryDate, int LengthOfStayDays, int? ExpectedMinDays, int? ExpectedMaxDays, StayPosition Position);

/// <param name="Within">Discharged cases with a defined range whose stay fell inside it (min ≤ LOS ≤ max).</param>
/// <param name="Histogram">Discharged cases by whole days of stay.</param>
public sealed record LengthOfStay(IReadOnlyList<StayRow> Rows, Spread Days, Proportion Within, int Below, int Above, IReadOnlyList<(int Days, int Cases)> Histogram);

public sealed record ComplicationRate(string Key, Proportion Rate);

public sealed record PromPoint(string TimePoint, Spread Odi, Spread BackPain, Spread LegPain, Proportion OdiMcid, Proportion BackMcid);

public sealed record IndicationShare(string Key, Proportion Share);

public sealed record OutcomeCount(string Outcome, int Lines);

public sealed record RetainedReason(string Outcome, string Reason, int Lines, int Cases);

/// <param name="CasesWithRetained">Cases with at least one component retained or a fragment left, among cases with a reconciliation.</param>
public sealed record ExplantSummary(IReadOnlyList<OutcomeCount> Outcomes, IReadOnlyList<RetainedReason> Retained, Proportion CasesWithRetained);

/// <summary>
/// The service-report figures as pure functions over <see cref="ReportData"/> (issue #8 §5), so each can be checked
/// against a hand-computed cohort without a database. Definitions are stated on each method.
/// </summary>
public static class ReportCalculations
{
    public const string AnyComplication = "any complication";
    public const string MajorComplication = "Clavien–Dindo ≥ IIIa";
    public const string NotRecorded = "not recorded";

    /// <summary>
    /// Theatre utilisation per room-day = actual in-room minutes ÷ open minutes (the headline); booked minutes ÷ open
    /// minutes is shown beside it. Only room-days with at least one booking are listed (an unbooked open day is not a
    /// session that ran). A room's figure is Σ minutes ÷ Σ open minutes over its days, not a mean of daily ratios.
    /// </summary>
    public static Utilisation TheatreUtilisation(IEnumerable<RoomDayInput> roomDays)
    {
        static double? Share(int minutes, int open) => open > 0 ? (double)minutes / open : null;
        var days = (roomDays ?? throw new ArgumentNullException(nameof(roomDays)))
            .Where(d => d.BookedMinutes > 0 || d.InRoomMinutes > 0)
            .OrderBy(d => d.Date).ThenBy(d => d.RoomId, StringComparer.Ordinal)
            .Select(d => new UtilisationRow(d.RoomId, d.Date, d.OpenMinutes, d.BookedMinutes, d.InRoomMinutes, Share(d.BookedMinutes, d.OpenMinutes), Share(d.InRoomMinutes, d.OpenMinutes)))
            .ToList();
        var rooms = days.GroupBy(d => d.RoomId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            int open = g.Sum(d => d.OpenMinutes), booked = g.Sum(d => d.BookedMinutes), used = g.Sum(d => d.InRoomMinutes);
            return new RoomUtilisation(g.Key, g.Count(), open, booked, used, Share(booked, open), Share(used, open));
        }).ToList();
        return new Utilisation(days, rooms);
    }

    /// <summary>Estimated (booked) against actual in-room minutes, for cases that have both.</summary>
    public static Durations EstimatedVersusActual(IEnumerable<CaseInput> cases)
    {
        var rows = (cases ?? throw new ArgumentNullException(nameof(cases)))
            .Where(c => c.BookedMinutes is not null && c.InRoomMinutes is not null)
            .OrderBy(c => c.SurgeryDate).ThenBy(c => c.Number)
            .Select(c => new DurationRow(c.Number, c.SurgeryDate, c.BookedMinutes!.Value, c.InRoomMinutes!.Value, c.InRoomMinutes.Value - c.BookedMinutes.Value))
            .ToList();
        return new Durations(rows, ReportStats.Spread(rows.Select(r => (double)r.DifferenceMinutes)),
            ReportStats.Wilson(rows.Count(r => r.DifferenceMinutes > 0), rows.Count),
            rows.Count == 0 ? null : rows.Average(r => Math.Abs(r.DifferenceMinutes)));
    }

    /// <summary>Length of stay (discharge date − surgery date, whole days) against the definition's expected range.</summary>
    public static LengthOfStay StayAgainstRange(IEnumerable<CaseInput> cases)
    {
        static StayPosition Position(int los, int? min, int? max) =>
            min is null || max is null ? StayPosition.NoRange : los < min ? StayPosition.Below : los > max ? StayPosition.Above : StayPosition.Within;
        var rows = (cases ?? throw new ArgumentNullException(nameof(cases)))
            .Where(c => c.LengthOfStayDays is not null)
            .OrderBy(c => c.SurgeryDate).ThenBy(c => c.Number)
            .Select(c => new StayRow(c.Number, c.SurgeryDate, c.LengthOfStayDays!.Value, c.ExpectedStayMinDays, c.ExpectedStayMaxDays,
                Position(c.LengthOfStayDays.Value, c.ExpectedStayMinDays, c.ExpectedStayMaxDays)))
            .ToList();
        var ranged = rows.Where(r => r.Position != StayPosition.NoRange).ToList();
        return new LengthOfStay(rows, ReportStats.Spread(rows.Select(r => (double)r.LengthOfStayDays)),
            ReportStats.Wilson(ranged.Count(r => r.Position == StayPosition.Within), ranged.Count),
            rows.Count(r => r.Position == StayPosition.Below), rows.Count(r => r.Position == StayPosition.Above),
            [.. rows.GroupBy(r => r.LengthOfStayDays).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()))]);
    }

    /// <summary>
    /// Complication rate by type = cases with at least one complication of that type ÷ operated cases in the period
    /// (a case with two haematomas counts once), with the Wilson 95 % interval; then any complication and
    /// Clavien–Dindo ≥ IIIa. Complications of cases outside the period are ignored.
    /// </summary>
    public static IReadOnlyList<ComplicationRate> ComplicationRates(IEnumerable<CaseInput> cases, IEnumerable<ComplicationInput> complications)
    {
        var operated = (cases ?? throw new ArgumentNullException(nameof(cases))).Select(c => c.Number).ToHashSet();
        var mine = (complications ?? throw new ArgumentNullException(nameof(complications))).Where(c => operated.Contains(c.CaseNumber)).ToList();
        var n = operated.Count;
        var rates = mine.GroupBy(c => c.Key, StringComparer.Ordinal)
            .Select(g => new ComplicationRate(g.Key, ReportStats.Wilson(g.Select(c => c.CaseNumber).Distinct().Count(), n)))
            .OrderByDescending(r => r.Rate.Events).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        rates.Add(new ComplicationRate(AnyComplication, ReportStats.Wilson(mine.Select(c => c.CaseNumber).Distinct().Count(), n)));
        rates.Add(new ComplicationRate(MajorComplication, ReportStats.Wilson(mine.Where(c => c.Grade >= ClavienDindoGrade.IIIa).Select(c => c.CaseNumber).Distinct().Count(), n)));
        return rates;
    }

    /// <summary>
    /// PROMs at each time point: median and IQR (type 7 quartiles) of ODI and back/leg NRS over the responses at that
    /// point, and the share reaching the MCID (rule 39, <see cref="Mcid"/>) among cases with both a baseline and that
    /// point (ODI; back-pain NRS). One response per case and point (the latest, if repeated). Baseline first, then
    /// points in order of their median days from surgery.
    /// </summary>
    public static IReadOnlyList<PromPoint> PromTrajectories(IEnumerable<CaseInput> cases, IEnumerable<PromInput> proms, McidOptions mcid, string baseline = "baseline")
    {
        ArgumentNullException.ThrowIfNull(mcid);
        var surgery = (cases ?? throw new ArgumentNullException(nameof(cases))).ToDictionary(c => c.Number, c => c.SurgeryDate);
        var latest = (proms ?? throw new ArgumentNullException(nameof(proms)))
            .Where(p => surgery.ContainsKey(p.CaseNumber))
            .GroupBy(p => (p.CaseNumber, p.TimePoint))
            .Select(g => g.OrderBy(p => p.CollectedOn).Last())
            .ToList();
        var baselines = latest.Where(p => p.TimePoint == baseline).ToDictionary(p => p.CaseNumber);
        var points = latest.GroupBy(p => p.TimePoint, StringComparer.Ordinal)
            .OrderBy(g => g.Key == baseline ? 0 : 1)
            .ThenBy(g => ReportStats.Quantile(g.Select(p => (double)(p.CollectedOn.DayNumber - surgery[p.CaseNumber].DayNumber)), 0.5))
            .ThenBy(g => g.Key, StringComparer.Ordinal);
        var result = new List<PromPoint>();
        foreach (var g in points)
        {
            int odiPairs = 0, odiReached = 0, backPairs = 0, backReached = 0;
            if (g.Key != baseline)
            {
                foreach (var p in g)
                {
                    if (!baselines.TryGetValue(p.CaseNumber, out var b))
                    {
                        continue;
                    }
                    if (b.OdiScore is { } bo && p.OdiScore is { } fo)
                    {
                        odiPairs++;
                        odiReached += Mcid.ForOdi(bo, fo, mcid).Reached ? 1 : 0;
                    }
                    if (b.BackPain is { } bb && p.BackPain is { } fb)
                    {
                        backPairs++;
                        backReached += Mcid.ForNrs(NrsScore.Create(bb), NrsScore.Create(fb), mcid).Reached ? 1 : 0;
                    }
                }
            }
            result.Add(new PromPoint(g.Key,
                ReportStats.Spread(g.Where(p => p.OdiScore is not null).Select(p => (double)p.OdiScore!.Value)),
                ReportStats.Spread(g.Where(p => p.BackPain is not null).Select(p => (double)p.BackPain!.Value)),
                ReportStats.Spread(g.Where(p => p.LegPain is not null).Select(p => (double)p.LegPain!.Value)),
                ReportStats.Wilson(odiReached, odiPairs), ReportStats.Wilson(backReached, backPairs)));
        }
        return result;
    }

    /// <summary>Indications mix: operated cases recording each indication ÷ operated cases (a case with two indications counts in both, so shares can sum past 100 %).</summary>
    public static IReadOnlyList<IndicationShare> IndicationMix(IEnumerable<CaseInput> cases)
    {
        var list = (cases ?? throw new ArgumentNullException(nameof(cases))).ToList();
        return [.. list.SelectMany(c => c.Indications.Distinct(StringComparer.Ordinal).Select(k => (k, c.Number)))
            .GroupBy(x => x.k, StringComparer.Ordinal)
            .Select(g => new IndicationShare(g.Key, ReportStats.Wilson(g.Count(), list.Count)))
            .OrderByDescending(s => s.Share.Events).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Explant reconciliation outcomes by line (planned and unplanned), "not recorded" for a line without an outcome;
    /// retained components and fragments grouped by the recorded reason (trimmed, case-insensitive).
    /// </summary>
    public static ExplantSummary ExplantOutcomes(IEnumerable<ExplantInput> explants)
    {
        var lines = (explants ?? throw new ArgumentNullException(nameof(explants))).ToList();
        var outcomes = Enum.GetValues<ExplantOutcome>().Select(o => new OutcomeCount(o.ToString(), lines.Count(l => l.Outcome == o))).ToList();
        var missing = lines.Count(l => l.Outcome is null);
        if (missing > 0)
        {
            outcomes.Add(new OutcomeCount(NotRecorded, missing));
        }
        var retained = lines.Where(l => l.Outcome is ExplantOutcome.Retained or ExplantOutcome.FragmentRetained)
            .GroupBy(l => (l.Outcome!.Value, Reason: string.IsNullOrWhiteSpace(l.Detail) ? "(no reason recorded)" : l.Detail.Trim().ToLowerInvariant()))
            .Select(g => new RetainedReason(g.Key.Value.ToString(), g.First().Detail?.Trim() is { Length: > 0 } d ? d : g.Key.Reason, g.Count(), g.Select(l => l.CaseNumber).Distinct().Count()))
            .OrderByDescending(r => r.Lines).ThenBy(r => r.Outcome, StringComparer.Ordinal).ThenBy(r => r.Reason, StringComparer.Ordinal)
            .ToList();
        var cases = lines.Select(l => l.CaseNumber).Distinct().Count();
        var withRetained = lines.Where(l => l.Outcome is ExplantOutcome.Retained or ExplantOutcome.FragmentRetained).Select(l => l.CaseNumber).Distinct().Count();
        return new ExplantSummary(outcomes, retained, ReportStats.Wilson(withRetained, cases));
    }
}
