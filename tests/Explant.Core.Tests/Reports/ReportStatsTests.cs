using Explant.Core.Reports;

namespace Explant.Core.Tests.Reports;

/// <summary>The stated methods: Wilson score interval (z = 1.96) and type 7 quantiles, against published/hand values.</summary>
public sealed class ReportStatsTests
{
    [Theory]
    // Hand: p = 0.2, z² = 3.8415; centre = (0.2 + 0.38415) / 1.76829 = 0.33034; half = 1.96·√(0.032 + 0.038415) / 1.76829 = 0.29412.
    [InlineData(1, 5, 0.0362, 0.6245)]
    // k = 0: upper = z² / (n + z²) = 3.8415 / 13.8415.
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    // Newcombe (1998) table I, 81/263: 0.2553–0.3662.
    [InlineData(81, 263, 0.2553, 0.3662)]
    public void Wilson_matches_hand_and_published_values(int k, int n, double lower, double upper)
    {
        var p = ReportStats.Wilson(k, n);
        Assert.Equal((double)k / n, p.Rate, 10);
        Assert.Equal(lower, p.Lower, 4);
        Assert.Equal(upper, p.Upper, 4);
    }

    [Fact]
    public void Wilson_of_nothing_is_the_whole_interval_and_bad_counts_are_refused()
    {
        Assert.Equal(new Proportion(0, 0, 0, 0, 1), ReportStats.Wilson(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportStats.Wilson(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportStats.Wilson(-1, 2));
        Assert.Equal("n/a", ReportStats.Wilson(0, 0).ToString());
        Assert.Equal("1/5 = 20.0 % (95 % CI 3.6–62.4 %)", ReportStats.Wilson(1, 5).ToString());
    }

    [Theory]
    // Type 7 (R default, NumPy "linear"): h = (n − 1)p on sorted values.
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.5, 2.5)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.25, 1.75)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0.9, 3.7)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0, 1)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 1, 4)]
    [InlineData(new double[] { 7 }, 0.75, 7)]
    [InlineData(new double[] { -10, 30, 10 }, 0.25, 0)]
    public void Quantile_is_type_7(double[] values, double p, double expected) =>
        Assert.Equal(expected, ReportStats.Quantile(values, p)!.Value, 10);

    [Fact]
    public void Quantile_of_nothing_is_null_and_p_outside_0_1_is_refused()
    {
        Assert.Null(ReportStats.Quantile([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReportStats.Quantile([1.0], 1.5));
        Assert.Equal(new Spread(0, null, null, null), ReportStats.Spread([]));
    }
}
