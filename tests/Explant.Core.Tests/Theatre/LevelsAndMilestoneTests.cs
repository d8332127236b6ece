using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>Wrong-level control (rule 30, [S45]) and the milestone gates of the intra-operative record.</summary>
public sealed class LevelsAndMilestoneTests
{
    // ---- ConfirmLevels ------------------------------------------------------------------------------

    [Fact]
    public void The_planned_levels_span_the_planned_components()
    {
        Assert.Equal("L3\u2013L5", new TheatreRig().Record.PlannedLevels);
        Assert.Equal("T10\u2013L2", new TheatreRig(levels: "T10-L2").Record.PlannedLevels);
    }

    [Fact]
    public void A_partial_plan_narrows_the_planned_levels_and_the_reconciliation()
    {
        var rig = new TheatreRig(plan: k => k.Components.Where(x => x.Level == "L4").Select(x => x.Id));
        Assert.Equal("L4", rig.Record.PlannedLevels);
        Assert.Equal(2, rig.Record.Explants.Count);
        Assert.All(rig.Record.Explants, l => Assert.Equal("L4", l.Level));
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.ConfirmLevels("L3-L5", null, Actors.Surgeon));
        Assert.Equal("levels-match-plan", e.Rule);
    }

    [Theory]
    [InlineData("L4-L5")]
    [InlineData("L3-L4")]
    [InlineData("L2-L4")]
    [InlineData("L3-S1")]
    [InlineData("L2-L5")]
    [InlineData("L4")]
    public void Levels_that_differ_from_the_plan_are_refused(string levels)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.ConfirmLevels(levels, "fluoro 1", Actors.Surgeon));
        Assert.Equal("levels-match-plan", e.Rule);
        Assert.Null(rig.Record.ConfirmedLevels);
        Assert.Null(rig.Record.LevelImage);
    }

    [Theory]
    [InlineData("L3-L5")]
    [InlineData("l3-l5")]
    [InlineData("L3\u2013L5")]
    public void The_planned_levels_are_confirmed_in_any_spelling(string levels)
    {
        var rig = new TheatreRig().CheckIn();
        rig.Record.ConfirmLevels(levels, "  lateral fluoro, spinal needle at L3  ", Actors.Surgeon);
        Assert.Equal("L3\u2013L5", rig.Record.ConfirmedLevels);
        Assert.Equal("lateral fluoro, spinal needle at L3", rig.Record.LevelImage);
    }

    [Fact]
    public void Text_that_is_not_a_level_range_is_a_validation_error()
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<ValidationException>(() => rig.Record.ConfirmLevels("lumbar", null, Actors.Surgeon));
        Assert.True(e.Errors.ContainsKey("levels"));
        Assert.Null(rig.Record.ConfirmedLevels);
    }

    [Theory]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Anesthesiologist)]
    [InlineData(Roles.Scheduler)]
    public void Only_a_surgeon_confirms_the_levels(string role)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.ConfirmLevels("L3-L5", null, Actors.Only(role)));
        Assert.Equal("role:levels", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Null(rig.Record.ConfirmedLevels);
    }

    // ---- milestones ---------------------------------------------------------------------------------

    [Fact]
    public void The_full_day_runs_in_order_and_closes_the_record()
    {
        var rig = new TheatreRig().Through(Milestone.OutOfRoom);
        Assert.Equal(Enum.GetValues<Milestone>(), rig.Record.Milestones.Select(m => m.Milestone));
        Assert.Null(rig.Record.NextMilestone);
        Assert.True(rig.Record.Closed);
    }

    [Theory]
    [InlineData(Milestone.AnesthesiaStart)]
    [InlineData(Milestone.Incision)]
    [InlineData(Milestone.OutOfRoom)]
    public void A_milestone_out_of_order_is_refused(Milestone milestone)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(milestone));
        Assert.Equal("milestone-order", e.Rule);
        Assert.Empty(rig.Record.Milestones);
    }

    [Fact]
    public void A_milestone_cannot_skip_its_predecessor()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned).Complete(ChecklistPhase.TimeOut);
        rig.Mark(Milestone.Incision);
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.ClosureEnd));
        Assert.Equal("milestone-order", e.Rule);
    }

    [Fact]
    public void A_milestone_is_recorded_once()
    {
        var rig = new TheatreRig().Through(Milestone.InRoom);
        var first = rig.Record.At(Milestone.InRoom);
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.InRoom));
        Assert.Equal("milestone-once", e.Rule);
        Assert.Equal(first, rig.Record.At(Milestone.InRoom));
    }

    [Fact]
    public void A_milestone_earlier_than_its_predecessor_is_refused()
    {
        // Sign In completed before the patient is in the room, so anaesthesia start at the in-room time is after it.
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn).Through(Milestone.InRoom);
        var inRoom = rig.Record.At(Milestone.InRoom)!.Value;
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.AnesthesiaStart, inRoom.AddMinutes(-1)));
        Assert.Equal("milestone-monotonic", e.Rule);
        Assert.Null(rig.Record.At(Milestone.AnesthesiaStart));

        rig.Mark(Milestone.AnesthesiaStart, inRoom);
        Assert.Equal(inRoom, rig.Record.At(Milestone.AnesthesiaStart));
    }

    [Fact]
    public void A_milestone_beyond_the_clock_tolerance_is_refused()
    {
        var rig = new TheatreRig().CheckIn();
        var now = rig.Now();
        Assert.Equal(2, rig.Options.MilestoneFutureToleranceMinutes);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordMilestone(Milestone.InRoom, now.AddMinutes(2).AddSeconds(1), Actors.Nurse, now, rig.Options));
        Assert.Equal("milestone-not-future", e.Rule);
        Assert.True(e.Unprocessable);
        Assert.Empty(rig.Record.Milestones);

        rig.Record.RecordMilestone(Milestone.InRoom, now.AddMinutes(2), Actors.Nurse, now, rig.Options);
        Assert.Equal(now.AddMinutes(2), rig.Record.At(Milestone.InRoom));
    }

    [Fact]
    public void The_clock_tolerance_is_a_setting()
    {
        var rig = new TheatreRig().CheckIn();
        rig.Options.MilestoneFutureToleranceMinutes = 0;
        var now = rig.Now();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordMilestone(Milestone.InRoom, now.AddMinutes(1), Actors.Nurse, now, rig.Options));
        Assert.Equal("milestone-not-future", e.Rule);
    }

    [Fact]
    public void In_room_before_check_in_is_refused()
    {
        var rig = new TheatreRig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.InRoom));
        Assert.Equal("check-in-before-room", e.Rule);
        Assert.Empty(rig.Record.Milestones);
    }

    [Fact]
    public void Induction_before_Sign_In_is_complete_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.InRoom).Complete(ChecklistPhase.SignIn, "si-airway");
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.AnesthesiaStart, actor: Actors.Anesthesiologist));
        Assert.Equal("sign-in-before-induction", e.Rule);
        Assert.Contains(WhoChecklist.Find("si-airway")!.Text, e.Message, StringComparison.Ordinal);
        Assert.Null(rig.Record.At(Milestone.AnesthesiaStart));

        rig.Tick("si-airway", Actors.Anesthesiologist);
        rig.Mark(Milestone.AnesthesiaStart, actor: Actors.Anesthesiologist);
        Assert.NotNull(rig.Record.At(Milestone.AnesthesiaStart));
    }

    [Fact]
    public void Incision_before_Time_Out_is_complete_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned).Complete(ChecklistPhase.TimeOut, "sp-level-image");
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.Incision, actor: Actors.Surgeon));
        Assert.Equal("time-out-before-incision", e.Rule);
        Assert.Null(rig.Record.At(Milestone.Incision));
    }

    [Fact]
    public void Leaving_the_room_with_unaccounted_planned_components_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.ClosureEnd);
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.OutOfRoom));
        Assert.Equal("reconciliation-before-leaving", e.Rule);
        Assert.StartsWith("8 ", e.Message, StringComparison.Ordinal);
        Assert.False(rig.Record.Closed);
    }

    [Fact]
    public void Leaving_the_room_before_Sign_Out_is_complete_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.ClosureEnd).Complete(ChecklistPhase.SignOut, "so-recovery");
        Assert.Empty(rig.Record.UnaccountedPlanned);
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.OutOfRoom));
        Assert.Equal("sign-out-before-leaving", e.Rule);
        Assert.False(rig.Record.Closed);

        rig.Tick("so-recovery");
        rig.Mark(Milestone.OutOfRoom);
        Assert.True(rig.Record.Closed);
    }

    [Fact]
    public void In_room_minutes_run_from_in_room_to_out_of_room()
    {
        var rig = new TheatreRig().CheckIn();
        var inRoom = rig.Advance(10);
        rig.Mark(Milestone.InRoom, inRoom);
        rig.Through(Milestone.ClosureEnd);
        Assert.Null(rig.Record.InRoomMinutes);
        rig.Complete(ChecklistPhase.SignOut);
        rig.Mark(Milestone.OutOfRoom, inRoom.AddMinutes(137));
        Assert.Equal(137, rig.Record.InRoomMinutes);
    }

    [Fact]
    public void Scheduling_staff_cannot_record_milestones()
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.InRoom, actor: Actors.Scheduler));
        Assert.Equal("role:milestones", e.Rule);
        Assert.True(e.Forbidden);
    }

    [Fact]
    public void Steps_come_from_the_definition_and_are_ticked_by_number()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        Assert.Equal(TheatreRig.Steps, rig.Record.Steps.Select(s => s.Text));
        Assert.Equal([1, 2, 3, 4], rig.Record.Steps.Select(s => s.Index));
        rig.Record.RecordStep(2, true, " both rods cut ", Actors.Nurse);
        Assert.True(rig.Record.Steps[1].Done);
        Assert.Equal("both rods cut", rig.Record.Steps[1].Note);
        Assert.Throws<ValidationException>(() => rig.Record.RecordStep(5, true, null, Actors.Nurse));
    }

    [Fact]
    public void Findings_validate_levels_and_blood_loss()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var bad = new IntraOpRecord.Findings([new IntraOpFusion { Range = "L9-L3", Status = FusionStatus.Solid }], false, false, false, false, -1, null);
        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordFindings(bad, Actors.Surgeon));
        Assert.True(e.Errors.ContainsKey("fusion[0].range"));
        Assert.True(e.Errors.ContainsKey("estimatedBloodLossMl"));

        rig.Record.RecordFindings(new IntraOpRecord.Findings([new IntraOpFusion { Range = "l3-l5", Status = FusionStatus.Solid }], true, false, false, false, 350, null), Actors.Surgeon);
        Assert.Equal("L3\u2013L5", rig.Record.Fusion.Single().Range);
        Assert.True(rig.Record.Loosening);
        Assert.Equal(350, rig.Record.EstimatedBloodLossMl);
    }
}
