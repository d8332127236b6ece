using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>Prophylaxis timing flags (docs/clinical-rules.md §7, ASHP/IDSA/SIS/SHEA 2013 [S46], rule 31).</summary>
public sealed class ProphylaxisTests
{
    /// <summary>A record with the incision recorded; returns the incision time.</summary>
    private static (TheatreRig Rig, DateTime Incision) Incised()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        return (rig, rig.Record.At(Milestone.Incision)!.Value);
    }

    /// <summary>A record through closure end, which lies <paramref name="closureEndAfterDose"/> minutes after the dose given 30 minutes before incision.</summary>
    private static (TheatreRig Rig, DateTime Dose) ClosedAfter(double closureEndAfterDose)
    {
        var (rig, incision) = Incised();
        var dose = incision.AddMinutes(-30);
        rig.Mark(Milestone.ClosureStart, dose.AddMinutes(closureEndAfterDose - 20));
        rig.Mark(Milestone.ClosureEnd, dose.AddMinutes(closureEndAfterDose));
        return (rig, dose);
    }

    [Theory]
    [InlineData("cefazolin", 0, false)]
    [InlineData("cefazolin", 30, false)]
    [InlineData("cefazolin", 60, false)]
    [InlineData("cefazolin", 61, true)]
    [InlineData("clindamycin", 60, false)]
    [InlineData("clindamycin", 61, true)]
    [InlineData("vancomycin", 120, false)]
    [InlineData("vancomycin", 121, true)]
    [InlineData("cefazolin", -1, true)]
    [InlineData("vancomycin", -5, true)]
    public void The_dose_is_flagged_outside_the_agents_window_before_incision(string agent, int minutesBeforeIncision, bool flagged)
    {
        var (rig, incision) = Incised();
        rig.Advance(10);   // recorded a little later, so a dose given after incision is not in the future
        rig.Record.RecordProphylaxis(agent, incision.AddMinutes(-minutesBeforeIncision), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        var flags = rig.Record.ProphylaxisFlags(rig.Options);
        if (flagged)
        {
            var flag = Assert.Single(flags);
            Assert.StartsWith(agent, flag, StringComparison.Ordinal);
            Assert.Contains(minutesBeforeIncision < 0 ? "after incision" : "before incision", flag, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(flags);
        }
    }

    [Fact]
    public void The_window_comes_from_the_options()
    {
        var (rig, incision) = Incised();
        rig.Options.Prophylaxis.Single(p => p.Name == "cefazolin").WindowMinutes = 30;
        rig.Record.RecordProphylaxis("cefazolin", incision.AddMinutes(-31), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        Assert.Single(rig.Record.ProphylaxisFlags(rig.Options));
    }

    [Fact]
    public void The_default_options_follow_the_guideline_table()
    {
        var agents = new TheatreOptions().Prophylaxis.ToDictionary(p => p.Name);
        Assert.Equal((60, 240), (agents["cefazolin"].WindowMinutes, agents["cefazolin"].RedoseMinutes));
        Assert.Equal((120, (int?)null), (agents["vancomycin"].WindowMinutes, agents["vancomycin"].RedoseMinutes));
        Assert.Equal((60, 360), (agents["clindamycin"].WindowMinutes, agents["clindamycin"].RedoseMinutes));
        Assert.Equal(1500, new TheatreOptions().RedoseBloodLossMl);
    }

    [Theory]
    [InlineData("cefazolin", 240, false)]
    [InlineData("cefazolin", 241, true)]
    [InlineData("clindamycin", 360, false)]
    [InlineData("clindamycin", 361, true)]
    [InlineData("vancomycin", 600, false)]
    public void A_long_case_without_a_redose_is_flagged_after_the_agents_interval(string agent, int closureEndAfterDose, bool flagged)
    {
        var (rig, dose) = ClosedAfter(closureEndAfterDose);
        rig.Record.RecordProphylaxis(agent, dose, null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        var flags = rig.Record.ProphylaxisFlags(rig.Options);
        if (flagged)
        {
            Assert.Contains("no redose", Assert.Single(flags), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(flags);
        }
    }

    [Fact]
    public void A_recorded_redose_clears_the_redose_flag()
    {
        var (rig, dose) = ClosedAfter(300);
        rig.Record.RecordProphylaxis("cefazolin", dose, null, dose.AddMinutes(235), Actors.Anesthesiologist, rig.Clock, rig.Options);
        Assert.Empty(rig.Record.ProphylaxisFlags(rig.Options));
    }

    [Fact]
    public void The_redose_is_judged_only_once_closure_has_ended()
    {
        var (rig, incision) = Incised();
        rig.Record.RecordProphylaxis("cefazolin", incision.AddMinutes(-30), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        rig.Mark(Milestone.ClosureStart, incision.AddHours(6));
        Assert.Empty(rig.Record.ProphylaxisFlags(rig.Options));
    }

    [Theory]
    [InlineData("cefazolin", 1500, false)]
    [InlineData("cefazolin", 1501, true)]
    [InlineData("vancomycin", 3000, false)]
    public void Large_blood_loss_without_a_redose_prompts_an_early_redose(string agent, int bloodLossMl, bool flagged)
    {
        var (rig, incision) = Incised();
        rig.Record.RecordProphylaxis(agent, incision.AddMinutes(-20), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        rig.Record.RecordFindings(new IntraOpRecord.Findings([], false, false, false, false, bloodLossMl, null), Actors.Surgeon);
        var flags = rig.Record.ProphylaxisFlags(rig.Options);
        if (flagged)
        {
            Assert.Contains("early redose", Assert.Single(flags), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(flags);
        }
    }

    [Fact]
    public void Without_prophylaxis_the_antibiotic_question_cannot_be_answered_so_there_is_no_incision()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned);
        Assert.Empty(rig.Record.ProphylaxisFlags(rig.Options));
        rig.Complete(ChecklistPhase.TimeOut, "to-antibiotic");
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("to-antibiotic"));
        Assert.Equal("tick-evidence:to-antibiotic", e.Rule);
        Assert.Equal("time-out-before-incision", Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.Incision)).Rule);
    }

    [Fact]
    public void Only_the_surgeon_delays_prophylaxis_for_cultures()
    {
        var rig = new TheatreRig(infection: true).Through(Milestone.Positioned);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordProphylaxis("cefazolin", null, "cultures first", null, Actors.Anesthesiologist, rig.Clock, rig.Options));
        Assert.Equal("role:prophylaxis-delay", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Null(rig.Record.Prophylaxis);

        rig.Record.RecordProphylaxis("cefazolin", null, "  suspected deep infection: deep cultures first  ", null, Actors.Surgeon, rig.Clock, rig.Options);
        Assert.Equal("suspected deep infection: deep cultures first", rig.Record.Prophylaxis!.DelayedForCulturesReason);
        rig.Complete(ChecklistPhase.TimeOut);
        rig.Mark(Milestone.Incision);
        var flag = Assert.Single(rig.Record.ProphylaxisFlags(rig.Options));
        Assert.Contains("delayed for cultures", flag, StringComparison.Ordinal);
        Assert.Contains("deep cultures first", flag, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dose_needs_a_time_or_a_reason_for_delay()
    {
        var (rig, _) = Incised();
        var before = rig.Record.Prophylaxis;
        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordProphylaxis("cefazolin", null, "  ", null, Actors.Surgeon, rig.Clock, rig.Options));
        Assert.True(e.Errors.ContainsKey("givenAt"));
        Assert.Same(before, rig.Record.Prophylaxis);
    }

    [Fact]
    public void The_agent_must_be_configured_and_is_matched_regardless_of_case()
    {
        var (rig, incision) = Incised();
        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordProphylaxis("amoxicillin", incision, null, null, Actors.Anesthesiologist, rig.Clock, rig.Options));
        Assert.True(e.Errors.ContainsKey("agent"));

        rig.Record.RecordProphylaxis(" Cefazolin ", incision.AddMinutes(-10), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        Assert.Equal("cefazolin", rig.Record.Prophylaxis!.Agent);
        Assert.Empty(rig.Record.ProphylaxisFlags(rig.Options));
    }

    [Theory]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Scheduler)]
    public void Prophylaxis_is_recorded_by_anaesthesia_or_the_surgeon(string role)
    {
        var (rig, incision) = Incised();
        var before = rig.Record.Prophylaxis;
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordProphylaxis("cefazolin", incision, null, null, Actors.Only(role), rig.Clock, rig.Options));
        Assert.Equal("role:prophylaxis", e.Rule);
        Assert.Same(before, rig.Record.Prophylaxis);
    }
}
