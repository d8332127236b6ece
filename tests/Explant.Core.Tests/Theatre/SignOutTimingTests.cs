using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>
/// Review findings on the WHO checklist's timing (S44: Sign In before induction, Sign Out before the patient leaves the
/// room, after the operation): Sign Out items and the closing counts wait for the incision; a back-dated anaesthesia
/// start or out-of-room time cannot precede the completion of the check that must come first.
/// </summary>
public sealed class SignOutTimingTests
{
    [Fact]
    public void A_sign_out_item_before_the_incision_is_refused_and_accepted_after_it()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn).Complete(ChecklistPhase.TimeOut);
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("so-procedure-recorded"));
        Assert.Equal("sign-out-before-incision", e.Rule);
        Assert.DoesNotContain(rig.Record.Ticks, t => t.ItemId == "so-procedure-recorded");

        rig.Through(Milestone.Incision);
        rig.Tick("so-procedure-recorded");
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "so-procedure-recorded");
    }

    [Fact]
    public void The_counts_before_the_incision_are_refused_and_recorded_after_it()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn).Complete(ChecklistPhase.TimeOut);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCounts(true, null, Actors.Nurse));
        Assert.Equal("sign-out-before-incision", e.Rule);
        Assert.Null(rig.Record.CountsCorrect);

        rig.Through(Milestone.Incision);
        rig.Record.RecordCounts(true, null, Actors.Nurse);
        Assert.True(rig.Record.CountsCorrect);
    }

    [Fact]
    public void An_anaesthesia_start_back_dated_before_the_sign_in_was_completed_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.InRoom);
        var inRoom = rig.Record.At(Milestone.InRoom)!.Value;
        rig.Complete(ChecklistPhase.SignIn);
        var signIn = rig.Record.PhaseCompletedUtc(ChecklistPhase.SignIn)!.Value;
        Assert.True(signIn > inRoom);

        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.AnesthesiaStart, signIn.AddSeconds(-30)));
        Assert.Equal("induction-after-sign-in", e.Rule);
        Assert.Null(rig.Record.At(Milestone.AnesthesiaStart));

        rig.Mark(Milestone.AnesthesiaStart, signIn);
        Assert.Equal(signIn, rig.Record.At(Milestone.AnesthesiaStart));
    }

    [Fact]
    public void An_out_of_room_time_back_dated_before_the_sign_out_was_completed_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.ClosureEnd);
        var closureEnd = rig.Record.At(Milestone.ClosureEnd)!.Value;
        rig.Complete(ChecklistPhase.SignOut);
        var signOut = rig.Record.PhaseCompletedUtc(ChecklistPhase.SignOut)!.Value;
        Assert.True(signOut > closureEnd);

        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.OutOfRoom, closureEnd));
        Assert.Equal("out-of-room-after-sign-out", e.Rule);
        Assert.False(rig.Record.Closed);

        rig.Mark(Milestone.OutOfRoom, signOut);
        Assert.True(rig.Record.Closed);
    }
}
