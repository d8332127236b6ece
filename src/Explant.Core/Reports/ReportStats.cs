namespace Explant.Core.Reports;

/// <summary>A proportion with its 95 % confidence interval.</summary>
public sealed record Proportion(int Events, int Total, double Rate, double Lower, double Upper)
{
    public override string ToString() => Total == 0
        ? "n/a"
        : FormattableString.Invariant($"{Events}/{Total} = {Rate * 100:0.0} % (95 % CI {Lower * 100:0.0}–{Upper * 100:0.0} %)");
}

/// <summary>Median and inter-quartile range (quartiles by <see cref="ReportStats.Quantile"/>).</summary>
public sealed record Spread(int N, double? Q1, double? Median, double? Q3);

/// <summary>The statistics the service reports use, stated once so every figure is reproducible by hand.</summary>
public static class ReportStats
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Wilson score interval (Wilson 1927) for k events in n: unlike the Wald interval it stays inside [0, 1] and
    /// behaves at 0 and n, which matters for rare complications in small series. n = 0 gives rate 0 and [0, 1].
    /// </summary>
    public static Proportion Wilson(int events, int total, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(events, total);
        if (total == 0)
        {
            return new Proportion(0, 0, 0, 0, 1);
        }
        double n = total, p = events / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        // At k = 0 or k = n the bound is exactly 0 or 1; clamp away rounding residue.
        return new Proportion(events, total, p, events == 0 ? 0 : Math.Max(0, centre - half), events == total ? 1 : Math.Min(1, centre + half));
    }

    /// <summary>
    /// Sample quantile by linear interpolation between order statistics — Hyndman &amp; Fan type 7, the default of
    /// R and NumPy: h = (n − 1)·p, Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted values (0-based).
    /// </summary>
    public static double? Quantile(IEnumerable<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (p is < 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a quantile is between 0 and 1");
        }
        var x = values.Order().ToArray();
        if (x.Length == 0)
        {
            return null;
        }
        var h = (x.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, x.Length - 1);
        return x[lo] + (h - lo) * (x[hi] - x[lo]);
    }

    public static Spread Spread(IEnumerable<double> values)
    {
        var x = (values ?? throw new ArgumentNullException(nameof(values))).ToArray();
        return new Spread(x.Length, Quantile(x, 0.25), Quantile(x, 0.5), Quantile(x, 0.75));
    }
}
