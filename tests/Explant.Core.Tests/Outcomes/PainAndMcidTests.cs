using Explant.Core.Outcomes;

namespace Explant.Core.Tests.Outcomes;

/// <summary>NRS 0–10 (docs/clinical-rules.md §9) and rule 39, the minimal important change [S59][S60].</summary>
public sealed class PainAndMcidTests
{
    private static readonly McidOptions Defaults = new();

    private static NrsScore N(int v) => NrsScore.Create(v);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("10", 10)]
    [InlineData(" 7 ", 7)]
    public void Nrs_accepts_whole_numbers_0_to_10(string text, int value)
    {
        Assert.True(NrsScore.TryParse(text, out var score, out var error));
        Assert.Null(error);
        Assert.Equal(value, score.Value);
    }

    [Theory]
    [InlineData("11")]
    [InlineData("-1")]
    [InlineData("7.5")]
    [InlineData("")]
    [InlineData("seven")]
    [InlineData("+3")]
    [InlineData(null)]
    public void Nrs_refuses_anything_else(string? text)
    {
        Assert.False(NrsScore.TryParse(text, out _, out var error));
        Assert.Contains("is not a whole number 0–10", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Nrs_out_of_range_cannot_be_created(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NrsScore.Create(value));

    [Fact]
    public void Back_and_leg_are_validated_separately_and_every_bad_site_is_named()
    {
        Assert.True(NrsPain.TryCreate("6", "3", out var pain, out var none));
        Assert.Empty(none);
        Assert.Equal(6, pain!.For(PainSite.Back)!.Value.Value);
        Assert.Equal(3, pain.For(PainSite.Leg)!.Value.Value);

        Assert.True(NrsPain.TryCreate("4", "", out var backOnly, out _));
        Assert.Null(backOnly!.Leg);

        Assert.False(NrsPain.TryCreate("12", "x", out var bad, out var errors));
        Assert.Null(bad);
        Assert.Equal(["back: '12' is not a whole number 0–10", "leg: 'x' is not a whole number 0–10"], errors);
    }

    [Fact]
    public void Defaults_are_rule_39()
    {
        Assert.Equal(2m, Defaults.NrsPoints);
        Assert.Equal(30m, Defaults.NrsPercent);
        Assert.Equal(10m, Defaults.OdiPoints);
        Assert.Equal(30m, Defaults.OdiPercent);
        Assert.Equal(12.8m, McidOptions.CopayOdi.OdiPoints);
        Assert.Equal(30m, McidOptions.CopayOdi.OdiPercent);
    }

    // NRS: ≥ 2 points OR ≥ 30 % of baseline, both inclusive.
    [Theory]
    //          base fu  points percent   change  pct
    [InlineData(8, 6, true, false, -2, "-25.0")]     // 2 points exactly; 25 %
    [InlineData(8, 7, false, false, -1, "-12.5")]    // 1 point, 12.5 %
    [InlineData(10, 7, true, true, -3, "-30.0")]     // 30 % exactly
    [InlineData(3, 2, false, true, -1, "-33.3")]     // 1 point but 33.3 %
    [InlineData(4, 3, false, false, -1, "-25.0")]    // 1 point, 25 %
    [InlineData(7, 6, false, false, -1, "-14.3")]
    [InlineData(5, 7, false, false, 2, "40.0")]      // worse
    [InlineData(5, 5, false, false, 0, "0.0")]
    public void Nrs_mcid_by_points_or_percentage_at_the_boundaries(int baseline, int followUp, bool byPoints, bool byPercent, int change, string pct)
    {
        var r = Mcid.ForNrs(N(baseline), N(followUp), Defaults);
        Assert.Equal(byPoints, r.ReachedByPoints);
        Assert.Equal(byPercent, r.ReachedByPercent);
        Assert.Equal(byPoints || byPercent, r.Reached);
        Assert.Equal(change, r.Change);
        Assert.Equal(decimal.Parse(pct, System.Globalization.CultureInfo.InvariantCulture), r.PercentChange);
        Assert.Equal("S59", r.Source);
    }

    [Fact]
    public void Nrs_from_zero_baseline_has_no_percentage()
    {
        var r = Mcid.ForNrs(N(0), N(0), Defaults);
        Assert.Null(r.PercentChange);
        Assert.False(r.Reached);
    }

    // ODI: ≥ 10 points OR ≥ 30 % of baseline.
    [Theory]
    [InlineData("50.0", "40.0", true, false)]     // 10 points exactly, 20 %
    [InlineData("50.0", "40.1", false, false)]    // 9.9 points, 19.8 %
    [InlineData("30.0", "21.0", false, true)]     // 9 points = 30 % exactly
    [InlineData("30.0", "21.1", false, false)]    // 8.9 points = 29.67 %
    [InlineData("35.6", "24.9", true, true)]      // 10.7 points, 30.06 %
    [InlineData("80.0", "72.0", false, false)]    // 8 points, 10 %
    [InlineData("20.0", "30.0", false, false)]    // worse
    public void Odi_mcid_by_points_or_percentage_at_the_boundaries(string baseline, string followUp, bool byPoints, bool byPercent)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var r = Mcid.ForOdi(decimal.Parse(baseline, c), decimal.Parse(followUp, c), Defaults);
        Assert.Equal(byPoints, r.ReachedByPoints);
        Assert.Equal(byPercent, r.ReachedByPercent);
        Assert.Equal(byPoints || byPercent, r.Reached);
    }

    [Fact]
    public void Percentage_boundary_is_decided_exactly_not_on_the_rounded_display()
    {
        // 3 of 10.1 = 29.70 % → displayed −29.7, not reached; 3.03 of 10.1 = 30.0 % exactly → reached.
        Assert.False(Mcid.ForOdi(10.1m, 7.1m, Defaults).ReachedByPercent);
        Assert.True(Mcid.ForOdi(10.1m, 7.07m, Defaults).ReachedByPercent);
        // 29.96 % displays as 30.0 but is below the threshold.
        var r = Mcid.ForOdi(50m, 35.02m, Defaults);
        Assert.Equal(-30.0m, r.PercentChange);
        Assert.False(r.ReachedByPercent);
    }

    [Fact]
    public void The_Copay_alternative_moves_the_ODI_points_threshold_to_12_8()
    {
        var r10 = Mcid.ForOdi(60m, 48m, Defaults);
        Assert.True(r10.ReachedByPoints);
        var copay = Mcid.ForOdi(60m, 48m, McidOptions.CopayOdi);   // 12 points, 20 %
        Assert.False(copay.Reached);
        Assert.Contains("S60", copay.Basis, StringComparison.Ordinal);
        Assert.True(Mcid.ForOdi(60m, 47.2m, McidOptions.CopayOdi).ReachedByPoints);  // 12.8 exactly
    }

    [Fact]
    public void Basis_text_states_change_rule_verdict_and_source()
    {
        var r = Mcid.ForOdi(50m, 38m, Defaults);
        Assert.Equal("ODI 50.0 → 38.0: improved 12.0 points (24.0 %); MCID ≥ 10 points or ≥ 30 % of baseline: reached by points [S59]", r.Basis);
        var n = Mcid.ForNrs(N(3), N(2), Defaults);
        Assert.Equal("NRS 3 → 2: improved 1 point (33.3 %); MCID ≥ 2 points or ≥ 30 % of baseline: reached by percentage [S59]", n.Basis);
        var w = Mcid.ForNrs(N(4), N(6), Defaults);
        Assert.Contains("worsened 2 points", w.Basis, StringComparison.Ordinal);
        Assert.Contains("not reached", w.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Odi_outside_0_to_100_and_bad_thresholds_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Mcid.ForOdi(101m, 50m, Defaults));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mcid.ForOdi(50m, -1m, Defaults));
        Assert.Throws<ArgumentException>(() => Mcid.ForOdi(50m, 40m, Defaults with { OdiPercent = 0 }));
    }

    [Fact]
    public void Clavien_Dindo_grades_and_the_d_suffix()
    {
        Assert.Equal(7, Enum.GetValues<ClavienDindoGrade>().Length);
        Assert.Equal("IIIb-d", new ClavienDindo(ClavienDindoGrade.IIIb, disabilityAtDischarge: true).ToString());
        Assert.Equal("IVa", new ClavienDindo(ClavienDindoGrade.IVa).ToString());
        Assert.Throws<ArgumentException>(() => new ClavienDindo(ClavienDindoGrade.V, disabilityAtDischarge: true));
        Assert.NotEqual(ClavienDindoGrade.I, default);   // an unset grade is not grade I
        Assert.Equal("S56", ClavienDindo.Source);
        Assert.Contains("general anaesthesia", ClavienDindo.Definition(ClavienDindoGrade.IIIb), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("I", ClavienDindoGrade.I, false)]
    [InlineData("II", ClavienDindoGrade.II, false)]
    [InlineData("IIIa", ClavienDindoGrade.IIIa, false)]
    [InlineData("IIIb-d", ClavienDindoGrade.IIIb, true)]
    [InlineData("IVbd", ClavienDindoGrade.IVb, true)]
    [InlineData("Id", ClavienDindoGrade.I, true)]
    [InlineData("V", ClavienDindoGrade.V, false)]
    public void Clavien_Dindo_parses(string text, ClavienDindoGrade grade, bool d)
    {
        Assert.True(ClavienDindo.TryParse(text, out var v, out var error), error);
        Assert.Equal(grade, v.Grade);
        Assert.Equal(d, v.DisabilityAtDischarge);
    }

    [Theory]
    [InlineData("III")]
    [InlineData("IV")]
    [InlineData("3")]
    [InlineData("I,II")]
    [InlineData("iiia")]
    [InlineData("V-d")]
    [InlineData("")]
    [InlineData("d")]
    public void Clavien_Dindo_refuses_non_grades(string text) =>
        Assert.False(ClavienDindo.TryParse(text, out _, out _));
}
