using System.Globalization;

namespace Explant.Core.Outcomes;

public enum McidScale
{
    /// <summary>NRS 0–10 pain (back or leg).</summary>
    Nrs = 1,
    /// <summary>ODI 0–100.</summary>
    Odi,
}

/// <summary>
/// Minimal important change thresholds, rule 39 (configuration section <see cref="SectionName"/>). Both scales
/// count "lower is better", so improvement = baseline − follow-up. A change reaches the MCID when the improvement is
/// at least the points OR at least the percentage of baseline (inclusive).
/// </summary>
public sealed record McidOptions
{
    public const string SectionName = "Outcomes:Mcid";

    /// <summary>NRS: 2 points [S59] (docs/clinical-rules.md §9).</summary>
    public decimal NrsPoints { get; init; } = 2;

    /// <summary>NRS: 30 % of baseline [S59].</summary>
    public decimal NrsPercent { get; init; } = 30;

    /// <summary>ODI: 10 points [S59]; Copay's lumbar-surgery estimate of 12.8 [S60] is the ⚠ alternative (<see cref="CopayOdi"/>).</summary>
    public decimal OdiPoints { get; init; } = 10;

    /// <summary>ODI: 30 % of baseline [S59].</summary>
    public decimal OdiPercent { get; init; } = 30;

    /// <summary>Source ids printed in the basis text; change them when the thresholds change.</summary>
    public string NrsSource { get; init; } = "S59";
    public string OdiSource { get; init; } = "S59";

    /// <summary>The ⚠ alternative of docs/clinical-rules.md §9: ODI 12.8 points (Copay [S60]); 30 % unchanged [S59].</summary>
    public static McidOptions CopayOdi => new() { OdiPoints = 12.8m, OdiSource = "S60 (points), S59 (percent)" };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(decimal v, string name, decimal max)
        {
            if (v <= 0 || v > max)
            {
                errors.Add($"{SectionName}:{name} must be above 0 and at most {max}, not {v}");
            }
        }
        Check(NrsPoints, nameof(NrsPoints), NrsScore.Max);
        Check(NrsPercent, nameof(NrsPercent), 100);
        Check(OdiPoints, nameof(OdiPoints), 100);
        Check(OdiPercent, nameof(OdiPercent), 100);
        return errors;
    }
}

/// <summary>
/// A baseline → follow-up comparison. <see cref="Change"/> is follow-up − baseline (negative = better on both
/// scales); <see cref="PercentChange"/> is that change as a percentage of baseline, one decimal, null when the
/// baseline is 0 (no relative change exists; only the points criterion can apply).
/// </summary>
public sealed record McidResult(
    McidScale Scale, decimal Baseline, decimal FollowUp, decimal Change, decimal? PercentChange,
    bool ReachedByPoints, bool ReachedByPercent, string Basis, string Source)
{
    public bool Reached => ReachedByPoints || ReachedByPercent;
}

/// <summary>Rule 39: did the patient improve by at least the minimal important change? [S59][S60]</summary>
public static class Mcid
{
    public static McidResult ForNrs(NrsScore baseline, NrsScore followUp, McidOptions options) =>
        Assess(McidScale.Nrs, baseline.Value, followUp.Value, options);

    /// <summary>ODI percentages (0–100) as reported by <see cref="Odi.Score"/>.</summary>
    public static McidResult ForOdi(decimal baseline, decimal followUp, McidOptions options)
    {
        if (baseline is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), baseline, "an ODI score is 0–100");
        }
        if (followUp is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(followUp), followUp, "an ODI score is 0–100");
        }
        return Assess(McidScale.Odi, baseline, followUp, options);
    }

    private static McidResult Assess(McidScale scale, decimal baseline, decimal followUp, McidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bad = options.Validate();
        if (bad.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", bad), nameof(options));
        }
        var (points, percent, source, name) = scale == McidScale.Nrs
            ? (options.NrsPoints, options.NrsPercent, options.NrsSource, "NRS")
            : (options.OdiPoints, options.OdiPercent, options.OdiSource, "ODI");

        var change = followUp - baseline;
        var improvement = -change;
        var byPoints = improvement >= points;
        // Compared as improvement × 100 ≥ percent × baseline: exact, no rounded quotient decides a boundary.
        var byPercent = baseline > 0 && improvement > 0 && improvement * 100 >= percent * baseline;
        decimal? percentChange = baseline > 0 ? OutcomeMath.OneDecimal(change * 100 / baseline) : null;

        var c = CultureInfo.InvariantCulture;
        string F(decimal d) => scale == McidScale.Nrs ? d.ToString("0.#", c) : d.ToString("0.0", c);
        string Points(decimal d) => $"{F(d)} {(d == 1 ? "point" : "points")}";
        var direction = improvement > 0 ? $"improved {Points(improvement)}" : improvement < 0 ? $"worsened {Points(-improvement)}" : "unchanged";
        var pct = percentChange is { } p ? $" ({Math.Abs(p).ToString("0.0", c)} %)" : " (baseline 0: no percentage)";
        var rule = $"MCID ≥ {points.ToString("0.##", c)} points or ≥ {percent.ToString("0.##", c)} % of baseline";
        var verdict = (byPoints, byPercent) switch
        {
            (true, true) => "reached by points and by percentage",
            (true, false) => "reached by points",
            (false, true) => "reached by percentage",
            _ => "not reached",
        };
        var basis = $"{name} {F(baseline)} → {F(followUp)}: {direction}{(improvement == 0 ? "" : pct)}; {rule}: {verdict} [{source}]";
        return new McidResult(scale, baseline, followUp, change, percentChange, byPoints, byPercent, basis, source);
    }
}
