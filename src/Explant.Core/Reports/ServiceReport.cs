using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Theatre;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Reports;

/// <summary>One table of a report: what the page shows, the CSV holds and the PDF prints.</summary>
/// <param name="Name">The URL name (/api/reports/{name}.csv).</param>
/// <param name="Definition">How the figures are computed, in words, printed beside the table.</param>
public sealed record ReportTable(string Name, string Title, string Definition, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string ToCsv() => Csv.Write(Headers, Rows);

    /// <summary>The column headers in words for people (the page); the CSV keeps <see cref="Headers"/> for programs.</summary>
    public IReadOnlyList<string> Labels => [.. Headers.Select(Label)];

    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        ["room"] = "Room", ["date"] = "Date", ["open_min"] = "Open (min)", ["booked_min"] = "Booked (min)", ["in_room_min"] = "In room (min)",
        ["booked_pct"] = "Booked (%)", ["actual_pct"] = "Used (%)", ["case"] = "Case", ["difference_min"] = "Difference (min)",
        ["surgery_date"] = "Surgery date", ["los_days"] = "Stay (days)", ["expected_min"] = "Expected from (days)", ["expected_max"] = "Expected to (days)",
        ["position"] = "Against range", ["type"] = "Type", ["cases"] = "Cases", ["operated"] = "Operated", ["rate_pct"] = "Rate (%)",
        ["ci_low_pct"] = "95 % CI from (%)", ["ci_high_pct"] = "95 % CI to (%)", ["time_point"] = "Time point", ["n_odi"] = "ODI answers",
        ["odi_q1"] = "ODI Q1", ["odi_median"] = "ODI median", ["odi_q3"] = "ODI Q3", ["back_q1"] = "Back pain Q1", ["back_median"] = "Back pain median",
        ["back_q3"] = "Back pain Q3", ["leg_q1"] = "Leg pain Q1", ["leg_median"] = "Leg pain median", ["leg_q3"] = "Leg pain Q3",
        ["odi_mcid_reached"] = "ODI MCID reached", ["odi_pairs"] = "ODI pairs", ["odi_mcid_pct"] = "ODI MCID (%)",
        ["odi_mcid_ci_low_pct"] = "ODI MCID 95 % CI from (%)", ["odi_mcid_ci_high_pct"] = "ODI MCID 95 % CI to (%)",
        ["back_mcid_reached"] = "Back pain MCID reached", ["back_pairs"] = "Back pain pairs", ["back_mcid_pct"] = "Back pain MCID (%)",
        ["indication"] = "Indication", ["share_pct"] = "Share (%)", ["outcome"] = "Outcome", ["lines"] = "Lines", ["reason"] = "Reason",
    };

    /// <summary>A header's words; a header without an entry still reads as words ("new_column" → "New column").</summary>
    public static string Label(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (Words.TryGetValue(header, out var words))
        {
            return words;
        }
        var spaced = header.Replace('_', ' ');
        return spaced.Length == 0 ? spaced : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }
}

/// <summary>
/// The service dashboard for a date range (issue #8 §5): loaded from the database by <see cref="Load"/> into plain
/// <see cref="ReportData"/>, computed by <see cref="ReportCalculations"/>, then laid out as tables (page, CSV, PDF)
/// and charts. The period is by date of surgery (hospital time): a case belongs to it when its InRoom milestone does.
/// </summary>
public sealed class ServiceReport
{
    public static readonly IReadOnlyList<string> TableNames = ["utilisation", "durations", "length-of-stay", "complications", "proms", "indications", "explants", "retained"];

    private ServiceReport(ReportData data, McidOptions mcid)
    {
        Data = data;
        Utilisation = ReportCalculations.TheatreUtilisation(data.RoomDays);
        Durations = ReportCalculations.EstimatedVersusActual(data.Cases);
        Stay = ReportCalculations.StayAgainstRange(data.Cases);
        Complications = ReportCalculations.ComplicationRates(data.Cases, data.Complications);
        Proms = ReportCalculations.PromTrajectories(data.Cases, data.Proms, mcid);
        Indications = ReportCalculations.IndicationMix(data.Cases);
        Explants = ReportCalculations.ExplantOutcomes(data.Explants);
    }

