using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>WHO Surgical Safety Checklist (docs/clinical-rules.md §7 [S44], rule 29) with the spine additions, and its gates.</summary>
public sealed class WhoChecklistTests
{
    private static string[] WhoIds(ChecklistPhase phase) =>
        [.. WhoChecklist.Items.Where(i => i.Phase == phase && i.Source == "S44").Select(i => i.Id)];

    [Fact]
    public void Sign_In_has_the_seven_WHO_items()
    {
        Assert.Equal(
            ["si-identity", "si-site-marked", "si-anaesthesia-check", "si-pulse-oximeter", "si-allergy", "si-airway", "si-blood-loss"],
            WhoIds(ChecklistPhase.SignIn));
    }

    [Fact]
    public void Time_Out_has_the_five_WHO_items_with_the_three_critical_event_reviews_as_separate_items()
    {
        Assert.Equal(
            ["to-team", "to-confirm", "to-critical-surgeon", "to-critical-anaesthesia", "to-critical-nursing", "to-antibiotic", "to-imaging"],
            WhoIds(ChecklistPhase.TimeOut));
    }

    [Fact]
    public void Sign_Out_has_the_five_WHO_items()
    {
        Assert.Equal(
            ["so-procedure-recorded", "so-counts", "so-specimen", "so-equipment", "so-recovery"],
            WhoIds(ChecklistPhase.SignOut));
    }

    [Fact]
    public void The_spine_additions_sit_in_their_phases()
    {
        var spine = WhoChecklist.Items.Where(i => i.Source != "S44").ToDictionary(i => i.Id, i => i.Phase);
        Assert.Equal(ChecklistPhase.SignIn, spine["sp-implant-records"]);
        Assert.Equal(ChecklistPhase.SignIn, spine["sp-removal-set"]);
        Assert.Equal(ChecklistPhase.TimeOut, spine["sp-level-image"]);
        Assert.Equal(ChecklistPhase.TimeOut, spine["sp-culture-plan"]);
        Assert.Equal(ChecklistPhase.SignOut, spine["sp-reconciliation"]);
        Assert.Equal(5, spine.Count);
    }

    [Fact]
    public void Item_ids_are_unique()
    {
        Assert.Equal(WhoChecklist.Items.Count, WhoChecklist.Items.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void Only_the_items_WHO_answers_yes_or_not_applicable_allow_not_applicable()
    {
        // §4.1: "Site marked, or not applicable", antibiotic and imaging "(yes / not applicable)"; a specimen may not exist.
        Assert.Equal(
            ["si-site-marked", "to-antibiotic", "to-imaging", "so-specimen"],
            WhoChecklist.Items.Where(i => i.AllowNotApplicable).Select(i => i.Id));
    }

    [Fact]
    public void Items_attesting_to_a_record_name_their_evidence()
    {
        Assert.Equal(ItemEvidence.LevelsConfirmed, WhoChecklist.Find("sp-level-image")!.Evidence);
        Assert.Equal(ItemEvidence.CountsRecorded, WhoChecklist.Find("so-counts")!.Evidence);
        Assert.Equal(ItemEvidence.ReconciliationComplete, WhoChecklist.Find("sp-reconciliation")!.Evidence);
    }

    [Fact]
    public void The_culture_plan_item_appears_only_when_infection_is_an_indication()
    {
        Assert.DoesNotContain(new TheatreRig().Record.Checklist, i => i.Id == "sp-culture-plan");
        Assert.Contains(new TheatreRig(infection: true).Record.Checklist, i => i.Id == "sp-culture-plan");
        Assert.Equal(WhoChecklist.Items.Count - 1, WhoChecklist.For(false).Count());
        Assert.Equal(WhoChecklist.Items.Count, WhoChecklist.For(true).Count());
    }

    [Fact]
    public void The_culture_plan_cannot_be_ticked_without_infection()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        Assert.Throws<ValidationException>(() => rig.Tick("sp-culture-plan"));
    }

    [Fact]
    public void With_infection_Time_Out_is_not_complete_until_the_culture_plan_is_ticked()
    {
        var rig = new TheatreRig(infection: true).Through(Milestone.Positioned).Complete(ChecklistPhase.TimeOut, "sp-culture-plan");
        Assert.False(rig.Record.PhaseComplete(ChecklistPhase.TimeOut));
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.Incision));
        Assert.Equal("time-out-before-incision", e.Rule);

