using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Validation;

namespace Explant.Core.Theatre;

public enum Milestone
{
    InRoom,
    AnesthesiaStart,
    Positioned,
    Incision,
    ClosureStart,
    ClosureEnd,
    OutOfRoom,
}

public enum TickAnswer
{
    Yes,
    NotApplicable,
}

/// <summary>What happened to a component (issue #7 §2; docs/clinical-rules.md §7 rule 33).</summary>
public enum ExplantOutcome
{
    Removed,
    Retained,
    FragmentRetained,
    NotFound,
}

public enum ComponentCondition
{
    Intact,
    Broken,
    Loose,
    Corroded,
}

public enum SpecimenKind
{
    TissueCulture,
    Sonication,
    Histology,
    Other,
}

public sealed class Tick
{
    public string ItemId { get; set; } = "";
    public TickAnswer Answer { get; set; }
    public string By { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTime AtUtc { get; set; }
    public string? Note { get; set; }
}

public sealed class MilestoneEntry
{
    public Milestone Milestone { get; set; }
    public DateTime AtUtc { get; set; }
    public string By { get; set; } = "";
}

public sealed class StepEntry
{
    public int Index { get; set; }
    public string Text { get; set; } = "";
    public bool Done { get; set; }
    public string? Note { get; set; }
}

public sealed class IntraOpFusion
{
    public string Range { get; set; } = "";
    public FusionStatus Status { get; set; }
}

public sealed class Specimen
{
    public string Label { get; set; } = "";
    public SpecimenKind Kind { get; set; }
    public string Description { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

/// <summary>One line of the explant reconciliation: a planned component, or one found that was not planned.</summary>
public sealed class ExplantLine
{
    public Guid Id { get; set; }
    public Guid? ComponentId { get; set; }
    public bool Planned { get; set; }
    public string Description { get; set; } = "";
    public string? Level { get; set; }
    public string? Side { get; set; }
    public string? Udi { get; set; }
    public ExplantOutcome? Outcome { get; set; }
    public ComponentCondition? Condition { get; set; }
    /// <summary>Why retained, or where a fragment stays (level, side, length — for later MRI and revision, [S49]).</summary>
    public string? Detail { get; set; }
    public bool RetrievalAnalysis { get; set; }
    public string? Disposition { get; set; }
    public string? By { get; set; }
    public DateTime? AtUtc { get; set; }
}

public sealed class Antibiotic
{
    public string Agent { get; set; } = "";
    public DateTime? GivenUtc { get; set; }
    /// <summary>Prophylaxis held until deep cultures are taken, with the surgeon's reason ([S46] ⚠ override).</summary>
    public string? DelayedForCulturesReason { get; set; }
    public DateTime? RedoseUtc { get; set; }
}

/// <summary>
/// The day-of-surgery record of one case: check-in, the WHO checklist, milestones, steps, findings, prophylaxis,
/// specimens, counts and the explant reconciliation. The aggregate enforces the safety gates: no induction before
/// Sign In, no incision before Time Out, no leaving the room before Sign Out, and Sign Out needs every planned
/// component accounted for and the counts recorded.
/// </summary>
public sealed class IntraOpRecord : IVersioned
{
    private IntraOpRecord() { }

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public int CaseNumber { get; private set; }
    public bool Infection { get; private set; }
    public string PlannedLevels { get; private set; } = "";
    public DateTime? CheckedInUtc { get; private set; }
    public string? CheckedInBy { get; private set; }
    public string? CheckInNote { get; private set; }
    public string? ConfirmedLevels { get; private set; }
    public string? LevelImage { get; private set; }
    public List<Tick> Ticks { get; private set; } = [];
    public List<MilestoneEntry> Milestones { get; private set; } = [];
    public List<StepEntry> Steps { get; private set; } = [];
    public List<IntraOpFusion> Fusion { get; private set; } = [];
    public bool Loosening { get; private set; }
    public bool Breakage { get; private set; }
    public bool InfectionSigns { get; private set; }
    public bool DuralTear { get; private set; }
    public string? FindingsNote { get; private set; }
    public int? EstimatedBloodLossMl { get; private set; }
    public Antibiotic? Prophylaxis { get; private set; }
    public List<Specimen> Specimens { get; private set; } = [];
    public bool? CountsCorrect { get; private set; }
    public string? CountDiscrepancy { get; private set; }
    public List<ExplantLine> Explants { get; private set; } = [];
    public long Revision { get; set; }

    public static IntraOpRecord Start(SurgicalCase c, Construct construct, IEnumerable<string> steps)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(construct);
        var planned = construct.Components.Where(x => c.PlannedComponentIds.Contains(x.Id)).ToList();
        var spans = planned.Select(x => x.Span).OfType<LevelRange>().ToList();
        return new IntraOpRecord
        {
            Id = Guid.CreateVersion7(),
            CaseId = c.Id,
            CaseNumber = c.Number,
            Infection = c.Indications.Any(i => i.Key == "infection"),
            PlannedLevels = spans.Count == 0 ? "" : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To)).ToString(),
            Steps = [.. steps.Select((s, i) => new StepEntry { Index = i + 1, Text = s })],
            Explants = [.. planned.Select(x => new ExplantLine
            {
                Id = Guid.CreateVersion7(), ComponentId = x.Id, Planned = true, Description = x.Describe(),
                Level = x.Span?.ToString(), Side = x.Side?.ToString().ToLowerInvariant(), Udi = x.Udi,
            })],
        };
    }

