using Explant.Planner;

namespace Explant.Planner.Tests;

public sealed class DurationEstimatorTests
{
    private static readonly DurationOptions Options = new();

    [Theory]
    [InlineData(1, false, 10, 10, 60)]      // one level: the definition's minimum
    [InlineData(8, false, 10, 10, 180)]     // ≥ LevelsForMaximum: its maximum
    [InlineData(12, false, 10, 10, 180)]
    [InlineData(1, true, 10, 10, 72)]       // infection × 1.2
    [InlineData(1, false, 10, 5, 45)]       // half the components: × (0.5 + 0.5 × 0.5)
    public void Prior_scales_the_definition_range_by_the_construct(int levels, bool infection, int components, int planned, double expected) =>
        Assert.Equal(expected, DurationEstimator.Prior(new(levels, components, planned, infection, "S1"), 60, 180, Options), 6);

    [Fact]
    public void Without_history_the_estimate_is_the_prior_and_booking_is_above_the_median()
    {
        var e = DurationEstimator.Estimate(new(3, 10, 10, false, "S1"), 60, 180, [], Options);
        Assert.Equal(94, e.MedianMinutes);                      // 60 + 120 × 2/7
        Assert.True(e.BookingMinutes > e.MedianMinutes);
        Assert.Contains("3 levels; prior 94 min from the definition's 60–180 min", e.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void A_surgeons_history_pulls_the_estimate_with_shrinkage()
    {
        var features = new DurationFeatures(1, 6, 6, false, "S1");
        var history = Enumerable.Range(0, 5).Select(_ => new HistoricCase(features, 120)).ToList(); // twice the prior of 60
        var e = DurationEstimator.Estimate(features, 60, 180, history, Options);
        // 5 own cases against a prior worth 5 cases; the service history (all S1) is the same: the full ratio applies.
        Assert.Equal(120, e.MedianMinutes);
        var other = DurationEstimator.Estimate(features with { Surgeon = "S2" }, 60, 180, history, Options);
        Assert.Equal(120, other.MedianMinutes);                 // no own cases: the service mean
        Assert.Contains("surgeon median 120 min over 5 cases", e.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Shrinkage_weighs_own_cases_against_the_service()
    {
        var f1 = new DurationFeatures(1, 6, 6, false, "S1");
        var f2 = f1 with { Surgeon = "S2" };
        List<HistoricCase> history = [.. Enumerable.Range(0, 5).Select(_ => new HistoricCase(f1, 120)), .. Enumerable.Range(0, 5).Select(_ => new HistoricCase(f2, 60))];
        var e = DurationEstimator.Estimate(f1, 60, 180, history, Options);
        // log-ratios: S1 ln 2, service ln √2; (5 ln2 + 5 ln√2)/10 = 0.75 ln 2 → 60 × 2^0.75 ≈ 101
        Assert.Equal(101, e.MedianMinutes);
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.7, 0.5244005)]
    [InlineData(0.975, 1.9599640)]
    [InlineData(0.01, -2.3263479)]
    public void Inverse_normal_matches_the_table(double p, double z) => Assert.Equal(z, DurationEstimator.InverseNormal(p), 5);
}