        rig.Tick("sp-culture-plan", Actors.Surgeon);
        rig.Mark(Milestone.Incision);
        Assert.NotNull(rig.Record.At(Milestone.Incision));
    }

    [Fact]
    public void An_unknown_item_is_a_validation_error()
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<ValidationException>(() => rig.Tick("si-coffee"));
        Assert.True(e.Errors.ContainsKey("itemId"));
    }

    [Fact]
    public void Ticking_before_check_in_is_refused()
    {
        var rig = new TheatreRig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("si-identity"));
        Assert.Equal("checklist-after-check-in", e.Rule);
        Assert.Empty(rig.Record.Ticks);
    }

    [Fact]
    public void A_Time_Out_item_before_Sign_In_is_complete_is_refused()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn, "si-blood-loss");
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("to-team"));
        Assert.Equal("checklist-phase-order", e.Rule);
        Assert.DoesNotContain(rig.Record.Ticks, t => t.ItemId == "to-team");

        rig.Tick("si-blood-loss");
        rig.Tick("to-team");
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "to-team");
    }

    [Fact]
    public void A_Sign_Out_item_before_Time_Out_is_complete_is_refused()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn).Complete(ChecklistPhase.TimeOut, "to-imaging");
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("so-procedure-recorded"));
        Assert.Equal("checklist-phase-order", e.Rule);
    }

    [Fact]
    public void Sign_Out_cannot_start_straight_after_check_in()
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("so-equipment"));
        Assert.Equal("checklist-phase-order", e.Rule);
    }

    [Theory]
    [InlineData("si-identity")]
    [InlineData("si-pulse-oximeter")]
    [InlineData("sp-removal-set")]
    public void Not_applicable_is_refused_on_an_item_that_does_not_allow_it(string itemId)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick(itemId, answer: TickAnswer.NotApplicable));
        Assert.Equal("tick-not-applicable", e.Rule);
        Assert.True(e.Unprocessable);
        Assert.Empty(rig.Record.Ticks);
    }

    [Fact]
    public void Not_applicable_is_accepted_where_WHO_allows_it_and_completes_the_item()
    {
        var rig = new TheatreRig().CheckIn();
        rig.Tick("si-site-marked", answer: TickAnswer.NotApplicable, note: "single midline scar");
        Assert.Equal(TickAnswer.NotApplicable, rig.Record.Ticks.Single().Answer);
        rig.Complete(ChecklistPhase.SignIn, "si-site-marked");
        Assert.True(rig.Record.PhaseComplete(ChecklistPhase.SignIn));
    }

    [Fact]
    public void An_item_cannot_be_ticked_twice()
    {
        var rig = new TheatreRig().CheckIn();
        rig.Tick("si-identity", Actors.Nurse);
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("si-identity", new CaseActor("Nurse Two", [Roles.Nurse])));
        Assert.Equal("tick-once", e.Rule);
        var tick = Assert.Single(rig.Record.Ticks);
        Assert.Equal(Actors.Nurse.Name, tick.By);
    }

    [Theory]
    [InlineData(Roles.Surgeon, "to-critical-surgeon")]
    [InlineData(Roles.Anesthesiologist, "si-allergy")]
    [InlineData(Roles.Nurse, "si-identity")]
    public void A_tick_records_who_in_which_role_and_when(string role, string itemId)
    {
        var rig = new TheatreRig().CheckIn();
        if (rig.Record.Checklist.Single(i => i.Id == itemId).Phase == ChecklistPhase.TimeOut)
        {
            rig.Complete(ChecklistPhase.SignIn);
        }
        var before = rig.Record.Ticks.Count;
        var actor = new CaseActor($"the {role}", [role]);
        var at = rig.Advance(5);
        rig.Record.TickItem(itemId, TickAnswer.Yes, "  penicillin: rash  ", actor, at);
        var tick = rig.Record.Ticks[before];
        Assert.Equal(itemId, tick.ItemId);
        Assert.Equal(TickAnswer.Yes, tick.Answer);
        Assert.Equal($"the {role}", tick.By);
        Assert.Equal(role, tick.Role);
        Assert.Equal(at, tick.AtUtc);
        Assert.Equal("penicillin: rash", tick.Note);
    }

    [Theory]
    [InlineData(Roles.Scheduler)]
    [InlineData(Roles.Admin)]
    public void Only_the_theatre_team_ticks(string role)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("si-identity", Actors.Only(role)));
        Assert.Equal("role:checklist", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Empty(rig.Record.Ticks);
    }

    [Fact]
    public void The_level_image_item_needs_the_levels_confirmed_first()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("sp-level-image", Actors.Surgeon));
        Assert.Equal("tick-evidence:sp-level-image", e.Rule);
        Assert.DoesNotContain(rig.Record.Ticks, t => t.ItemId == "sp-level-image");

        rig.Record.ConfirmLevels("L3-L5", "AP and lateral fluoro, needle at L3 pedicle", Actors.Surgeon);
        rig.Tick("sp-level-image", Actors.Surgeon);
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "sp-level-image");
    }

    [Fact]
    public void The_counts_item_needs_the_counts_recorded_first()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("so-counts"));
        Assert.Equal("tick-evidence:so-counts", e.Rule);

        rig.Record.RecordCounts(false, "one swab missing; x-ray clear", Actors.Nurse);
        rig.Tick("so-counts");
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "so-counts");
    }

    [Fact]
    public void The_reconciliation_item_needs_every_planned_component_accounted_for()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var lines = rig.Record.UnaccountedPlanned;
        Assert.Equal(8, lines.Count);
        foreach (var line in lines.Skip(1))
        {
            rig.Record.Account(line.Id, new IntraOpRecord.Accounting(ExplantOutcome.Removed, ComponentCondition.Loose, null, false, null), Actors.Nurse, rig.Now());
        }
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("sp-reconciliation"));
        Assert.Equal("tick-evidence:sp-reconciliation", e.Rule);
        Assert.Contains(lines[0].Description, e.Message, StringComparison.Ordinal);

        rig.Record.Account(lines[0].Id, new IntraOpRecord.Accounting(ExplantOutcome.Retained, null, "fused solid, removal would destabilise", false, null), Actors.Surgeon, rig.Now());
        rig.Tick("sp-reconciliation");
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "sp-reconciliation");
    }

    [Fact]
    public void The_current_phase_moves_from_Sign_In_to_Time_Out_to_Sign_Out_to_done()
    {
        var rig = new TheatreRig().CheckIn();
        Assert.Equal(ChecklistPhase.SignIn, rig.Record.CurrentPhase);
        rig.Complete(ChecklistPhase.SignIn);
        Assert.Equal(ChecklistPhase.TimeOut, rig.Record.CurrentPhase);
        rig.Complete(ChecklistPhase.TimeOut);
        Assert.Equal(ChecklistPhase.SignOut, rig.Record.CurrentPhase);
        rig.Through(Milestone.Incision);
        rig.Complete(ChecklistPhase.SignOut);
        Assert.Null(rig.Record.CurrentPhase);
    }

    [Fact]
    public void Check_in_is_by_a_nurse_and_happens_once()
    {
        var rig = new TheatreRig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCheckIn(Actors.Surgeon, rig.Now(), null, TheatreRig.Day, TheatreRig.Day));
        Assert.Equal("role:check-in", e.Rule);
        Assert.Null(rig.Record.CheckedInUtc);

        var at = rig.Now();
        rig.Record.RecordCheckIn(Actors.Nurse, at, "  ", TheatreRig.Day, TheatreRig.Day);
        Assert.Equal(at, rig.Record.CheckedInUtc);
        Assert.Equal(Actors.Nurse.Name, rig.Record.CheckedInBy);
        Assert.Null(rig.Record.CheckInNote);

        e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCheckIn(Actors.Nurse, rig.Now(), null, TheatreRig.Day, TheatreRig.Day));
        Assert.Equal("check-in-once", e.Rule);
        Assert.Equal(at, rig.Record.CheckedInUtc);
    }
}