    // ---- check-in -----------------------------------------------------------------------------------

    /// <summary>
    /// Check-in happens on the booked day only (in the hospital's zone): a patient checked in on another day would
    /// start a day-of-surgery record — checklist, milestones, the case moving to CheckedIn — for a day that is not
    /// theirs, and a case booked for next week would show on today's theatre list as ready.
    /// </summary>
    public static void RequireBookedDay(int caseNumber, DateOnly? bookedDay, DateOnly today)
    {
        if (bookedDay is not { } booked)
        {
            throw new DomainRuleException("check-in-booked-day", $"case {caseNumber} has no booked day of surgery: book it before check-in");
        }
        if (booked != today)
        {
            throw new DomainRuleException("check-in-booked-day",
                $"case {caseNumber} is booked for {booked:yyyy-MM-dd}; today is {today:yyyy-MM-dd}: check in on the day of surgery or move the booking");
        }
    }

    public void RecordCheckIn(CaseActor actor, DateTime nowUtc, string? note, DateOnly? bookedDay, DateOnly today)
    {
        actor.Require("check-in", TheatreWriters.CheckIn);
        RequireBookedDay(CaseNumber, bookedDay, today);
        if (CheckedInUtc is not null)
        {
            throw new DomainRuleException("check-in-once", $"case {CaseNumber} was checked in at {CheckedInUtc:HH:mm} UTC by {CheckedInBy}");
        }
        CheckedInUtc = nowUtc;
        CheckedInBy = actor.Name;
        CheckInNote = string.Join("; ", new[] { CheckInNote, string.IsNullOrWhiteSpace(note) ? null : note.Trim() }.OfType<string>()) is { Length: > 0 } n ? n : null;
    }

    /// <summary>
    /// A case checked in and then postponed before entering the room is checked in afresh when it comes back:
    /// the earlier check-in and ticks no longer describe this patient's day. The audit log keeps what is cleared.
    /// </summary>
    public void RestartForNewCheckIn(string reason)
    {
        if (Milestones.Count > 0)
        {
            throw new DomainRuleException("check-in-once", $"case {CaseNumber} entered the room at {At(Milestone.InRoom):HH:mm} UTC: its record cannot restart");
        }
        CheckedInUtc = null;
        CheckedInBy = null;
        CheckInNote = $"earlier check-in voided: {reason}";
        Ticks.Clear();
        ConfirmedLevels = null;
        LevelImage = null;
        Prophylaxis = null;
        CountsCorrect = null;
        CountDiscrepancy = null;
        Specimens.Clear();
        foreach (var line in Explants)
        {
            (line.Outcome, line.Condition, line.Detail, line.RetrievalAnalysis, line.Disposition, line.By, line.AtUtc) = (null, null, null, false, null, null, null);
        }
        Explants.RemoveAll(l => !l.Planned);
        foreach (var step in Steps)
        {
            (step.Done, step.Note) = (false, null);
        }
    }

