using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>
/// A day-of-surgery record for a case built in memory (<see cref="CaseBuilder"/>: posterior pedicle screws L3–L5 on
/// both sides plus two rods = 8 planned components), with a clock that moves one minute per step and helpers that
/// complete the checklist phases and milestones through the aggregate's own methods.
/// </summary>
internal sealed class TheatreRig
{
    public static readonly DateTime T0 = new(2025, 3, 10, 7, 0, 0, DateTimeKind.Utc);

    /// <summary>The booked day (the aggregate compares dates, so UTC's date serves for the in-memory rig).</summary>
    public static readonly DateOnly Day = DateOnly.FromDateTime(T0);

    /// <summary>How long before the operation the patient is checked in (long enough for a vancomycin window, 120 min).</summary>
    public const double CheckInLeadMinutes = 180;

    public static readonly string[] Steps = ["Expose the construct", "Remove the rods", "Remove the screws", "Close"];

    private DateTime clock = T0;

    public TheatreRig(bool infection = false, string levels = "L3-L5", Func<Construct, IEnumerable<Guid>>? plan = null)
    {
        var builder = CaseBuilder.ACase().WithConstruct(levels);
        if (infection)
        {
            builder.WithIndication("infection");
        }
        Case = builder.Build();
        Construct = builder.Construct!;
        if (plan is not null)
        {
            Case.SetPlan(false, [.. plan(Construct)], Construct, Actors.Surgeon, builder.Now());
        }
        Record = IntraOpRecord.Start(Case, Construct, Steps);
    }

    public SurgicalCase Case { get; }
    public Construct Construct { get; }
    public IntraOpRecord Record { get; }
    public TheatreOptions Options { get; } = new();

    /// <summary>The current instant without moving the clock.</summary>
    public DateTime Clock => clock;

    /// <summary>The next instant: one minute after the previous one.</summary>
    public DateTime Now() => Advance(1);

    public DateTime Advance(double minutes)
    {
        clock = clock.AddMinutes(minutes);
        return clock;
    }

    public IEnumerable<ChecklistItem> Items(ChecklistPhase phase) => Record.Checklist.Where(i => i.Phase == phase);

    public TheatreRig CheckIn()
    {
        Record.RecordCheckIn(Actors.Nurse, Now(), "wristband read: name and MRN match", Day, Day);
        Advance(CheckInLeadMinutes);
        return this;
    }

    /// <summary>Ticks as the item's owner unless another actor is given (the WHO checklist names who answers, S44).</summary>
    public void Tick(string itemId, CaseActor? actor = null, TickAnswer answer = TickAnswer.Yes, string? note = null) =>
        Record.TickItem(itemId, answer, note, actor ?? OwnerOf(itemId), Now());

    public static CaseActor ActorFor(string role) => role switch
    {
        Roles.Surgeon => Actors.Surgeon,
        Roles.Anesthesiologist => Actors.Anesthesiologist,
        _ => Actors.Nurse,
    };

    public CaseActor OwnerOf(string itemId) => ActorFor(Record.Checklist.FirstOrDefault(i => i.Id == itemId)?.Owner ?? Roles.Nurse);

    /// <summary>Ticks every item of the phase except <paramref name="except"/>, supplying the evidence the items need.</summary>
    public TheatreRig Complete(ChecklistPhase phase, params string[] except)
    {
        foreach (var item in Items(phase).Where(i => !except.Contains(i.Id)))
        {
            var answer = TickAnswer.Yes;
            switch (item.Evidence)
            {
                case ItemEvidence.LevelsConfirmed when Record.ConfirmedLevels is null:
                    Record.ConfirmLevels(Record.PlannedLevels, "fluoro shot 3", Actors.Surgeon);
                    break;
                case ItemEvidence.CountsRecorded when Record.CountsCorrect is null:
                    Record.RecordCounts(true, null, Actors.Nurse);
                    break;
                case ItemEvidence.ReconciliationComplete:
                    AccountAll();
                    break;
                case ItemEvidence.ProphylaxisRecorded:
                    if (Record.Prophylaxis is null)
                    {
                        Record.RecordProphylaxis("cefazolin", Clock, null, null, Actors.Anesthesiologist, Clock, Options);
                    }
                    answer = Record.Prophylaxis!.GivenUtc is null ? TickAnswer.NotApplicable : TickAnswer.Yes;
                    break;
                default:
                    break;
            }
            Tick(item.Id, answer: answer);
        }
        return this;
    }

    public void AccountAll(ExplantOutcome outcome = ExplantOutcome.Removed)
    {
        foreach (var line in Record.UnaccountedPlanned)
        {
            Record.Account(line.Id, new IntraOpRecord.Accounting(outcome, ComponentCondition.Intact, outcome == ExplantOutcome.Removed ? null : "see note", false, "discarded"), Actors.Nurse, Now());
        }
    }

    /// <summary>Records a milestone at <paramref name="atUtc"/> (default: the next instant), the device clock reading the same.</summary>
    public void Mark(Milestone milestone, DateTime? atUtc = null, CaseActor? actor = null)
    {
        var at = atUtc ?? Now();
        if (at > clock)
        {
            clock = at;
        }
        Record.RecordMilestone(milestone, at, actor ?? Actors.Nurse, clock, Options);
    }

    /// <summary>Walks the record from check-in up to and including <paramref name="last"/>, completing each checklist phase just before its gate.</summary>
    public TheatreRig Through(Milestone last)
    {
        if (Record.CheckedInUtc is null)
        {
            CheckIn();
        }
        foreach (var m in Enum.GetValues<Milestone>().Where(m => m <= last && Record.At(m) is null))
        {
            switch (m)
            {
                case Milestone.AnesthesiaStart when !Record.PhaseComplete(ChecklistPhase.SignIn):
                    Complete(ChecklistPhase.SignIn);
                    break;
                case Milestone.Incision when !Record.PhaseComplete(ChecklistPhase.TimeOut):
                    Complete(ChecklistPhase.TimeOut);
                    break;
                case Milestone.OutOfRoom when !Record.PhaseComplete(ChecklistPhase.SignOut):
                    Complete(ChecklistPhase.SignOut);
                    break;
                default:
                    break;
            }
            Mark(m);
        }
        return this;
    }
}
