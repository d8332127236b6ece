using Explant.Core.Outcomes;

namespace Explant.Core.Tests.Outcomes;

/// <summary>Rule 37 [S57]: SSI surveillance windows; surgery date = day 1 by default, so day 30 = surgery + 29.</summary>
public sealed class SsiWindowTests
{
    private static readonly DateOnly Surgery = new(2026, 3, 10);
    private static readonly SsiSurveillanceOptions Defaults = new();

    private static SsiWindowResult At(int eventDay, SsiDepth depth, SsiSurveillanceOptions? options = null) =>
        SsiSurveillance.Evaluate(Surgery, Surgery.AddDays(eventDay - 1), depth, options ?? Defaults);

    [Theory]
    [InlineData(1, true)]
    [InlineData(29, true)]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public void Superficial_window_is_30_days_with_the_surgery_date_as_day_1(int day, bool inside)
    {
        var r = At(day, SsiDepth.SuperficialIncisional);
        Assert.Equal(30, r.WindowDays);
        Assert.Equal(day, r.EventDay);
        Assert.Equal(inside, r.Inside);
        Assert.Equal(new DateOnly(2026, 4, 8), r.LastDayInWindow);   // 10 March + 29 days
        Assert.Equal("S57", r.Source);
    }

    [Theory]
    [InlineData("FUSN", SsiDepth.DeepIncisional, 90, true)]
    [InlineData("FUSN", SsiDepth.DeepIncisional, 91, false)]
    [InlineData("fusn", SsiDepth.OrganSpace, 90, true)]
    [InlineData("RFUSN", SsiDepth.OrganSpace, 91, false)]
    [InlineData("LAM", SsiDepth.DeepIncisional, 30, true)]
    [InlineData("LAM", SsiDepth.DeepIncisional, 31, false)]
    [InlineData("LAM", SsiDepth.OrganSpace, 31, false)]
    [InlineData("FUSN", SsiDepth.SuperficialIncisional, 31, false)]   // superficial stays 30 even for a 90-day category
    public void Deep_and_organ_space_windows_follow_the_procedure_category(string category, SsiDepth depth, int day, bool inside)
    {
        var r = At(day, depth, Defaults with { ProcedureCategory = category });
        Assert.Equal(inside, r.Inside);
    }

    [Theory]
    [InlineData(SsiDepth.DeepIncisional, 90, true)]
    [InlineData(SsiDepth.DeepIncisional, 91, false)]
    [InlineData(SsiDepth.OrganSpace, 31, true)]
    [InlineData(SsiDepth.OrganSpace, 90, true)]
    [InlineData(SsiDepth.OrganSpace, 91, false)]
    public void Without_a_configured_category_22852_is_watched_for_the_longer_90_days(SsiDepth depth, int day, bool inside)
    {
        Assert.Null(Defaults.ProcedureCategory);
        var r = At(day, depth);
        Assert.Equal(90, r.WindowDays);
        Assert.Equal(inside, r.Inside);
        Assert.Contains("unverified", r.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_90_day_list_is_the_sourced_list_with_FUSN_and_without_LAM()
    {
        Assert.Equal(14, Defaults.NinetyDayCategories.Count);
        Assert.Contains("FUSN", Defaults.NinetyDayCategories);
        Assert.DoesNotContain("LAM", Defaults.NinetyDayCategories);
    }

    [Fact]
    public void An_event_before_surgery_is_outside()
    {
        var r = SsiSurveillance.Evaluate(Surgery, Surgery.AddDays(-1), SsiDepth.SuperficialIncisional, Defaults);
        Assert.False(r.Inside);
        Assert.Equal(0, r.EventDay);
        Assert.Contains("precedes", r.Basis, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, true)]    // surgery + 30 = day 30 when surgery is day 0
    [InlineData(31, false)]
    public void Day_0_numbering_moves_the_last_day_by_one(int daysAfterSurgery, bool inside)
    {
        var options = Defaults with { SurgeryDateIsDay1 = false };
        var r = SsiSurveillance.Evaluate(Surgery, Surgery.AddDays(daysAfterSurgery), SsiDepth.SuperficialIncisional, options);
        Assert.Equal(inside, r.Inside);
        Assert.Equal(daysAfterSurgery, r.EventDay);
        Assert.Equal(Surgery.AddDays(30), r.LastDayInWindow);
    }

    [Fact]
    public void Windows_are_settings_and_checked()
    {
        var r = At(45, SsiDepth.DeepIncisional, Defaults with { ProcedureCategory = "LAM", ShortDeepDays = 45 });
        Assert.True(r.Inside);
        Assert.Throws<ArgumentException>(() => At(1, SsiDepth.DeepIncisional, Defaults with { LongDeepDays = 0 }));
    }

    [Fact]
    public void Basis_names_the_window_day_and_source()
    {
        var r = At(31, SsiDepth.DeepIncisional, Defaults with { ProcedureCategory = "LAM" });
        Assert.Equal("deep incisional: 30 days for NHSN category LAM; event on day 31 (surgery date = day 1), window ends 2026-04-08: outside [S57]", r.Basis);
    }
}
