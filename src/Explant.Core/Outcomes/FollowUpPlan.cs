namespace Explant.Core.Outcomes;

/// <summary>The date a follow-up point is counted from.</summary>
public enum FollowUpAnchor
{
    Surgery = 1,
    Discharge,
}

public enum OffsetUnit
{
    Days = 1,
    Weeks,
    /// <summary>Calendar months (31 Jan + 1 month = 28/29 Feb).</summary>
    Months,
    /// <summary>Calendar years (29 Feb + 1 year = 28 Feb).</summary>
    Years,
}

/// <summary>One configured follow-up point: a clinic visit, a PROM collection, or both.</summary>
public sealed record FollowUpPointDefinition
{
    /// <summary>Stable key ("2wk", "90d"); used to mark a point done.</summary>
    public string Code { get; init; } = "";
    public string Label { get; init; } = "";
    public FollowUpAnchor Anchor { get; init; } = FollowUpAnchor.Surgery;
    public int Offset { get; init; }
    public OffsetUnit Unit { get; init; } = OffsetUnit.Days;
    /// <summary>A clinic visit (false: PROMs only, e.g. the pre-operative baseline).</summary>
    public bool IsVisit { get; init; } = true;
    /// <summary>PROMs (<see cref="FollowUpOptions.PromInstruments"/>) are collected at this point.</summary>
    public bool PromsDue { get; init; }
    /// <summary>
    /// Days before the due date from which the point may be done; null = open from the start of the plan (the
    /// baseline may be collected any time before surgery).
    /// </summary>
    public int? EarlyDays { get; init; }
    /// <summary>Days after the due date it still counts as on time; null = <see cref="FollowUpOptions.GraceDays"/>.</summary>
    public int? GraceDays { get; init; }
    /// <summary>Source id(s) of this point (docs/clinical-rules.md, References).</summary>
    public string Source { get; init; } = "";
}

/// <summary>
/// Follow-up visits and PROM time points, rule 40 (configuration section <see cref="SectionName"/>). The source list (docs/clinical-rules.md) marks
/// the whole schedule ⚠ local ("example" [S63]); PROM points follow the American Spine Registry [S62].
/// </summary>
public sealed record FollowUpOptions
{
    public const string SectionName = "Outcomes:FollowUp";

    /// <summary>
    /// Visits at 2 wk, 6 wk, 3 mo, 6 mo, 1 y [S63]; PROMs at baseline, 90 days after discharge and 1 year [S62].
    /// Where the source list (docs/clinical-rules.md) is silent: visits count from the surgery date; the 3-month visit is placed 90 days after
    /// discharge so it doubles as ASR's 90-day PROM point (LOS is 1–3 days, so it moves the visit by that much);
    /// the 1-year PROM is taken at the 1-year visit, counted from surgery ⚠; the baseline is due by the surgery date
    /// and cannot be late (a post-operative answer is not a baseline).
    /// </summary>
    public IReadOnlyList<FollowUpPointDefinition> Points { get; init; } =
    [
        new() { Code = "baseline", Label = "Baseline PROMs (before surgery)", Anchor = FollowUpAnchor.Surgery, Offset = 0, Unit = OffsetUnit.Days, IsVisit = false, PromsDue = true, EarlyDays = null, GraceDays = 0, Source = "S62" },
        new() { Code = "2wk", Label = "2 weeks", Anchor = FollowUpAnchor.Surgery, Offset = 2, Unit = OffsetUnit.Weeks, EarlyDays = 0, Source = "S63" },
        new() { Code = "6wk", Label = "6 weeks", Anchor = FollowUpAnchor.Surgery, Offset = 6, Unit = OffsetUnit.Weeks, EarlyDays = 0, Source = "S63" },
        new() { Code = "3mo", Label = "3 months (90 days after discharge)", Anchor = FollowUpAnchor.Discharge, Offset = 90, Unit = OffsetUnit.Days, PromsDue = true, EarlyDays = 0, Source = "S63 S62" },
        new() { Code = "6mo", Label = "6 months", Anchor = FollowUpAnchor.Surgery, Offset = 6, Unit = OffsetUnit.Months, EarlyDays = 0, Source = "S63" },
        new() { Code = "1y", Label = "1 year", Anchor = FollowUpAnchor.Surgery, Offset = 1, Unit = OffsetUnit.Years, PromsDue = true, EarlyDays = 0, Source = "S63 S62" },
    ];

    /// <summary>
    /// Instruments collected at each PROM point: the scores this product keeps (ODI §6.5, NRS back and leg §6.4).
    /// ASR also collects PROMIS, VR-12 and NDI [S62]; add them here where licensed.
    /// </summary>
    public IReadOnlyList<string> PromInstruments { get; init; } = ["ODI", "NRS back", "NRS leg"];

