using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Theatre;
using Explant.Planner;

namespace Explant.Core.Scheduling;

/// <summary>
/// The actual in-room to out-of-room minutes of one operation, with the features the duration estimate compares (levels,
/// components, planned share, infection, surgeon) as they stood when the patient left the room. Stored once, in the
/// out-of-room milestone's save (issue #17 §3: "durations history as a stored per-case actual"): the board and the
/// proposal read the whole history on every render, and deriving it from each past record's milestones and construct
/// meant parsing thousands of JSON documents per render (the board took 300 ms at 2,600 cases).
/// Milestones are recorded once and in order (IntraOpRecord.RecordMilestone), so the row never needs to change.
/// </summary>
public sealed class OperationDuration
{
    private OperationDuration()
    {
    }

    public Guid CaseId { get; private set; }

    public string Surgeon { get; private set; } = "";

    public int Levels { get; private set; }

    public int Components { get; private set; }

    public int PlannedComponents { get; private set; }

    public bool Infection { get; private set; }

    public int Minutes { get; private set; }

    /// <summary>The row for a record whose patient has left the room; null while either milestone is missing or the span is not positive.</summary>
    public static OperationDuration? Of(SurgicalCase c, IntraOpRecord record, Construct construct)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(construct);
        return Of(c.Id, record.InRoomMinutes, CaseDurations.Features(construct.Components, c.PlannedComponentIds.Count, c.Indications, c.Surgeon));
    }

    internal static OperationDuration? Of(Guid caseId, int? minutes, DurationFeatures f) => minutes is > 0
        ? new OperationDuration
        {
            CaseId = caseId, Surgeon = f.Surgeon, Levels = f.Levels, Components = f.Components, PlannedComponents = f.PlannedComponents,
            Infection = f.Infection, Minutes = minutes.Value,
        }
        : null;
}
