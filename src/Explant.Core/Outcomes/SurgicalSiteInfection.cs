namespace Explant.Core.Outcomes;

/// <summary>CDC/NHSN SSI depth (docs/clinical-rules.md §10, [S57]).</summary>
public enum SsiDepth
{
    /// <summary>Skin and subcutaneous tissue only.</summary>
    SuperficialIncisional = 1,
    /// <summary>Fascia or muscle.</summary>
    DeepIncisional,
    /// <summary>Deeper than fascia; must meet a site-specific definition (spine: disc space, osteomyelitis, spinal abscess ⚠).</summary>
    OrganSpace,
}

/// <summary>
/// SSI surveillance windows, rule 37 (configuration section <see cref="SectionName"/>). The numbers need a
/// check against the current year's NHSN manual (docs/clinical-rules.md §10), so every number here is a setting ⚠ [S57].
/// </summary>
public sealed record SsiSurveillanceOptions
{
    public const string SectionName = "Outcomes:Ssi";

    /// <summary>Superficial incisional SSI: 30 days [S57].</summary>
    public int SuperficialDays { get; init; } = 30;

    /// <summary>Deep / organ-space window for categories not in <see cref="NinetyDayCategories"/> (e.g. LAM ⚠): 30 days [S57].</summary>
    public int ShortDeepDays { get; init; } = 30;

    /// <summary>Deep / organ-space window for the 90-day categories: 90 days [S57].</summary>
    public int LongDeepDays { get; init; } = 90;

    /// <summary>
    /// NHSN categories with the 90-day deep / organ-space window, an unverified list ⚠ (docs/clinical-rules.md §10):
    /// load the current list. FUSN is among them; LAM is not.
    /// </summary>
    public IReadOnlyList<string> NinetyDayCategories { get; init; } =
        ["BRST", "CARD", "CBGB", "CBGC", "CRAN", "FUSN", "FX", "HER", "HPRO", "KPRO", "PACE", "PVBY", "RFUSN", "VSHN"];

    /// <summary>
    /// The NHSN category of the operation under surveillance. For isolated 22852 the mapping
    /// (FUSN, LAM or none) is ⚠ unverified (docs/clinical-rules.md §10) and must come from NHSN's current code file, so the default is null:
    /// no category is assumed.
    /// </summary>
    public string? ProcedureCategory { get; init; }

    /// <summary>
    /// Deep / organ-space window while <see cref="ProcedureCategory"/> is unknown. Default 90 days, the longer of
    /// the two candidate windows (FUSN 90, LAM 30): surveillance is never closed early on a guess, at the price of
    /// events on days 31–90 that a reviewer may later exclude once the category is confirmed.
    /// </summary>
    public int UnmappedDeepDays { get; init; } = 90;

    /// <summary>
    /// Day numbering. The sources do not state it; we count the date of surgery as day 1 (our reading of the NHSN
    /// convention ⚠ — confirm against the manual), so a 30-day window ends on surgery date + 29 days. False counts the
    /// surgery date as day 0 and the window ends on surgery date + N.
    /// </summary>
    public bool SurgeryDateIsDay1 { get; init; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, v) in new[] { (nameof(SuperficialDays), SuperficialDays), (nameof(ShortDeepDays), ShortDeepDays), (nameof(LongDeepDays), LongDeepDays), (nameof(UnmappedDeepDays), UnmappedDeepDays) })
        {
            if (v is < 1 or > 366)
            {
                errors.Add($"{SectionName}:{name} must be 1–366 days, not {v}");
            }
        }
        return errors;
    }
}

/// <summary>Whether an event lies inside the surveillance window of its depth, and why.</summary>
public sealed record SsiWindowResult(
    SsiDepth Depth, int WindowDays, DateOnly SurgeryDate, DateOnly LastDayInWindow, DateOnly EventDate, int EventDay, bool Inside, string Basis)
{
    public string Source => "S57";
}

/// <summary>Rule 37: CDC/NHSN SSI surveillance windows [S57].</summary>
public static class SsiSurveillance
{
    /// <summary>Window length in days for a depth, with the reason it applies.</summary>
    public static (int Days, string Reason) Window(SsiDepth depth, SsiSurveillanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (depth == SsiDepth.SuperficialIncisional)
        {
            return (options.SuperficialDays, $"superficial incisional: {options.SuperficialDays} days");
        }
        if (depth is not (SsiDepth.DeepIncisional or SsiDepth.OrganSpace))
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "unknown SSI depth");
        }
        var what = depth == SsiDepth.DeepIncisional ? "deep incisional" : "organ/space";
        var category = options.ProcedureCategory?.Trim();
        if (string.IsNullOrEmpty(category))
        {
            return (options.UnmappedDeepDays,
                $"{what}: {options.UnmappedDeepDays} days while the NHSN category is not configured (22852 → FUSN/LAM/none ⚠ unverified, docs/clinical-rules.md §10)");
        }
        var isLong = options.NinetyDayCategories.Any(c => string.Equals(c.Trim(), category, StringComparison.OrdinalIgnoreCase));
        var days = isLong ? options.LongDeepDays : options.ShortDeepDays;
        return (days, $"{what}: {days} days for NHSN category {category.ToUpperInvariant()}");
    }

    /// <summary>
    /// Is an event on <paramref name="eventDate"/> inside the window after surgery on <paramref name="surgeryDate"/>?
    /// Day numbering per <see cref="SsiSurveillanceOptions.SurgeryDateIsDay1"/> (default: surgery date = day 1, so
    /// day 30 = surgery + 29 is the last day of a 30-day window). An event before the surgery date is outside.
    /// </summary>
    public static SsiWindowResult Evaluate(DateOnly surgeryDate, DateOnly eventDate, SsiDepth depth, SsiSurveillanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bad = options.Validate();
        if (bad.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", bad), nameof(options));
        }
        var (days, reason) = Window(depth, options);
        var firstDay = options.SurgeryDateIsDay1 ? 1 : 0;
        var eventDay = eventDate.DayNumber - surgeryDate.DayNumber + firstDay;
        var lastDay = surgeryDate.AddDays(options.SurgeryDateIsDay1 ? days - 1 : days);
        var inside = eventDate >= surgeryDate && eventDate <= lastDay;
        var numbering = options.SurgeryDateIsDay1 ? "surgery date = day 1" : "surgery date = day 0";
        var basis = eventDate < surgeryDate
            ? $"event {eventDate:yyyy-MM-dd} precedes the surgery on {surgeryDate:yyyy-MM-dd}: outside the window [S57]"
            : $"{reason}; event on day {eventDay} ({numbering}), window ends {lastDay:yyyy-MM-dd}: {(inside ? "inside" : "outside")} [S57]";
        return new SsiWindowResult(depth, days, surgeryDate, lastDay, eventDate, eventDay, inside, basis);
    }
}
