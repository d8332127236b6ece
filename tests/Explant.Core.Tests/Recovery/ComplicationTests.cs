using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Recovery;

/// <summary>The complication register: keys of the consent's risks plus the register's kinds, SSI depth, global period.</summary>
public sealed class ComplicationTests
{
    private static readonly DateOnly Surgery = new(2025, 3, 10);
    private static readonly DateOnly Today = Surgery.AddYears(1);
    private static readonly SurgicalCase Case = CaseBuilder.ACase().InState(CaseState.FollowUp).Build();
    private static readonly string[] Risks = [.. CaseBuilder.Definition.Parse().Facts.Risks.Select(r => r.Key)];
    private static readonly ClavienDindo IIIb = new(ClavienDindoGrade.IIIb);

    private static Complication Record(string key, int day = 10, SsiDepth? depth = null, CaseActor? actor = null, ClavienDindo? grade = null) =>
        Complication.Record(Case, Risks, key, Surgery.AddDays(day), grade ?? IIIb, depth, " washout in theatre ", Surgery, Today, actor ?? Actors.Surgeon);

    [Fact]
    public void The_seed_definition_lists_infection_as_a_risk()
    {
        Assert.Contains("infection", Risks);
    }

    [Theory]
    [InlineData("infections")]
    [InlineData("Infection")]
    [InlineData("pulmonary-embolism")]
    [InlineData("")]
    public void A_key_that_is_neither_a_risk_of_the_definition_nor_a_register_kind_is_refused(string key)
    {
        var e = Assert.Throws<ValidationException>(() => Record(key));
        Assert.Contains("key", e.Errors.Keys);
    }

    [Fact]
    public void Definition_risks_and_the_register_kinds_are_accepted()
    {
        foreach (var key in Risks.Concat(Complication.ExtraKeys))
        {
            Assert.Equal(key, Record(key).Key);
        }
        // A register kind is accepted even for a definition without risks.
        Assert.Equal("readmission", Complication.Record(Case, [], "readmission", Surgery.AddDays(5), IIIb, null, "", Surgery, Today, Actors.Nurse).Key);
        Assert.Throws<ValidationException>(() => Complication.Record(Case, [], "infection", Surgery.AddDays(5), IIIb, null, "", Surgery, Today, Actors.Nurse));
    }

    [Fact]
    public void Ssi_depth_is_recorded_for_an_infection_only()
    {
        var infection = Record("infection", depth: SsiDepth.DeepIncisional);
        Assert.Equal(SsiDepth.DeepIncisional, infection.SsiDepth);
        Assert.Equal("washout in theatre", infection.Description);
        Assert.Equal(Case.Id, infection.CaseId);

        var e = Assert.Throws<ValidationException>(() => Record("hematoma", depth: SsiDepth.SuperficialIncisional));
        Assert.Equal(["ssiDepth"], e.Errors.Keys.ToArray());
        Assert.Null(Record("infection").SsiDepth);   // depth may be unknown yet
    }

    [Fact]
    public void A_complication_before_the_surgery_is_refused()
    {
        var e = Assert.Throws<ValidationException>(() => Record("hematoma", day: -1));
        Assert.Contains("occurredOn", e.Errors.Keys);
        Assert.Equal(Surgery, Record("hematoma", day: 0).OccurredOn);
    }

    [Fact]
    public void Only_clinicians_record_complications()
    {
        var e = Assert.Throws<DomainRuleException>(() => Record("hematoma", actor: Actors.Scheduler));
        Assert.True(e.Forbidden);
        Assert.Equal("role:complication", e.Rule);
        Assert.Equal("hematoma", Record("hematoma", actor: Actors.Anesthesiologist).Key);
    }

    [Fact]
    public void The_grade_keeps_the_d_suffix()
    {
        Assert.True(ClavienDindo.TryParse("II-d", out var grade, out _));
        var c = Record("wound-dehiscence", grade: grade);
        Assert.Equal(ClavienDindoGrade.II, c.Grade);
        Assert.True(c.PresentAtDischarge);
        Assert.Equal("II-d", c.ClavienDindo.ToString());
        Assert.Equal("IIIb", Record("infection").ClavienDindo.ToString());
    }

    [Theory]
    [InlineData(-2, false)]   // two days before: outside
    [InlineData(-1, true)]    // the day before surgery is inside
    [InlineData(0, true)]
    [InlineData(90, true)]    // last day of a 090 period
    [InlineData(91, false)]
    public void The_global_period_090_runs_from_the_day_before_to_90_days_after_surgery(int day, bool inside)
    {
        // Recorded on a surgery date 5 days later than the one compared against, so the pre-operative days can be reached.
        var c = Complication.Record(Case, Risks, "hematoma", Surgery.AddDays(day + 5), IIIb, null, "", Surgery, Today, Actors.Surgeon);
        Assert.Equal(inside, c.InGlobalPeriod(Surgery.AddDays(5), "090"));
    }

    [Theory]
    [InlineData(0, "000", true)]
    [InlineData(1, "000", false)]
    [InlineData(10, "010", true)]
    [InlineData(11, "010", false)]
    public void Shorter_global_periods_end_on_their_last_day(int day, string period, bool inside) =>
        Assert.Equal(inside, Record("hematoma", day: day).InGlobalPeriod(Surgery, period));

    [Theory]
    [InlineData(null)]
    [InlineData("XXX")]
    [InlineData("YYY")]
    [InlineData("")]
    [InlineData("-90")]
    public void Without_a_numeric_period_the_global_period_is_unknown(string? period) =>
        Assert.Null(Record("hematoma").InGlobalPeriod(Surgery, period));
}
