using Explant.Core.Data;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Recovery;

/// <summary>Discharge criteria, the discharge itself and the expected vs actual length of stay (issue #8 §1).</summary>
public sealed class DischargeTests
{
    [Fact]
    public void Discharge_is_refused_while_any_criterion_is_unticked_and_allowed_once_all_are()
    {
        var rig = new RecoveryRig();
        var last = rig.Options.DischargeCriteria[^1];
        rig.TickAll(except: last);

        var e = Assert.Throws<DomainRuleException>(() => rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(2)), rig.Options, rig.FollowUp, Actors.Surgeon, RecoveryRig.Today));

        Assert.Equal("discharge-criteria", e.Rule);
        Assert.Contains(last, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Options.DischargeCriteria[0], e.Message, StringComparison.Ordinal);
        Assert.Null(rig.Record.DischargedOn);
        Assert.Empty(rig.Record.Plan);

        rig.Record.TickCriterion(last, rig.Options, Actors.Surgeon, RecoveryRig.Noon);
        rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(2)), rig.Options, rig.FollowUp, Actors.Surgeon, RecoveryRig.Today);

        Assert.Equal(RecoveryRig.Surgery.AddDays(2), rig.Record.DischargedOn);
        Assert.Equal(Actors.Surgeon.Name, rig.Record.DischargedBy);
        Assert.True(rig.Record.PhysioReferral);
        Assert.Equal("no lifting over 5 kg for 6 weeks", rig.Record.ActivityLimits);
        Assert.NotEmpty(rig.Record.Plan);
    }

    [Fact]
    public void Nothing_ticked_refuses_discharge_naming_every_criterion()
    {
        var rig = new RecoveryRig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery), rig.Options, rig.FollowUp, Actors.Nurse, RecoveryRig.Today));
        Assert.Equal("discharge-criteria", e.Rule);
        Assert.All(rig.Options.DischargeCriteria, c => Assert.Contains(c, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_criterion_the_site_does_not_list_is_refused_and_a_repeated_tick_is_kept_once()
    {
        var rig = new RecoveryRig();
        var e = Assert.Throws<ValidationException>(() => rig.Record.TickCriterion("Feels fine", rig.Options, Actors.Nurse, RecoveryRig.Noon));
        Assert.Contains("criterion", e.Errors.Keys);
        Assert.Empty(rig.Record.Discharge);

        rig.Record.TickCriterion("Voiding", rig.Options, Actors.Nurse, RecoveryRig.Noon);
        rig.Record.TickCriterion("Voiding", rig.Options, Actors.Surgeon, RecoveryRig.Noon.AddHours(1));
        var tick = Assert.Single(rig.Record.Discharge);
        Assert.Equal(Actors.Nurse.Name, tick.By);
    }

    [Fact]
    public void A_scheduler_can_neither_tick_nor_discharge()
    {
        var rig = new RecoveryRig();
        var tick = Assert.Throws<DomainRuleException>(() => rig.Record.TickCriterion("Voiding", rig.Options, Actors.Scheduler, RecoveryRig.Noon));
        Assert.True(tick.Forbidden);
        Assert.Equal("role:discharge", tick.Rule);

        rig.TickAll();
        var discharge = Assert.Throws<DomainRuleException>(() => rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(1)), rig.Options, rig.FollowUp, Actors.Scheduler, RecoveryRig.Today));
        Assert.True(discharge.Forbidden);
        Assert.Null(rig.Record.DischargedOn);
    }

    [Fact]
    public void Discharge_before_the_surgery_date_is_refused_and_a_second_discharge_is_refused()
    {
        var rig = new RecoveryRig().TickAll();
        var e = Assert.Throws<ValidationException>(() => rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(-1)), rig.Options, rig.FollowUp, Actors.Surgeon, RecoveryRig.Today));
        Assert.Contains("date", e.Errors.Keys);
        Assert.Null(rig.Record.DischargedOn);

        rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(1)), rig.Options, rig.FollowUp, Actors.Surgeon, RecoveryRig.Today);
        var again = Assert.Throws<DomainRuleException>(() => rig.Record.DischargePatient(RecoveryRig.Command(RecoveryRig.Surgery.AddDays(3)), rig.Options, rig.FollowUp, Actors.Surgeon, RecoveryRig.Today));
        Assert.Equal("discharged", again.Rule);
        Assert.Equal(RecoveryRig.Surgery.AddDays(1), rig.Record.DischargedOn);
        var tick = Assert.Throws<DomainRuleException>(() => rig.Record.TickCriterion("Voiding", rig.Options, Actors.Nurse, RecoveryRig.Noon));
        Assert.Equal("discharged", tick.Rule);
    }

    [Theory]
    [InlineData(0, true)]    // same-day discharge: below the 1-day minimum
    [InlineData(1, false)]   // lower bound inclusive
    [InlineData(3, false)]   // upper bound inclusive
    [InlineData(4, true)]    // one night over
    public void Length_of_stay_counts_nights_and_is_outside_the_expected_range_only_beyond_its_bounds(int nights, bool outside)
    {
        var rig = new RecoveryRig(stayMin: 1, stayMax: 3);
        Assert.Null(rig.Record.LengthOfStayDays);
        Assert.Null(rig.Record.StayOutsideExpected);

        rig.Discharge(daysAfterSurgery: nights);

        Assert.Equal(nights, rig.Record.LengthOfStayDays);
        Assert.Equal(outside, rig.Record.StayOutsideExpected);
    }

    [Fact]
    public void Without_an_expected_range_the_stay_is_measured_but_not_judged()
    {
        var rig = new RecoveryRig(stayMin: null, stayMax: null).Discharge(daysAfterSurgery: 9);
        Assert.Equal(9, rig.Record.LengthOfStayDays);
        Assert.Null(rig.Record.StayOutsideExpected);
    }
}