    public ReportData Data { get; }
    public Utilisation Utilisation { get; }
    public Durations Durations { get; }
    public LengthOfStay Stay { get; }
    public IReadOnlyList<ComplicationRate> Complications { get; }
    public IReadOnlyList<PromPoint> Proms { get; }
    public IReadOnlyList<IndicationShare> Indications { get; }
    public ExplantSummary Explants { get; }

    /// <summary>The default period: the last 12 months up to and including today (hospital date).</summary>
    public static (DateOnly From, DateOnly To) DefaultPeriod(DateOnly today) => (today.AddMonths(-12).AddDays(1), today);


    public static ServiceReport Build(ReportData data, McidOptions mcid) =>
        new(data ?? throw new ArgumentNullException(nameof(data)), mcid ?? throw new ArgumentNullException(nameof(mcid)));

    /// <summary>Loads the period [from, to] (inclusive, hospital dates).</summary>
    public static async Task<ServiceReport> Load(ExplantDbContext db, HospitalTime time, McidOptions mcid, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        if (to < from)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["to"] = [$"the period ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd})"] });
        }
        DateOnly Local(DateTime utc) => DateOnly.FromDateTime(time.ToLocal(utc));
        // Check-in precedes InRoom on the same day; a day's slack either side covers any time zone.
        var lowUtc = from.AddDays(-1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var highUtc = to.AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var theatre = (await db.IntraOpRecords.AsNoTracking().Where(r => r.CheckedInUtc >= lowUtc && r.CheckedInUtc < highUtc).ToListAsync(ct))
            .Where(r => r.At(Milestone.InRoom) is { } i && Local(i) >= from && Local(i) <= to)
            .ToList();
        var ids = theatre.Select(r => r.CaseId).ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var recovery = await db.RecoveryRecords.AsNoTracking().Where(r => ids.Contains(r.CaseId)).ToDictionaryAsync(r => r.CaseId, ct);
        var complications = await db.Complications.AsNoTracking().Where(c => ids.Contains(c.CaseId)).ToListAsync(ct);
        var proms = await db.PromResponses.AsNoTracking().Where(p => ids.Contains(p.CaseId)).ToListAsync(ct);
        var rooms = await db.OperatingRooms.AsNoTracking().ToDictionaryAsync(r => r.Id, ct);
        var roomDays = await db.RoomDays.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).ToListAsync(ct);

        var byCase = theatre.ToDictionary(r => r.CaseId);
        var bookings = roomDays.SelectMany(d => d.Bookings.Select(b => (d.RoomId, d.Date, b))).GroupBy(x => x.b.CaseId).ToDictionary(g => g.Key, g => g.Last().b);

        var roomDayInputs = roomDays.Select(d =>
        {
            var open = rooms.TryGetValue(d.RoomId, out var room) && room.OpenOn(d.Date) is { } h ? (int)(h.Closes - h.Opens).TotalMinutes : 0;
            var used = d.Bookings.Sum(b => byCase.TryGetValue(b.CaseId, out var r) && r.InRoomMinutes is { } m ? m : 0);
            return new RoomDayInput(d.RoomId, d.Date, open, d.Bookings.Sum(b => b.DurationMinutes), used);
        }).ToList();

        var caseInputs = theatre.Where(r => cases.ContainsKey(r.CaseId)).Select(r =>
        {
            var c = cases[r.CaseId];
            var rec = recovery.GetValueOrDefault(r.CaseId);
            return new CaseInput(c.Number, Local(r.At(Milestone.InRoom)!.Value), c.ProcedureCode, [.. c.Indications.Select(i => i.Key)],
                bookings.GetValueOrDefault(r.CaseId)?.DurationMinutes, r.InRoomMinutes, rec?.LengthOfStayDays, rec?.ExpectedStayMinDays, rec?.ExpectedStayMaxDays);
        }).ToList();
        var numbers = cases.ToDictionary(kv => kv.Key, kv => kv.Value.Number);

        return Build(new ReportData(from, to, roomDayInputs, caseInputs,
            [.. complications.Select(c => new ComplicationInput(numbers[c.CaseId], c.Key, c.Grade))],
            [.. proms.Select(p => new PromInput(numbers[p.CaseId], p.TimePoint, p.CollectedOn, p.BackPain, p.LegPain, p.OdiScore))],
            [.. theatre.Where(r => numbers.ContainsKey(r.CaseId)).SelectMany(r => r.Explants.Select(l => new ExplantInput(numbers[r.CaseId], l.Description, l.Planned, l.Outcome, l.Detail)))]), mcid);
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static string N(double? v, string format = "0.0") => v is { } x ? x.ToString(format, Inv) : "";
    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", Inv) : "";
    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", Inv);
    private static string I(int v) => v.ToString(Inv);
    private static string I(int? v) => v?.ToString(Inv) ?? "";
    private static string[] Ci(Proportion p) => [I(p.Events), I(p.Total), Pct(p.Total == 0 ? null : p.Rate), Pct(p.Total == 0 ? null : p.Lower), Pct(p.Total == 0 ? null : p.Upper)];

    public ReportTable Table(string name) => name switch
    {
        "utilisation" => new(name, "Theatre utilisation per room and day",
            "Utilisation = actual in-room minutes (InRoom → OutOfRoom) ÷ the room's open minutes that day; booked minutes ÷ open minutes shown beside it. Room-days with at least one booking.",
            ["room", "date", "open_min", "booked_min", "in_room_min", "booked_pct", "actual_pct"],
            [.. Utilisation.Days.Select(d => (IReadOnlyList<string>)[d.RoomId, D(d.Date), I(d.OpenMinutes), I(d.BookedMinutes), I(d.InRoomMinutes), Pct(d.BookedShare), Pct(d.ActualShare)])]),
        "durations" => new(name, "Estimated (booked) vs actual duration",
            "Booked minutes (the estimate the list was built on) against actual in-room minutes; difference = actual − booked.",
            ["case", "date", "booked_min", "in_room_min", "difference_min"],
            [.. Durations.Rows.Select(r => (IReadOnlyList<string>)[I(r.CaseNumber), D(r.Date), I(r.BookedMinutes), I(r.InRoomMinutes), I(r.DifferenceMinutes)])]),
        "length-of-stay" => new(name, "Length of stay against the definition's range",
            "Length of stay = discharge date − surgery date (days); compared with the expected range of the procedure definition (min ≤ LOS ≤ max is within).",
            ["case", "surgery_date", "los_days", "expected_min", "expected_max", "position"],
            [.. Stay.Rows.Select(r => (IReadOnlyList<string>)[I(r.CaseNumber), D(r.SurgeryDate), I(r.LengthOfStayDays), I(r.ExpectedMinDays), I(r.ExpectedMaxDays), r.Position.ToString().ToLowerInvariant()])]),
        "complications" => new(name, "Complication rates by type",
            "Cases with at least one complication of the type ÷ operated cases in the period; 95 % confidence interval by the Wilson score method (z = 1.96).",
            ["type", "cases", "operated", "rate_pct", "ci_low_pct", "ci_high_pct"],
            [.. Complications.Select(c => (IReadOnlyList<string>)[c.Key, .. Ci(c.Rate)])]),
        "proms" => new(name, "PROM trajectories",
            "Median and IQR (quantiles by linear interpolation, type 7) at each time point; MCID share among cases with a baseline and that point (ODI 10 points or 30 %, NRS 2 points or 30 %, as configured; Wilson 95 % CI).",
            ["time_point", "n_odi", "odi_q1", "odi_median", "odi_q3", "back_q1", "back_median", "back_q3", "leg_q1", "leg_median", "leg_q3",
             "odi_mcid_reached", "odi_pairs", "odi_mcid_pct", "odi_mcid_ci_low_pct", "odi_mcid_ci_high_pct", "back_mcid_reached", "back_pairs", "back_mcid_pct"],
            [.. Proms.Select(p => (IReadOnlyList<string>)[p.TimePoint, I(p.Odi.N), N(p.Odi.Q1), N(p.Odi.Median), N(p.Odi.Q3), N(p.BackPain.Q1), N(p.BackPain.Median), N(p.BackPain.Q3),
                N(p.LegPain.Q1), N(p.LegPain.Median), N(p.LegPain.Q3), .. Ci(p.OdiMcid), I(p.BackMcid.Events), I(p.BackMcid.Total), Pct(p.BackMcid.Total == 0 ? null : p.BackMcid.Rate)])]),
        "indications" => new(name, "Indications mix",
            "Operated cases recording each indication ÷ operated cases (a case may have more than one indication); Wilson 95 % CI.",
            ["indication", "cases", "operated", "share_pct", "ci_low_pct", "ci_high_pct"],
            [.. Indications.Select(s => (IReadOnlyList<string>)[s.Key, .. Ci(s.Share)])]),
        "explants" => new(name, "Explant reconciliation outcomes",
            "Reconciliation lines (planned and found) by outcome; 'not recorded' when a line has no outcome.",
            ["outcome", "lines"],
            [.. Explants.Outcomes.Select(o => (IReadOnlyList<string>)[o.Outcome, I(o.Lines)])]),
        "retained" => new(name, "Components retained and why",
            "Retained components and fragments by the reason recorded in the reconciliation (grouped ignoring case).",
            ["outcome", "reason", "lines", "cases"],
            [.. Explants.Retained.Select(r => (IReadOnlyList<string>)[r.Outcome, r.Reason, I(r.Lines), I(r.Cases)])]),
        _ => throw new NotFoundException($"report '{name}'"),
    };

    public IReadOnlyList<ReportTable> Tables => [.. TableNames.Select(Table)];

    /// <summary>Headline figures in words, for the page's summary and the PDF's first page.</summary>
    public IReadOnlyList<string> Headlines()
    {
        var lines = new List<string>
        {
            FormattableString.Invariant($"{Data.Cases.Count} operated cases, {D(Data.From)} to {D(Data.To)}."),
        };
        foreach (var room in Utilisation.Rooms)
        {
            lines.Add(FormattableString.Invariant($"{room.RoomId}: {room.Days} list days, utilisation {Pct(room.ActualShare)} % actual, {Pct(room.BookedShare)} % booked."));
        }
        if (Durations.Rows.Count > 0)
        {
            lines.Add(FormattableString.Invariant($"Duration: median actual − booked {N(Durations.Difference.Median, "0")} min (IQR {N(Durations.Difference.Q1, "0")} to {N(Durations.Difference.Q3, "0")}); overran the booking: {Durations.Overran}."));
        }
        if (Stay.Rows.Count > 0)
        {
            lines.Add(FormattableString.Invariant($"Length of stay: median {N(Stay.Days.Median)} days (IQR {N(Stay.Days.Q1)}–{N(Stay.Days.Q3)}); within the expected range: {Stay.Within}; {Stay.Above} above, {Stay.Below} below."));
        }
        var any = Complications.FirstOrDefault(c => c.Key == ReportCalculations.AnyComplication);
        if (any is not null)
        {
            lines.Add($"Any complication: {any.Rate}.");
        }
        var last = Proms.LastOrDefault(p => p.OdiMcid.Total > 0);
        if (last is not null)
        {
            lines.Add($"ODI MCID reached at {last.TimePoint}: {last.OdiMcid}.");
        }
        lines.Add($"Cases with a component or fragment retained: {Explants.CasesWithRetained}.");
        return lines;
    }
}