    // ---- checklist ----------------------------------------------------------------------------------

    public IEnumerable<ChecklistItem> Checklist => WhoChecklist.For(Infection);

    public bool PhaseComplete(ChecklistPhase phase) =>
        Checklist.Where(i => i.Phase == phase).All(i => Ticks.Any(t => t.ItemId == i.Id));

    /// <summary>The first phase with an unticked item, or null when all three are complete.</summary>
    public ChecklistPhase? CurrentPhase =>
        Enum.GetValues<ChecklistPhase>().Cast<ChecklistPhase?>().FirstOrDefault(p => !PhaseComplete(p!.Value));

    public void TickItem(string itemId, TickAnswer answer, string? note, CaseActor actor, DateTime nowUtc)
    {
        actor.Require("checklist", TheatreWriters.Checklist);
        var item = Checklist.FirstOrDefault(i => i.Id == itemId)
            ?? throw new ValidationException(new Dictionary<string, string[]> { ["itemId"] = [$"'{itemId}' is not an item of this case's checklist"] });
        // The WHO checklist names who answers each item (S44): a nurse ticking "Surgeon reviews critical steps" records
        // an answer nobody gave.
        if (!actor.IsIn([item.Owner]))
        {
            throw new DomainRuleException("checklist-owner", $"'{item.Text}' is answered by the {item.Owner}; {actor.Name} is not the {item.Owner}", forbidden: true);
        }
        RequireOpen();
        if (CheckedInUtc is null)
        {
            throw new DomainRuleException("checklist-after-check-in", "the checklist starts after check-in");
        }
        if (Ticks.Any(t => t.ItemId == itemId))
        {
            throw new DomainRuleException("tick-once", $"'{item.Text}' is already ticked");
        }
        // WHO phases are sequential: Time Out follows a complete Sign In, Sign Out a complete Time Out (S44).
        if (item.Phase > ChecklistPhase.SignIn && !PhaseComplete(item.Phase - 1))
        {
            throw new DomainRuleException("checklist-phase-order", $"{WhoChecklist.PhaseLabel(item.Phase - 1)} must be complete before {WhoChecklist.PhaseLabel(item.Phase)}");
        }
        // Sign Out is the close of the operation, done before the patient leaves the room (S44): its items (procedure
        // recorded, final counts, specimens, equipment, recovery concerns, reconciliation) describe an operation that
        // has happened, so they are not answered before the incision.
        if (item.Phase == ChecklistPhase.SignOut && At(Milestone.Incision) is null)
        {
            throw new DomainRuleException("sign-out-before-incision", $"'{item.Text}' belongs to the Sign Out, after the operation: record the incision first");
        }
        if (answer == TickAnswer.NotApplicable && !item.AllowNotApplicable)
        {
            throw new DomainRuleException("tick-not-applicable", $"'{item.Text}' cannot be answered 'not applicable'", unprocessable: true);
        }
        if (EvidenceMissing(item, answer) is { } missing)
        {
            throw new DomainRuleException($"tick-evidence:{item.Id}", missing);
        }
        // The role recorded is the one the item is answered in (the actor holds it: checked above).
        Ticks.Add(new Tick { ItemId = itemId, Answer = answer, By = actor.Name, Role = item.Owner, AtUtc = nowUtc, Note = Trim(note) });
    }

    private string? EvidenceMissing(ChecklistItem item, TickAnswer answer) => item.Evidence switch
    {
        // "Antibiotic prophylaxis given within the last 60 minutes?" (S44): Yes attests a recorded dose (agent and
        // time); "not applicable" only stands for prophylaxis the surgeon delayed for cultures with a reason (S46 ⚠).
        ItemEvidence.ProphylaxisRecorded when answer == TickAnswer.Yes && Prophylaxis is not { GivenUtc: not null } =>
            "record the prophylaxis first (agent and time given) before answering yes",
        ItemEvidence.ProphylaxisRecorded when answer == TickAnswer.NotApplicable && Prophylaxis is not { GivenUtc: null, DelayedForCulturesReason: not null } =>
            "'not applicable' needs prophylaxis recorded as delayed for cultures with the surgeon's reason",
        ItemEvidence.LevelsConfirmed when ConfirmedLevels is null => "record the levels confirmed on the intra-operative image first",
        ItemEvidence.CountsRecorded when CountsCorrect is null => "record the counts first (correct, or the discrepancy)",
        ItemEvidence.ReconciliationComplete when UnaccountedPlanned.Count > 0 =>
            $"{UnaccountedPlanned.Count} planned component(s) not accounted for: {string.Join("; ", UnaccountedPlanned.Select(l => l.Description))}",
        _ => null,
    };

