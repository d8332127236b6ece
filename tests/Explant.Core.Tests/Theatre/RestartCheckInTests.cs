using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>A case postponed after check-in and scheduled again starts its day afresh; once in the room it cannot.</summary>
public sealed class RestartCheckInTests
{
    [Fact]
    public void A_record_without_milestones_restarts_clears_the_day_and_keeps_the_reason()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        rig.AccountAll();
        // (Counts cannot exist yet: they are the Sign Out's closing counts, recorded after the incision.)

        rig.Record.RestartForNewCheckIn("postponed, scheduled again");

        Assert.Null(rig.Record.CheckedInUtc);
        Assert.Empty(rig.Record.Ticks);
        Assert.Null(rig.Record.CountsCorrect);
        Assert.All(rig.Record.Explants, l => Assert.Null(l.Outcome));
        Assert.Equal(rig.Record.Explants.Count, rig.Record.UnaccountedPlanned.Count);
        Assert.Contains("postponed, scheduled again", rig.Record.CheckInNote, StringComparison.Ordinal);
        // The checklist starts again only after the new check-in.
        Assert.Equal("checklist-after-check-in",
            Assert.Throws<DomainRuleException>(() => rig.Tick(rig.Items(ChecklistPhase.SignIn).First().Id)).Rule);
        rig.CheckIn();
        Assert.NotNull(rig.Record.CheckedInUtc);
    }

    [Fact]
    public void A_record_with_a_milestone_cannot_restart()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        rig.Mark(Milestone.InRoom);
        Assert.Equal("check-in-once", Assert.Throws<DomainRuleException>(() => rig.Record.RestartForNewCheckIn("x")).Rule);
        Assert.NotEmpty(rig.Record.Ticks);
    }
}
