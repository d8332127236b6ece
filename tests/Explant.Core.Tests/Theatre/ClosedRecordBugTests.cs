using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>
/// Regression tests for a bug since fixed: RecordCounts and RecordProphylaxis once skipped RequireOpen(), so the
/// counts Sign Out attested to, and the prophylaxis times the flags are computed from, could be rewritten after the
/// patient had left the room. Every other write is covered by ClosedRecordTests.
/// </summary>
public sealed class ClosedRecordBugTests
{
    [Fact]
    public void A_closed_record_refuses_changed_counts()
    {
        var rig = new TheatreRig().Through(Milestone.OutOfRoom);
        Assert.True(rig.Record.Closed);
        Assert.True(rig.Record.CountsCorrect);

        var e = Record.Exception(() => rig.Record.RecordCounts(false, "one swab missing", Actors.Nurse));

        Assert.True(e is DomainRuleException { Rule: "record-closed" },
            "BUG: RecordCounts changed the counts attested at Sign Out after the record closed (IntraOpRecord.RecordCounts lacks RequireOpen())");
        Assert.True(rig.Record.CountsCorrect);
    }

    [Fact]
    public void A_closed_record_refuses_changed_prophylaxis()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var incision = rig.Record.At(Milestone.Incision)!.Value;
        rig.Record.RecordProphylaxis("cefazolin", incision.AddMinutes(-90), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        rig.Through(Milestone.OutOfRoom);
        Assert.Single(rig.Record.ProphylaxisFlags(rig.Options));

        var e = Record.Exception(() => rig.Record.RecordProphylaxis("cefazolin", incision.AddMinutes(-30), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options));

        Assert.True(e is DomainRuleException { Rule: "record-closed" },
            "BUG: RecordProphylaxis rewrote the dose time after the record closed, clearing the timing flag (IntraOpRecord.RecordProphylaxis lacks RequireOpen())");
        Assert.Single(rig.Record.ProphylaxisFlags(rig.Options));
    }
}