    /// <summary>
    /// Wrong-level control (rule 30, [S45]): the levels read off the localisation image must be the planned levels;
    /// a mismatch is refused so the team re-images instead of proceeding at the wrong level.
    /// </summary>
    public void ConfirmLevels(string levels, string? image, CaseActor actor)
    {
        actor.Require("levels", TheatreWriters.Levels);
        RequireOpen();
        RequireNotAttested(ItemEvidence.LevelsConfirmed, "the confirmed levels");
        if (!LevelRange.TryParse(levels, out var range))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["levels"] = [$"'{levels}' is not a level range (e.g. L3-L5)"] });
        }
        if (PlannedLevels.Length > 0 && range.ToString() != PlannedLevels)
        {
            throw new DomainRuleException("levels-match-plan", $"image shows {range}, the plan is {PlannedLevels}: re-image and confirm before proceeding");
        }
        ConfirmedLevels = range.ToString();
        LevelImage = Trim(image);
    }

    // ---- milestones ---------------------------------------------------------------------------------

    public DateTime? At(Milestone m) => Milestones.FirstOrDefault(x => x.Milestone == m)?.AtUtc;

    public Milestone? NextMilestone => Enum.GetValues<Milestone>().Cast<Milestone?>().FirstOrDefault(m => At(m!.Value) is null);

    /// <summary>Minutes in the room (in-room to out-of-room): the actual duration the estimator learns from.</summary>
    public int? InRoomMinutes => At(Milestone.InRoom) is { } i && At(Milestone.OutOfRoom) is { } o ? (int)Math.Round((o - i).TotalMinutes) : null;

    public void RecordMilestone(Milestone milestone, DateTime atUtc, CaseActor actor, DateTime nowUtc, TheatreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("milestones", TheatreWriters.Milestones);
        RequireOpen();
        if (At(milestone) is { } already)
        {
            throw new DomainRuleException("milestone-once", $"{milestone} is already recorded at {already:HH:mm} UTC");
        }
        if (NextMilestone != milestone)
        {
            throw new DomainRuleException("milestone-order", $"{milestone} comes after {NextMilestone}; record {NextMilestone} first");
        }
        var previous = Milestones.OrderBy(m => m.Milestone).LastOrDefault();
        if (previous is not null && atUtc < previous.AtUtc)
        {
            throw new DomainRuleException("milestone-monotonic", $"{milestone} at {atUtc:HH:mm} UTC is earlier than {previous.Milestone} at {previous.AtUtc:HH:mm} UTC");
        }
        if (atUtc > nowUtc.AddMinutes(options.MilestoneFutureToleranceMinutes))
        {
            throw new DomainRuleException("milestone-not-future",
                $"{milestone} at {atUtc:HH:mm} UTC is in the future (now {nowUtc:HH:mm} UTC, tolerance {options.MilestoneFutureToleranceMinutes} min)", unprocessable: true);
        }
        // A back-dated time cannot precede the patient's arrival: the record's times are what the duration
        // estimator, the prophylaxis window and the medico-legal record are built from.
        if (CheckedInUtc is { } checkedIn && atUtc < checkedIn)
        {
            throw new DomainRuleException("milestone-after-check-in", $"{milestone} at {atUtc:HH:mm} UTC is before check-in at {checkedIn:HH:mm} UTC");
        }
        var gate = milestone switch
        {
            Milestone.InRoom when CheckedInUtc is null => ("check-in-before-room", "the patient is checked in before entering the room"),
            Milestone.AnesthesiaStart when !PhaseComplete(ChecklistPhase.SignIn) => ("sign-in-before-induction", $"Sign In is not complete: {Open(ChecklistPhase.SignIn)}"),
            Milestone.Incision when !PhaseComplete(ChecklistPhase.TimeOut) => ("time-out-before-incision", $"Time Out is not complete: {Open(ChecklistPhase.TimeOut)}"),
            Milestone.OutOfRoom when UnaccountedPlanned.Count > 0 => ("reconciliation-before-leaving", $"{UnaccountedPlanned.Count} planned component(s) not accounted for"),
            Milestone.OutOfRoom when !PhaseComplete(ChecklistPhase.SignOut) => ("sign-out-before-leaving", $"Sign Out is not complete: {Open(ChecklistPhase.SignOut)}"),
            _ => default((string, string)?),
        };
        if (gate is { } g)
        {
            throw new DomainRuleException(g.Item1, g.Item2);
        }
        // Time Out happens before the incision (S44, S45): a back-dated incision before the Time Out's last tick
        // would record an operation that started before the team confirmed patient, site and levels.
        if (milestone == Milestone.Incision && PhaseCompletedUtc(ChecklistPhase.TimeOut) is { } timeOut && atUtc < timeOut)
        {
            throw new DomainRuleException("incision-after-time-out", $"incision at {atUtc:HH:mm} UTC is before the Time Out was completed at {timeOut:HH:mm} UTC");
        }
        // Sign In is done before induction and Sign Out before the patient leaves the room (S44): a back-dated
        // anaesthesia start before the Sign In's last tick, or an out-of-room time before the Sign Out's last tick,
        // would record the step as done before the check that must precede it.
        if (milestone == Milestone.AnesthesiaStart && PhaseCompletedUtc(ChecklistPhase.SignIn) is { } signIn && atUtc < signIn)
        {
            throw new DomainRuleException("induction-after-sign-in", $"anaesthesia start at {atUtc:HH:mm} UTC is before the Sign In was completed at {signIn:HH:mm} UTC");
        }
        if (milestone == Milestone.OutOfRoom && PhaseCompletedUtc(ChecklistPhase.SignOut) is { } signOut && atUtc < signOut)
        {
            throw new DomainRuleException("out-of-room-after-sign-out", $"out of room at {atUtc:HH:mm} UTC is before the Sign Out was completed at {signOut:HH:mm} UTC");
        }
        Milestones.Add(new MilestoneEntry { Milestone = milestone, AtUtc = atUtc, By = actor.Name });
    }

    /// <summary>When the phase's last item was ticked; null while the phase is open.</summary>
    public DateTime? PhaseCompletedUtc(ChecklistPhase phase) =>
        PhaseComplete(phase) ? Ticks.Where(t => Checklist.Any(i => i.Id == t.ItemId && i.Phase == phase)).Select(t => (DateTime?)t.AtUtc).Max() : null;

    private string Open(ChecklistPhase phase) =>
        string.Join("; ", Checklist.Where(i => i.Phase == phase && Ticks.All(t => t.ItemId != i.Id)).Select(i => i.Text));

    // ---- steps, findings, prophylaxis, specimens, counts -----------------------------------------------

    public void RecordStep(int index, bool done, string? note, CaseActor actor)
    {
        actor.Require("steps", TheatreWriters.Steps);
        RequireOpen();
        var step = Steps.FirstOrDefault(s => s.Index == index)
            ?? throw new ValidationException(new Dictionary<string, string[]> { ["index"] = [$"no step {index} (1–{Steps.Count})"] });
        step.Done = done;
        step.Note = Trim(note);
    }

    public sealed record Findings(IReadOnlyList<IntraOpFusion> Fusion, bool Loosening, bool Breakage, bool InfectionSigns, bool DuralTear, int? EstimatedBloodLossMl, string? Note);

    public void RecordFindings(Findings findings, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(findings);
        actor.Require("findings", TheatreWriters.Findings);
        RequireOpen();
        var check = new Check();
        for (var i = 0; i < findings.Fusion.Count; i++)
        {
            if (!LevelRange.TryParse(findings.Fusion[i].Range, out _))
            {
                check.Add($"fusion[{i}].range", $"'{findings.Fusion[i].Range}' is not a level range (e.g. L3-L5)");
            }
        }
        check.Range("estimatedBloodLossMl", findings.EstimatedBloodLossMl, Plausible.BloodLossMl);
        check.Text("note", findings.Note, InputLimits.Note);
        check.ThrowIfAny();
        Fusion = [.. findings.Fusion.Select(f => new IntraOpFusion { Range = LevelRange.Parse(f.Range).ToString(), Status = f.Status })];
        (Loosening, Breakage, InfectionSigns, DuralTear) = (findings.Loosening, findings.Breakage, findings.InfectionSigns, findings.DuralTear);
        EstimatedBloodLossMl = findings.EstimatedBloodLossMl;
        FindingsNote = Trim(findings.Note);
    }

    public void RecordProphylaxis(string agent, DateTime? givenUtc, string? delayedForCulturesReason, DateTime? redoseUtc, CaseActor actor, DateTime nowUtc, TheatreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("prophylaxis", TheatreWriters.Prophylaxis);
        RequireOpen();
        // Dose times obey the milestones' rules: not ahead of the clock, not before the patient arrived (the timing
        // flags against incision, S46, are only as true as these times).
        foreach (var (field, at) in new[] { ("givenAt", givenUtc), ("redoseAt", redoseUtc) })
        {
            if (at is not { } t)
            {
                continue;
            }
            if (t > nowUtc.AddMinutes(options.MilestoneFutureToleranceMinutes))
            {
                throw new DomainRuleException("prophylaxis-not-future", $"{field} {t:HH:mm} UTC is in the future (now {nowUtc:HH:mm} UTC)", unprocessable: true);
            }
            if (CheckedInUtc is not { } checkedIn || t < checkedIn)
            {
                throw new DomainRuleException("prophylaxis-after-check-in", $"{field} {t:HH:mm} UTC is before check-in{(CheckedInUtc is { } ci ? $" at {ci:HH:mm} UTC" : "")}");
            }
        }
        if (givenUtc is { } first && redoseUtc is { } again && again < first)
        {
            throw new DomainRuleException("prophylaxis-redose-after-dose", $"the redose at {again:HH:mm} UTC is before the first dose at {first:HH:mm} UTC", unprocessable: true);
        }
        var name = agent?.Trim().ToLowerInvariant() ?? "";
        if (options.Prophylaxis.All(p => p.Name != name))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["agent"] = [$"'{agent}' is not a configured agent ({string.Join(", ", options.Prophylaxis.Select(p => p.Name))})"] });
        }
        if (givenUtc is null && string.IsNullOrWhiteSpace(delayedForCulturesReason))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["givenAt"] = ["give the time, or the reason prophylaxis is delayed for cultures"] });
        }
        if (delayedForCulturesReason is not null && !actor.IsIn([Roles.Surgeon]))
        {
            throw new DomainRuleException("role:prophylaxis-delay", "only the surgeon delays prophylaxis for cultures (S46)", forbidden: true);
        }
        var next = new Antibiotic { Agent = name, GivenUtc = givenUtc, DelayedForCulturesReason = Trim(delayedForCulturesReason), RedoseUtc = redoseUtc };
        // The Time Out's antibiotic answer rests on this record: it cannot be changed under a tick it would contradict.
        if (Ticks.FirstOrDefault(t => Checklist.Any(i => i.Id == t.ItemId && i.Evidence == ItemEvidence.ProphylaxisRecorded)) is { } tick
            && (tick.Answer == TickAnswer.Yes ? next.GivenUtc is null : next.GivenUtc is not null || next.DelayedForCulturesReason is null))
        {
            throw new DomainRuleException("attested-by-tick", $"the Time Out answered the antibiotic question '{tick.Answer}' from the recorded prophylaxis; this change would contradict it");
        }
        Prophylaxis = next;
    }

    /// <summary>Prophylaxis timing flags against the agent's window and redose interval (rule 31, [S46]).</summary>
    public IReadOnlyList<string> ProphylaxisFlags(TheatreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var flags = new List<string>();
        if (Prophylaxis is not { } p)
        {
            return At(Milestone.Incision) is null ? [] : ["no prophylaxis recorded (S46)"];
        }
        if (options.Prophylaxis.FirstOrDefault(a => a.Name == p.Agent) is not { } agent)
        {
            return [$"{p.Agent} is no longer a configured agent: its timing cannot be checked"];
        }
        if (p.GivenUtc is null)
        {
            flags.Add($"prophylaxis delayed for cultures: {p.DelayedForCulturesReason}");
            return flags;
        }
        if (At(Milestone.Incision) is { } incision)
        {
            var before = (incision - p.GivenUtc.Value).TotalMinutes;
            if (before < 0)
            {
                flags.Add($"{p.Agent} given {-before:0} min after incision (S46: within {agent.WindowMinutes} min before)");
            }
            else if (before > agent.WindowMinutes)
            {
                flags.Add($"{p.Agent} given {before:0} min before incision (S46: within {agent.WindowMinutes} min)");
            }
        }
        var end = At(Milestone.ClosureEnd);
        if (agent.RedoseMinutes is { } redose && end is { } e && (e - p.GivenUtc.Value).TotalMinutes > redose && p.RedoseUtc is null)
        {
            flags.Add($"{p.Agent}: no redose recorded though the case ran past {redose / 60} h from the first dose (S46)");
        }
        if (EstimatedBloodLossMl > options.RedoseBloodLossMl && p.RedoseUtc is null && agent.RedoseMinutes is not null)
        {
            flags.Add($"blood loss {EstimatedBloodLossMl} mL > {options.RedoseBloodLossMl} mL: consider an early redose (S46 ⚠ local trigger)");
        }
        return flags;
    }

    public Specimen AddSpecimen(SpecimenKind kind, string description, string patientLabel, CaseActor actor, DateTime nowUtc)
    {
        actor.Require("specimens", TheatreWriters.Specimens);
        RequireOpen();
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["description"] = ["required"] });
        }
        // WHO Sign Out: the label carries the patient's name (S44); it is built here, not typed.
        var specimen = new Specimen
        {
            Kind = kind, Description = description.Trim(), AtUtc = nowUtc,
            Label = $"{patientLabel} · case {CaseNumber} · {Specimens.Count + 1}: {kind} — {description.Trim()}",
        };
        Specimens.Add(specimen);
        return specimen;
    }

    public void RecordCounts(bool correct, string? discrepancy, CaseActor actor)
    {
        actor.Require("counts", TheatreWriters.Counts);
        RequireOpen();
        RequireNotAttested(ItemEvidence.CountsRecorded, "the counts");
        // The count the Sign Out confirms (S44) is the closing count of instruments, sponges and needles used in the
        // operation: it cannot be recorded before the operation started.
        if (At(Milestone.Incision) is null)
        {
            throw new DomainRuleException("sign-out-before-incision", "the counts are the Sign Out's closing counts: record the incision first");
        }
        if (!correct && string.IsNullOrWhiteSpace(discrepancy))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["discrepancy"] = ["an incorrect count needs the discrepancy documented"] });
        }
        CountsCorrect = correct;
        CountDiscrepancy = correct ? null : discrepancy!.Trim();
    }

    // ---- explant reconciliation ---------------------------------------------------------------------

    public IReadOnlyList<ExplantLine> UnaccountedPlanned => [.. Explants.Where(l => l.Planned && l.Outcome is null)];

    public sealed record Accounting(ExplantOutcome Outcome, ComponentCondition? Condition, string? Detail, bool RetrievalAnalysis, string? Disposition);

    public void Account(Guid lineId, Accounting accounting, CaseActor actor, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(accounting);
        actor.Require("reconciliation", TheatreWriters.Reconciliation);
        RequireOpen();
        RequireNotAttested(ItemEvidence.ReconciliationComplete, "the explant reconciliation");
        var line = Explants.FirstOrDefault(l => l.Id == lineId) ?? throw new NotFoundException($"reconciliation line {lineId}");
        Apply(line, accounting, actor, nowUtc);
    }

    public ExplantLine AddUnplanned(string description, string? level, string? side, Accounting accounting, CaseActor actor, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(accounting);
        actor.Require("reconciliation", TheatreWriters.Reconciliation);
        RequireOpen();
        RequireNotAttested(ItemEvidence.ReconciliationComplete, "the explant reconciliation");
        if (string.IsNullOrWhiteSpace(description))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["description"] = ["required"] });
        }
        string? parsedLevel = null;
        if (!string.IsNullOrWhiteSpace(level))
        {
            parsedLevel = LevelRange.TryParse(level, out var r) ? r.ToString()
                : throw new ValidationException(new Dictionary<string, string[]> { ["level"] = [$"'{level}' is not a level or level range"] });
        }
        var line = new ExplantLine { Id = Guid.CreateVersion7(), Planned = false, Description = description.Trim(), Level = parsedLevel, Side = Trim(side)?.ToLowerInvariant() };
        Apply(line, accounting, actor, nowUtc);
        Explants.Add(line);
        return line;
    }

    private static void Apply(ExplantLine line, Accounting a, CaseActor actor, DateTime nowUtc)
    {
        var errors = new Dictionary<string, string[]>();
        if (a.Outcome is ExplantOutcome.Retained or ExplantOutcome.NotFound && string.IsNullOrWhiteSpace(a.Detail))
        {
            errors["detail"] = [a.Outcome == ExplantOutcome.Retained ? "a retained component needs the reason" : "a component not found needs what was done to look for it"];
        }
        if (a.Outcome == ExplantOutcome.FragmentRetained && string.IsNullOrWhiteSpace(a.Detail))
        {
            errors["detail"] = ["a retained fragment needs where it is (level, side, length — S49)"];
        }
        if (a.RetrievalAnalysis && a.Outcome is not (ExplantOutcome.Removed or ExplantOutcome.FragmentRetained))
        {
            errors["retrievalAnalysis"] = ["only a removed part can go for retrieval analysis"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        line.Outcome = a.Outcome;
        line.Condition = a.Condition;
        line.Detail = Trim(a.Detail);
        line.RetrievalAnalysis = a.RetrievalAnalysis;
        line.Disposition = Trim(a.Disposition);
        line.By = actor.Name;
        line.AtUtc = nowUtc;
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /// <summary>The record closes when the patient leaves the room; later changes go in the operative note's addenda.</summary>
    public bool Closed => At(Milestone.OutOfRoom) is not null;

    private void RequireOpen()
    {
        if (Closed)
        {
            throw new DomainRuleException("record-closed", $"the intra-operative record of case {CaseNumber} closed when the patient left the room; add an addendum to the operative note");
        }
    }

    /// <summary>
    /// Evidence a Sign Out or Time Out tick attested to (counts, reconciliation, levels) does not change under the
    /// tick: the checklist would otherwise show "counts correct" over a count since recorded as wrong.
    /// </summary>
    private void RequireNotAttested(ItemEvidence evidence, string what)
    {
        if (Checklist.FirstOrDefault(i => i.Evidence == evidence) is { } item && Ticks.FirstOrDefault(t => t.ItemId == item.Id) is { } tick)
        {
            throw new DomainRuleException("attested-by-tick", $"{what} were attested by '{item.Text}' ({tick.By}, {tick.AtUtc:HH:mm} UTC) and cannot change");
        }
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

}

/// <summary>Who writes each part of the day-of-surgery record: one list, used by the aggregate and by the early check in TheatreService.</summary>
public static class TheatreWriters
{
    public static readonly string[] CheckIn = [Roles.Nurse];
    public static readonly string[] Checklist = [Roles.Nurse, Roles.Surgeon, Roles.Anesthesiologist];
    public static readonly string[] Levels = [Roles.Surgeon];
    public static readonly string[] Milestones = [Roles.Nurse, Roles.Anesthesiologist, Roles.Surgeon];
    public static readonly string[] Steps = [Roles.Surgeon, Roles.Nurse];
    public static readonly string[] Findings = [Roles.Surgeon];
    public static readonly string[] Prophylaxis = [Roles.Anesthesiologist, Roles.Surgeon];
    public static readonly string[] Specimens = [Roles.Nurse, Roles.Surgeon];
    public static readonly string[] Counts = [Roles.Nurse];
    public static readonly string[] Reconciliation = [Roles.Nurse, Roles.Surgeon];
}
