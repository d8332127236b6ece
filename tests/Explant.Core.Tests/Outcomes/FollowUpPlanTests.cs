using Explant.Core.Outcomes;

namespace Explant.Core.Tests.Outcomes;

/// <summary>Rule 40 [S62][S63]: visits 2 wk, 6 wk, 3 mo, 6 mo, 1 y; PROMs at baseline, 90 days after discharge, 1 year.</summary>
public sealed class FollowUpPlanTests
{
    private static readonly DateOnly Surgery = new(2026, 1, 12);
    private static readonly DateOnly Discharge = new(2026, 1, 14);
    private static readonly FollowUpOptions Defaults = new();

    private static IReadOnlyList<FollowUpItem> Plan(FollowUpOptions? options = null) =>
        FollowUpPlanner.Generate(Surgery, Discharge, options ?? Defaults);

    private static FollowUpItem Item(string code) => Plan().Single(i => i.Code == code);

    [Fact]
    public void Default_plan_has_baseline_and_five_visits_on_hand_computed_dates()
    {
        var plan = Plan();
        Assert.Equal(["baseline", "2wk", "6wk", "3mo", "6mo", "1y"], plan.Select(i => i.Code));
        Assert.Equal(
            [
                new DateOnly(2026, 1, 12),   // baseline: by the surgery date
                new DateOnly(2026, 1, 26),   // surgery + 14 days
                new DateOnly(2026, 2, 23),   // surgery + 42 days
                new DateOnly(2026, 4, 14),   // discharge 14 Jan + 90 days
                new DateOnly(2026, 7, 12),   // surgery + 6 calendar months
                new DateOnly(2027, 1, 12),   // surgery + 1 year
            ],
            plan.Select(i => i.DueDate));
        Assert.Equal([false, true, true, true, true, true], plan.Select(i => i.IsVisit));
    }

    [Fact]
    public void Proms_are_due_at_baseline_90_days_after_discharge_and_1_year_only()
    {
        var plan = Plan();
        Assert.Equal(["baseline", "3mo", "1y"], plan.Where(i => i.Proms.Count > 0).Select(i => i.Code));
        Assert.Equal(["ODI", "NRS back", "NRS leg"], Item("3mo").Proms);
        Assert.Equal(FollowUpAnchor.Discharge, Item("3mo").Anchor);
        Assert.Equal(90, Item("3mo").DueDate.DayNumber - Discharge.DayNumber);
        Assert.Contains("S62", Item("baseline").Source, StringComparison.Ordinal);
        Assert.Contains("S63", Item("2wk").Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Ninety_day_point_moves_with_the_discharge_date_and_visits_do_not()
    {
        var later = FollowUpPlanner.Generate(Surgery, Discharge.AddDays(3), Defaults);
        Assert.Equal(Item("3mo").DueDate.AddDays(3), later.Single(i => i.Code == "3mo").DueDate);
        Assert.Equal(Item("6wk").DueDate, later.Single(i => i.Code == "6wk").DueDate);
    }

    [Fact]
    public void Calendar_months_and_years_clamp_at_month_end()
    {
        var plan = FollowUpPlanner.Generate(new DateOnly(2024, 2, 29), new DateOnly(2024, 3, 1), Defaults);
        Assert.Equal(new DateOnly(2024, 8, 29), plan.Single(i => i.Code == "6mo").DueDate);
        Assert.Equal(new DateOnly(2025, 2, 28), plan.Single(i => i.Code == "1y").DueDate);
        var endOfMonth = FollowUpPlanner.Generate(new DateOnly(2025, 8, 31), new DateOnly(2025, 9, 1), Defaults);
        Assert.Equal(new DateOnly(2026, 2, 28), endOfMonth.Single(i => i.Code == "6mo").DueDate);
    }

    [Theory]
    [InlineData("2026-01-25", FollowUpStatus.NotYetDue)]   // day before due
    [InlineData("2026-01-26", FollowUpStatus.Due)]         // due date
    [InlineData("2026-02-09", FollowUpStatus.Due)]         // due + 14 (last day of grace)
    [InlineData("2026-02-10", FollowUpStatus.Overdue)]     // due + 15
    public void Two_week_visit_status_with_the_14_day_grace(string asOf, FollowUpStatus status) =>
        Assert.Equal(status, FollowUpPlanner.StatusOn(Item("2wk"), DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2025-10-01", FollowUpStatus.Due)]       // any time before surgery
    [InlineData("2026-01-12", FollowUpStatus.Due)]       // on the day of surgery
    [InlineData("2026-01-13", FollowUpStatus.Overdue)]   // a post-operative answer is not a baseline: no grace
    public void Baseline_is_open_until_surgery_and_never_late_allowed(string asOf, FollowUpStatus status) =>
        Assert.Equal(status, FollowUpPlanner.StatusOn(Item("baseline"), DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Grace_is_a_setting_and_done_points_are_done()
    {
        var strict = Plan(Defaults with { GraceDays = 0 }).Single(i => i.Code == "6wk");
        Assert.Equal(FollowUpStatus.Due, FollowUpPlanner.StatusOn(strict, strict.DueDate));
        Assert.Equal(FollowUpStatus.Overdue, FollowUpPlanner.StatusOn(strict, strict.DueDate.AddDays(1)));

        var status = FollowUpPlanner.Status(Plan(), new DateOnly(2026, 3, 20), ["baseline", "2WK"]);
        Assert.Equal(
            [FollowUpStatus.Done, FollowUpStatus.Done, FollowUpStatus.Overdue, FollowUpStatus.NotYetDue, FollowUpStatus.NotYetDue, FollowUpStatus.NotYetDue],
            status.Select(s => s.Status));
    }

    [Fact]
    public void Intervals_are_configurable()
    {
        var options = Defaults with
        {
            Points =
            [
                new() { Code = "10d", Label = "Wound check", Offset = 10, Unit = OffsetUnit.Days },
                new() { Code = "90d-proms", Label = "ASR 90 days", Anchor = FollowUpAnchor.Discharge, Offset = 90, IsVisit = false, PromsDue = true, EarlyDays = 7, GraceDays = 30 },
            ],
            PromInstruments = ["ODI"],
        };
        var plan = Plan(options);
        Assert.Equal(new DateOnly(2026, 1, 22), plan[0].DueDate);
        Assert.Equal(Discharge.AddDays(90), plan[1].DueDate);
        Assert.Equal(Discharge.AddDays(83), plan[1].OpensOn);
        Assert.Equal(Discharge.AddDays(120), plan[1].LateAfter);
        Assert.Equal(["ODI"], plan[1].Proms);
        Assert.Empty(plan[0].Proms);
    }

    [Fact]
    public void Bad_settings_and_a_discharge_before_surgery_are_refused()
    {
        Assert.Throws<ArgumentException>(() => FollowUpPlanner.Generate(Surgery, Surgery.AddDays(-1), Defaults));
        var dup = Defaults with { Points = [new() { Code = "a", Offset = 1 }, new() { Code = "A", Offset = 2 }] };
        Assert.Contains(dup.Validate(), e => e.Contains("used 2 times", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => Plan(dup));
        Assert.NotEmpty((Defaults with { GraceDays = -1 }).Validate());
        Assert.NotEmpty((Defaults with { Points = [new() { Code = "x", Offset = -5 }] }).Validate());
        Assert.Empty(Defaults.Validate());
    }
}