    /// <summary>Days after the due date a point still counts as on time. The sources give none: 14 is a local placeholder ⚠.</summary>
    public int GraceDays { get; init; } = 14;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (GraceDays < 0)
        {
            errors.Add($"{SectionName}:GraceDays must not be negative, not {GraceDays}");
        }
        if (Points.Count == 0)
        {
            errors.Add($"{SectionName}:Points: no follow-up points configured");
        }
        for (var i = 0; i < Points.Count; i++)
        {
            var p = Points[i];
            var key = $"{SectionName}:Points:{i}";
            if (string.IsNullOrWhiteSpace(p.Code))
            {
                errors.Add($"{key}:Code is empty");
            }
            if (p.Offset < 0)
            {
                errors.Add($"{key}:Offset must not be negative, not {p.Offset}");
            }
            if (!Enum.IsDefined(p.Unit) || !Enum.IsDefined(p.Anchor))
            {
                errors.Add($"{key}: unknown unit or anchor");
            }
            if (p.EarlyDays < 0 || p.GraceDays < 0)
            {
                errors.Add($"{key}: EarlyDays and GraceDays must not be negative");
            }
            if (!p.IsVisit && !p.PromsDue)
            {
                errors.Add($"{key}: neither a visit nor a PROM point");
            }
        }
        foreach (var dup in Points.GroupBy(p => p.Code, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"{SectionName}:Points: code '{dup.Key}' is used {dup.Count()} times");
        }
        return errors;
    }
}

/// <summary>
/// One point of a patient's plan. It may be done from <see cref="OpensOn"/> (null: any time before) through
/// <see cref="DueDate"/> + grace = <see cref="LateAfter"/>; after that it is overdue.
/// </summary>
public sealed record FollowUpItem(
    string Code, string Label, DateOnly DueDate, DateOnly? OpensOn, DateOnly LateAfter, bool IsVisit,
    IReadOnlyList<string> Proms, FollowUpAnchor Anchor, string Source);

public enum FollowUpStatus
{
    /// <summary>Before the window opens.</summary>
    NotYetDue = 1,
    /// <summary>Inside the window (from opening through due date + grace, inclusive).</summary>
    Due,
    /// <summary>The day after due date + grace, or later.</summary>
    Overdue,
    /// <summary>Recorded as done.</summary>
    Done,
}

public sealed record FollowUpItemStatus(FollowUpItem Item, FollowUpStatus Status);

/// <summary>Rule 40: a patient's follow-up visits and PROM points from the surgery and discharge dates [S62][S63].</summary>
public static class FollowUpPlanner
{
    public static IReadOnlyList<FollowUpItem> Generate(DateOnly surgeryDate, DateOnly dischargeDate, FollowUpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bad = options.Validate();
        if (bad.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", bad), nameof(options));
        }
        if (dischargeDate < surgeryDate)
        {
            throw new ArgumentException($"discharge {dischargeDate:yyyy-MM-dd} is before surgery {surgeryDate:yyyy-MM-dd}", nameof(dischargeDate));
        }
        return [.. options.Points.Select(p =>
        {
            var anchor = p.Anchor == FollowUpAnchor.Surgery ? surgeryDate : dischargeDate;
            var due = p.Unit switch
            {
                OffsetUnit.Days => anchor.AddDays(p.Offset),
                OffsetUnit.Weeks => anchor.AddDays(7 * p.Offset),
                OffsetUnit.Months => anchor.AddMonths(p.Offset),
                OffsetUnit.Years => anchor.AddYears(p.Offset),
                _ => throw new ArgumentOutOfRangeException(nameof(options), p.Unit, "unknown offset unit"),
            };
            DateOnly? opens = p.EarlyDays is { } early ? due.AddDays(-early) : null;
            var late = due.AddDays(p.GraceDays ?? options.GraceDays);
            IReadOnlyList<string> proms = p.PromsDue ? [.. options.PromInstruments] : [];
            return new FollowUpItem(p.Code, p.Label, due, opens, late, p.IsVisit, proms, p.Anchor, p.Source);
        }).OrderBy(i => i.DueDate).ThenBy(i => i.IsVisit)];
    }

    /// <summary>Status of one item on <paramref name="asOf"/>; all bounds are inclusive dates.</summary>
    public static FollowUpStatus StatusOn(FollowUpItem item, DateOnly asOf, bool done = false)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (done)
        {
            return FollowUpStatus.Done;
        }
        if (item.OpensOn is { } opens && asOf < opens)
        {
            return FollowUpStatus.NotYetDue;
        }
        return asOf <= item.LateAfter ? FollowUpStatus.Due : FollowUpStatus.Overdue;
    }

    /// <summary>The whole plan's status on a date; <paramref name="doneCodes"/> are points already recorded.</summary>
    public static IReadOnlyList<FollowUpItemStatus> Status(IReadOnlyList<FollowUpItem> plan, DateOnly asOf, IReadOnlyCollection<string>? doneCodes = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var done = new HashSet<string>(doneCodes ?? [], StringComparer.OrdinalIgnoreCase);
        return [.. plan.Select(i => new FollowUpItemStatus(i, StatusOn(i, asOf, done.Contains(i.Code))))];
    }
}
