using Explant.Core.Readiness;

namespace Explant.Core.Tests.Readiness;

/// <summary>Rule 16 ([S27][S28]): last intake per category, solids raised to the definition's minimum, real hours across clock changes.</summary>
public sealed class FastingTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static IReadOnlyList<FastingLine> Plan(DateTime local, TimeZoneInfo zone, int? definitionMinimum = 8, ReadinessOptions? options = null) =>
        Fasting.Plan(local, zone, options ?? new ReadinessOptions(), definitionMinimum);

    private static FastingLine Line(IReadOnlyList<FastingLine> plan, string category) => plan.Single(f => f.Category == category);

    private static TimeSpan RealHoursBefore(DateTime surgeryLocal, FastingLine line, TimeZoneInfo zone) =>
        Fasting.ToUtc(surgeryLocal, zone) - TimeZoneInfo.ConvertTimeToUtc(line.LastIntakeLocal, zone);

    [Fact]
    public void Every_category_with_ASA_hours_and_solids_raised_to_the_definitions_8_hours()
    {
        var surgery = new DateTime(2026, 12, 7, 7, 30, 0);
        var plan = Plan(surgery, Chicago);
        Assert.Equal(["carbohydrate-drink", "clear-liquids", "breast-milk", "light-meal", "fatty-meal"], plan.Select(f => f.Category));
        Assert.Equal([2, 2, 4, 8, 8], plan.Select(f => f.Hours));

        var clear = Line(plan, "clear-liquids");
        Assert.Equal(new DateTime(2026, 12, 7, 5, 30, 0), clear.LastIntakeLocal);
        Assert.Equal("S27", clear.Source);
        Assert.Equal("ASA: 2 h", clear.Basis);

        var carbohydrate = Line(plan, "carbohydrate-drink");
        Assert.Equal(new DateTime(2026, 12, 7, 5, 30, 0), carbohydrate.LastIntakeLocal);
        Assert.Equal("S28", carbohydrate.Source);

        var milk = Line(plan, "breast-milk");
        Assert.Equal(new DateTime(2026, 12, 7, 3, 30, 0), milk.LastIntakeLocal);
        Assert.Equal("S27", milk.Source);

        var light = Line(plan, "light-meal");
        Assert.Equal(8, light.Hours);
        Assert.Equal(new DateTime(2026, 12, 6, 23, 30, 0), light.LastIntakeLocal);
        Assert.Equal("S0", light.Source);
        Assert.Contains("stricter", light.Basis, StringComparison.Ordinal);
        Assert.Contains("6 h", light.Basis, StringComparison.Ordinal);

        // Fatty food is already 8 h in the ASA table: not raised, so still ASA's.
        var fatty = Line(plan, "fatty-meal");
        Assert.Equal(new DateTime(2026, 12, 6, 23, 30, 0), fatty.LastIntakeLocal);
        Assert.Equal("S27", fatty.Source);
        Assert.Equal("ASA: 8 h", fatty.Basis);
    }

    [Fact]
    public void Without_a_definition_minimum_the_ASA_table_applies()
    {
        var plan = Plan(new DateTime(2026, 12, 7, 7, 30, 0), Chicago, definitionMinimum: null);
        var light = Line(plan, "light-meal");
        Assert.Equal(6, light.Hours);
        Assert.Equal(new DateTime(2026, 12, 7, 1, 30, 0), light.LastIntakeLocal);
        Assert.Equal("S27", light.Source);
    }

    [Fact]
    public void A_definition_minimum_shorter_than_ASA_never_shortens_a_fast()
    {
        var plan = Plan(new DateTime(2026, 12, 7, 7, 30, 0), Chicago, definitionMinimum: 4);
        Assert.Equal(6, Line(plan, "light-meal").Hours);
        Assert.Equal(8, Line(plan, "fatty-meal").Hours);
    }

    [Fact]
    public void A_longer_definition_minimum_raises_both_solid_categories_but_no_liquid()
    {
        var plan = Plan(new DateTime(2026, 12, 7, 7, 30, 0), Chicago, definitionMinimum: 10);
        Assert.Equal(10, Line(plan, "light-meal").Hours);
        Assert.Equal(10, Line(plan, "fatty-meal").Hours);
        Assert.Equal("S0", Line(plan, "fatty-meal").Source);
        Assert.Equal(2, Line(plan, "clear-liquids").Hours);
        Assert.Equal(4, Line(plan, "breast-milk").Hours);
    }

    [Fact]
    public void Institution_overrides_of_the_table_are_used()
    {
        var options = new ReadinessOptions();
        options.FastingHours["clear-liquids"] = 1;
        var plan = Plan(new DateTime(2026, 12, 7, 7, 30, 0), Chicago, options: options);
        Assert.Equal(new DateTime(2026, 12, 7, 6, 30, 0), Line(plan, "clear-liquids").LastIntakeLocal);
        Assert.Equal("clear-liquids", plan[0].Category);
    }

    [Fact]
    public void Spring_forward_night_in_Chicago_counts_real_hours()
    {
        // 2026-03-08 02:00 CST → 03:00 CDT. 07:30 CDT is 12:30 UTC; 8 h earlier is 04:30 UTC = 22:30 CST on the 7th.
        var surgery = new DateTime(2026, 3, 8, 7, 30, 0);
        var plan = Plan(surgery, Chicago);
        var light = Line(plan, "light-meal");
        Assert.Equal(new DateTime(2026, 3, 7, 22, 30, 0), light.LastIntakeLocal);
        Assert.Equal(TimeSpan.FromHours(8), RealHoursBefore(surgery, light, Chicago));
        Assert.Equal(TimeSpan.FromHours(9), surgery - light.LastIntakeLocal); // wall clock
        Assert.Equal(new DateTime(2026, 3, 8, 5, 30, 0), Line(plan, "clear-liquids").LastIntakeLocal);
        // 4 h before 07:30 CDT is 08:30 UTC = 03:30 CDT.
        Assert.Equal(new DateTime(2026, 3, 8, 3, 30, 0), Line(plan, "breast-milk").LastIntakeLocal);
        Assert.All(plan, f => Assert.Equal(TimeSpan.FromHours(f.Hours), RealHoursBefore(surgery, f, Chicago)));
    }

    [Fact]
    public void Fall_back_night_in_Chicago_counts_real_hours()
    {
        // 2026-11-01 02:00 CDT → 01:00 CST. 07:30 CST is 13:30 UTC; 8 h earlier is 05:30 UTC = 00:30 CDT on the 1st.
        var surgery = new DateTime(2026, 11, 1, 7, 30, 0);
        var plan = Plan(surgery, Chicago);
        var light = Line(plan, "light-meal");
        Assert.Equal(new DateTime(2026, 11, 1, 0, 30, 0), light.LastIntakeLocal);
        Assert.Equal(TimeSpan.FromHours(7), surgery - light.LastIntakeLocal); // wall clock
        Assert.Equal(new DateTime(2026, 11, 1, 5, 30, 0), Line(plan, "clear-liquids").LastIntakeLocal);
        // 4 h before is 09:30 UTC = 03:30 CST.
        Assert.Equal(new DateTime(2026, 11, 1, 3, 30, 0), Line(plan, "breast-milk").LastIntakeLocal);
        Assert.All(plan, f => Assert.Equal(TimeSpan.FromHours(f.Hours), RealHoursBefore(surgery, f, Chicago)));
    }

    [Fact]
    public void Fall_back_night_light_meal_is_8_real_hours_before_surgery()
    {
        var surgery = new DateTime(2026, 11, 1, 7, 30, 0);
        var light = Line(Plan(surgery, Chicago), "light-meal");
        // 00:30 CDT (UTC−5) is 05:30 UTC; surgery 07:30 CST (UTC−6) is 13:30 UTC.
        Assert.Equal(new DateTime(2026, 11, 1, 13, 30, 0, DateTimeKind.Utc), Fasting.ToUtc(surgery, Chicago));
        Assert.Equal(new DateTime(2026, 11, 1, 0, 30, 0), light.LastIntakeLocal);
        Assert.Equal(new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc), TimeZoneInfo.ConvertTimeToUtc(light.LastIntakeLocal, Chicago));
        Assert.Equal(TimeSpan.FromHours(-5), Chicago.GetUtcOffset(new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData(2026, 3, 8, 2, 30)]
    [InlineData(2026, 3, 8, 2, 0)]
    [InlineData(2026, 3, 8, 2, 59)]
    public void A_time_skipped_by_spring_forward_in_Chicago_is_refused(int y, int mo, int d, int h, int mi)
    {
        var local = new DateTime(y, mo, d, h, mi, 0);
        var e = Assert.Throws<ArgumentException>(() => Fasting.ToUtc(local, Chicago));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Plan(local, Chicago));
    }

    [Fact]
    public void The_edges_of_the_skipped_hour_exist()
    {
        Assert.Equal(new DateTime(2026, 3, 8, 7, 59, 0, DateTimeKind.Utc), Fasting.ToUtc(new DateTime(2026, 3, 8, 1, 59, 0), Chicago));
        Assert.Equal(new DateTime(2026, 3, 8, 8, 0, 0, DateTimeKind.Utc), Fasting.ToUtc(new DateTime(2026, 3, 8, 3, 0, 0), Chicago));
    }

    [Fact]
    public void A_local_or_utc_kind_is_read_as_wall_clock_time_in_the_zone()
    {
        var wall = new DateTime(2026, 12, 7, 7, 30, 0);
        var expected = new DateTime(2026, 12, 7, 13, 30, 0, DateTimeKind.Utc);
        Assert.Equal(expected, Fasting.ToUtc(DateTime.SpecifyKind(wall, DateTimeKind.Utc), Chicago));
        Assert.Equal(expected, Fasting.ToUtc(DateTime.SpecifyKind(wall, DateTimeKind.Local), Chicago));
    }

    [Fact]
    public void Spring_forward_in_London_counts_real_hours()
    {
        // 2026-03-29 01:00 GMT → 02:00 BST. 07:30 BST is 06:30 UTC; 8 h earlier is 22:30 UTC = 22:30 GMT on the 28th.
        var surgery = new DateTime(2026, 3, 29, 7, 30, 0);
        var plan = Plan(surgery, London);
        Assert.Equal(new DateTime(2026, 3, 28, 22, 30, 0), Line(plan, "light-meal").LastIntakeLocal);
        Assert.Equal(new DateTime(2026, 3, 29, 5, 30, 0), Line(plan, "clear-liquids").LastIntakeLocal);
        // 4 h before 06:30 UTC is 02:30 UTC = 03:30 BST.
        Assert.Equal(new DateTime(2026, 3, 29, 3, 30, 0), Line(plan, "breast-milk").LastIntakeLocal);
        Assert.All(plan, f => Assert.Equal(TimeSpan.FromHours(f.Hours), RealHoursBefore(surgery, f, London)));
    }

    [Fact]
    public void Fall_back_in_London_counts_real_hours()
    {
        // 2026-10-25 02:00 BST → 01:00 GMT. 07:30 GMT is 07:30 UTC; 8 h earlier is 23:30 UTC = 00:30 BST on the 25th.
        var surgery = new DateTime(2026, 10, 25, 7, 30, 0);
        var plan = Plan(surgery, London);
        Assert.Equal(new DateTime(2026, 10, 25, 0, 30, 0), Line(plan, "light-meal").LastIntakeLocal);
        Assert.Equal(new DateTime(2026, 10, 25, 5, 30, 0), Line(plan, "clear-liquids").LastIntakeLocal);
        Assert.Equal(new DateTime(2026, 10, 25, 3, 30, 0), Line(plan, "breast-milk").LastIntakeLocal);
    }

    [Fact]
    public void A_time_skipped_in_London_is_refused() =>
        Assert.Throws<ArgumentException>(() => Plan(new DateTime(2026, 3, 29, 1, 30, 0), London));

    [Fact]
    public void Arguments_are_required()
    {
        Assert.Throws<ArgumentNullException>(() => Fasting.Plan(new DateTime(2026, 12, 7, 7, 30, 0), null!, new ReadinessOptions(), 8));
        Assert.Throws<ArgumentNullException>(() => Fasting.Plan(new DateTime(2026, 12, 7, 7, 30, 0), Chicago, null!, 8));
    }

    [Theory]
    [InlineData("clear-liquids", "Clear liquids")]
    [InlineData("light-meal", "Light meal")]
    [InlineData("fatty-meal", "Fried or fatty food")]
    [InlineData("other", "other")]
    public void Labels_are_for_patients(string category, string starts) =>
        Assert.StartsWith(starts, Fasting.Label(category), StringComparison.Ordinal);

    [Fact]
    public void An_adults_sheet_has_no_breast_milk_or_formula_line_and_an_infants_has_both()
    {
        var surgery = new DateTime(2026, 12, 7, 7, 30, 0);
        var adult = Fasting.Plan(surgery, Chicago, new ReadinessOptions(), 8, birthDate: new DateOnly(1966, 2, 3));
        Assert.DoesNotContain(adult, f => f.Category == "breast-milk");
        Assert.DoesNotContain(adult, f => f.Label.Contains("formula", StringComparison.OrdinalIgnoreCase) || f.Label.Contains("breast", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Light meal or milk", Line(adult, "light-meal").Label);

        var infant = Fasting.Plan(surgery, Chicago, new ReadinessOptions(), 8, birthDate: new DateOnly(2026, 3, 1));
        Assert.Equal("Breast milk", Line(infant, "breast-milk").Label);
        Assert.Contains("formula", Line(infant, "light-meal").Label, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-12-08", true)] // one day short of 12 months on the day of surgery
    [InlineData("2025-12-07", false)] // 12 months that day
    public void Infancy_ends_at_the_configured_age_on_the_day_of_surgery(string born, bool infant)
    {
        var options = new ReadinessOptions();
        Assert.Equal(12, options.InfantFeedingUpToMonths);
        Assert.Equal(infant, Fasting.IsInfant(DateOnly.Parse(born, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 12, 7), options));
        options.InfantFeedingUpToMonths = 24;
        Assert.True(Fasting.IsInfant(DateOnly.Parse(born, System.Globalization.CultureInfo.InvariantCulture), new DateOnly(2026, 12, 7), options));
    }
}
