namespace Explant.Planner;

/// <summary>
/// Model settings. These are modelling assumptions, not clinical facts: the source list (docs/clinical-rules.md) gives only the seed's 60–180 min
/// "depending on complexity and number of segments" [S0] and booking at a chosen quantile (§8.1 ⚠).
/// </summary>
public sealed class DurationOptions
{
    /// <summary>Spans of this many levels or more get the definition's maximum; one level gets its minimum.</summary>
    public int LevelsForMaximum { get; set; } = 8;

    /// <summary>Multiplier when infection is an indication (debridement, cultures) — an assumption the history corrects.</summary>
    public double InfectionFactor { get; set; } = 1.2;

    /// <summary>Partial removal: prior × (floor + (1 − floor) × planned share of components).</summary>
    public double PartialScopeFloor { get; set; } = 0.5;

    /// <summary>Per-surgeon shrinkage: the prior counts as this many cases.</summary>
    public double ShrinkageCases { get; set; } = 5;

    /// <summary>Quantile to book at (§8.1: e.g. 70th percentile ⚠).</summary>
    public double BookingQuantile { get; set; } = 0.7;

    /// <summary>Log-scale spread assumed until enough history exists.</summary>
    public double DefaultLogSpread { get; set; } = 0.25;
}

public sealed record DurationFeatures(int Levels, int Components, int PlannedComponents, bool Infection, string Surgeon);

public sealed record HistoricCase(DurationFeatures Features, int ActualMinutes);

public sealed record DurationEstimate(int MedianMinutes, int BookingMinutes, string Basis);

/// <summary>
/// Prior from the definition's range scaled by the construct, then learned from recorded durations (in-room to
/// out-of-room) on the log scale with per-surgeon shrinkage towards the whole service; booked at a quantile.
/// </summary>
public static class DurationEstimator
{
    public static double Prior(DurationFeatures f, int minMinutes, int maxMinutes, DurationOptions o)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(o);
        var share = Math.Clamp((f.Levels - 1.0) / Math.Max(1, o.LevelsForMaximum - 1), 0, 1);
        var prior = minMinutes + (maxMinutes - minMinutes) * share;
        if (f.Infection)
        {
            prior *= o.InfectionFactor;
        }
        if (f.Components > 0 && f.PlannedComponents < f.Components)
        {
            prior *= o.PartialScopeFloor + (1 - o.PartialScopeFloor) * f.PlannedComponents / f.Components;
        }
        return prior;
    }

    public static DurationEstimate Estimate(DurationFeatures f, int minMinutes, int maxMinutes, IReadOnlyList<HistoricCase> history, DurationOptions o)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(o);
        var prior = Prior(f, minMinutes, maxMinutes, o);
        var residuals = history.Select(h => (h.Features.Surgeon, R: Math.Log(h.ActualMinutes / Prior(h.Features, minMinutes, maxMinutes, o)))).ToList();
        var global = residuals.Count == 0 ? 0 : residuals.Average(r => r.R);
        var mine = residuals.Where(r => r.Surgeon == f.Surgeon).Select(r => r.R).ToList();
        var shrunk = (mine.Sum() + o.ShrinkageCases * global) / (mine.Count + o.ShrinkageCases);
        var spread = residuals.Count >= 3
            ? Math.Sqrt(residuals.Sum(r => Math.Pow(r.R - global, 2)) / (residuals.Count - 1))
            : o.DefaultLogSpread;
        var median = prior * Math.Exp(shrunk);
        var booking = median * Math.Exp(InverseNormal(o.BookingQuantile) * spread);
        var features = $"{f.Levels} level{(f.Levels == 1 ? "" : "s")}{(f.Infection ? ", infection" : "")}{(f.PlannedComponents < f.Components ? $", partial {f.PlannedComponents}/{f.Components}" : "")}";
        var basis = mine.Count == 0
            ? $"{features}; prior {prior:0} min from the definition's {minMinutes}–{maxMinutes} min{(residuals.Count > 0 ? $", service history of {residuals.Count} cases" : "")}"
            : $"{features}; surgeon median {Median(history.Where(h => h.Features.Surgeon == f.Surgeon).Select(h => h.ActualMinutes)):0} min over {mine.Count} cases";
        return new DurationEstimate((int)Math.Round(median), (int)Math.Ceiling(booking), basis);
    }

    private static double Median(IEnumerable<int> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2.0;
    }

    /// <summary>Standard normal quantile (Acklam's rational approximation, |error| &lt; 1.2e-9).</summary>
    public static double InverseNormal(double p)
    {
        if (p is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), "quantile must be in (0, 1)");
        }
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        var r = p - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }
}
