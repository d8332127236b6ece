using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Explant.Core.Scheduling;
using Explant.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Theatre;

/// <summary>
/// Day-of-surgery operations. Each loads the case and its record, applies one aggregate rule, fires the case
/// transition that goes with it (check-in, in room, out of room) and saves both together.
/// </summary>
public sealed class TheatreService(ExplantDbContext db, ReadinessService readiness, IOptions<TheatreOptions> options, Coding.CodingOptions coding, HospitalTime time)
{
    public TheatreOptions Options => options.Value;

    // The one clock (issue #12 §9): HospitalTime, like every other command.
    private DateTime Now => time.UtcNow;

    public async Task<(SurgicalCase Case, IntraOpRecord? Record)> Find(string reference, CancellationToken ct = default)
    {
        var c = await CaseHandlers.Find(db, reference, ct) ?? throw new NotFoundException($"case {reference}");
        return (c, await db.IntraOpRecords.FirstOrDefaultAsync(r => r.CaseId == c.Id, ct));
    }

    private async Task<(SurgicalCase Case, IntraOpRecord Record)> Load(string reference, long? expectedRevision, CancellationToken ct)
    {
        var (c, record) = await Find(reference, ct);
        if (record is null)
        {
            throw new DomainRuleException("record-after-check-in", $"case {c.Number} is not checked in: the day-of-surgery record starts at check-in");
        }
        if (c.State is CaseState.Scheduled or CaseState.Postponed or CaseState.Cancelled or CaseState.Decided or CaseState.Declined)
        {
            // Checked in, then postponed, cancelled or consent withdrawn: the day's record waits for a new check-in.
            throw new DomainRuleException("record-case-state", $"case {c.Number} is {c.State}: its day-of-surgery record takes no entries until it is checked in again");
        }
        Concurrency.Expect(db, record, expectedRevision, $"theatre record of case {c.Number}");
        return (c, record);
    }

    private async Task<IntraOpRecord> Change(string reference, long? expectedRevision, Action<SurgicalCase, IntraOpRecord> change, CancellationToken ct)
    {
        var (c, record) = await Load(reference, expectedRevision, ct);
        change(c, record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>
    /// Check-in (issue #7 §1): on the booked day only (hospital zone), two identifiers read from the patient's
    /// wristband must match the record (wrong-patient control), fasting and holds are confirmed against the patient's
    /// instructions, consent is valid for the current plan (the transition's guard) and readiness has no open
    /// blocking item (overrides count as resolved).
    /// </summary>
    public async Task<IntraOpRecord> CheckIn(string reference, CheckInCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("check-in", TheatreWriters.CheckIn);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var mrn = check.Text("mrn", command.Mrn, required: true);
        var birthDate = check.Date("birthDate", command.BirthDate, required: true);
        var note = check.Text("note", command.Note, InputLimits.Note);
        check.ThrowIfAny();
        var (c, existing) = await Find(reference, ct);
        if (existing is not null && c.State != CaseState.Scheduled)
        {
            throw new DomainRuleException("check-in-once", $"case {c.Number} is already checked in");
        }
        if (c.State != CaseState.Scheduled)
        {
            throw new DomainRuleException("check-in-scheduled", $"case {c.Number} is {c.State}; only a Scheduled case is checked in");
        }
        var bookedDay = await BookedDay(c, ct);
        IntraOpRecord.RequireBookedDay(c.Number, bookedDay, time.Today);
        var patient = await db.Patients.FirstAsync(p => p.Id == c.PatientId, ct);
        var mismatches = new List<string>();
        if (!string.Equals(mrn, patient.Mrn, StringComparison.OrdinalIgnoreCase)) { mismatches.Add("MRN"); }
        if (birthDate != patient.BirthDate) { mismatches.Add("date of birth"); }
        if (mismatches.Count > 0)
        {
            throw new DomainRuleException("two-identifiers", $"{string.Join(" and ", mismatches)} on the wristband do not match case {c.Number}'s patient: stop and verify identity");
        }
        if (!command.FastingConfirmed || !command.MedicationHoldsConfirmed)
        {
            throw new DomainRuleException("check-in-confirmations",
                $"confirm with the patient {(command.FastingConfirmed ? "" : "fasting ")}{(command.FastingConfirmed || command.MedicationHoldsConfirmed ? "" : "and ")}{(command.MedicationHoldsConfirmed ? "" : "medication holds")} against their instructions");
        }
        // The patient has just confirmed each hold against their instructions: a hold whose last-dose day has passed was
        // kept, so its stop is recorded (issue #12 §7) — saved only if the check-in goes through.
        var report = await readiness.Evaluate(c, patient, ct);
        var confirmed = false;
        foreach (var hold in report.Holds)
        {
            if (hold.LastDoseDate is { } lastDose && lastDose < time.Today)
            {
                confirmed |= patient.ConfirmStopped(hold.Drug, lastDose, bookedDay!.Value);
            }
        }
        if (confirmed)
        {
            // Judged again only when a stop was just recorded: the holds items are the only ones that change.
            report = await readiness.Evaluate(c, patient, ct);
        }
        if (report.OpenBlocking.Count > 0)
        {
            throw new DomainRuleException("readiness-at-check-in", $"readiness has open blocking items: {string.Join("; ", report.OpenBlocking.Select(i => i.Title))}");
        }
        IntraOpRecord record;
        if (existing is not null)
        {
            // Checked in before, postponed before entering the room, now scheduled again (RestartForNewCheckIn).
            existing.RestartForNewCheckIn("the case was postponed after check-in and scheduled again");
            record = existing;
        }
        else
        {
            var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
            var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse();
            var steps = definition?.Section(SectionHeadings.ProcedureDescription)?.AllLines.Select(l => l.Text) ?? [];
            record = IntraOpRecord.Start(c, construct, steps);
            db.IntraOpRecords.Add(record);
        }
        record.RecordCheckIn(actor, Now, note, bookedDay, time.Today);
        c.FireStep(CaseTrigger.CheckIn, actor, Now, new TransitionRequest("checked in: identity, fasting and holds confirmed"));
        await db.SaveChangesAsync(ct);
        return record;
    }

    /// <summary>
    /// The booked day: the hospital-zone date of the planned surgery, which booking sets together with the room-day.
    /// A room-day that does not hold the case on that date means the two disagree (a date changed without moving the
    /// booking); check-in is refused rather than guessing which one is true.
    /// </summary>
    private async Task<DateOnly?> BookedDay(SurgicalCase c, CancellationToken ct)
    {
        if (c.PlannedSurgeryUtc is not { } planned)
        {
            return null;
        }
        var day = time.LocalDate(planned);
        var roomDays = await db.RoomDays.AsNoTracking().Where(d => d.Date == day).ToListAsync(ct);
        if (!roomDays.Any(d => d.Bookings.Any(b => b.CaseId == c.Id)))
        {
            throw new DomainRuleException("check-in-booked-day",
                $"case {c.Number}'s planned surgery is on {day:yyyy-MM-dd} but no room booking holds it that day: fix the booking before check-in");
        }
        return day;
    }

    public Task<IntraOpRecord> Tick(string reference, long? revision, TickCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("checklist", TheatreWriters.Checklist);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var itemId = check.Text("itemId", command.ItemId, required: true);
        var note = check.Text("note", command.Note, InputLimits.Note);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.TickItem(itemId!, command.Answer ?? TickAnswer.Yes, note, actor, Now), ct);
    }

    public Task<IntraOpRecord> ConfirmLevels(string reference, long? revision, LevelsCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("levels", TheatreWriters.Levels);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var levels = check.Text("levels", command.Levels, required: true);
        var image = check.Text("image", command.Image);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.ConfirmLevels(levels!, image, actor), ct);
    }

    /// <summary>Records a milestone (now when no time is given); in room and out of room move the case along the pathway.</summary>
    public async Task<IntraOpRecord> Milestone(string reference, long? revision, MilestoneCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("milestones", TheatreWriters.Milestones);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        if (command.Milestone is null)
        {
            check.Add("milestone", $"required: one of {string.Join(", ", Enum.GetNames<Milestone>())}");
        }
        var at = RecordedTime.Parse(check, "at", command.At, time);
        check.ThrowIfAny();
        var milestone = command.Milestone!.Value;
        var (c, r) = await Load(reference, revision, ct);
        r.RecordMilestone(milestone, at ?? Now, actor, Now, options.Value);
        if (milestone == Theatre.Milestone.InRoom)
        {
            c.FireStep(CaseTrigger.EnterTheatre, actor, Now, new TransitionRequest("in room"));
        }
        else if (milestone == Theatre.Milestone.OutOfRoom)
        {
            c.FireStep(CaseTrigger.LeaveTheatre, actor, Now, new TransitionRequest("out of room"));
            // The operation's actual duration joins the history the estimates learn from, in this save (issue #17 §3).
            var construct = await db.Constructs.AsNoTracking().FirstAsync(k => k.Id == c.ConstructId, ct);
            if (Scheduling.OperationDuration.Of(c, r, construct) is { } actual)
            {
                db.OperationDurations.Add(actual);
            }
        }
        await db.SaveChangesAsync(ct);
        return r;
    }

    public Task<IntraOpRecord> Step(string reference, long? revision, StepCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("steps", TheatreWriters.Steps);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        if (command.Index is null)
        {
            check.Add("index", "required");
        }
        var note = check.Text("note", command.Note, InputLimits.Note);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.RecordStep(command.Index!.Value, command.Done, note, actor), ct);
    }

    public Task<IntraOpRecord> Findings(string reference, long? revision, FindingsCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("findings", TheatreWriters.Findings);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var fusion = command.Fusion ?? [];
        for (var i = 0; i < fusion.Count; i++)
        {
            check.Text($"fusion[{i}].range", fusion[i].Range, required: true);
            if (fusion[i].Status is null)
            {
                check.Add($"fusion[{i}].status", $"required: one of {string.Join(", ", Enum.GetNames<FusionStatus>())}");
            }
        }
        check.Range("estimatedBloodLossMl", command.EstimatedBloodLossMl, Plausible.BloodLossMl);
        if (command.EstimatedBloodLossMl is { } ebl && ebl != decimal.Truncate(ebl))
        {
            check.Add("estimatedBloodLossMl", "a whole number of mL");
        }
        var note = check.Text("note", command.Note, InputLimits.Note);
        check.ThrowIfAny();
        var findings = new IntraOpRecord.Findings([.. fusion.Select(f => new IntraOpFusion { Range = f.Range!.Trim(), Status = f.Status!.Value })],
            command.Loosening, command.Breakage, command.InfectionSigns, command.DuralTear, (int?)command.EstimatedBloodLossMl, note);
        return Change(reference, revision, (c, r) => r.RecordFindings(findings, actor), ct);
    }

    public Task<IntraOpRecord> Prophylaxis(string reference, long? revision, ProphylaxisCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("prophylaxis", TheatreWriters.Prophylaxis);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var agent = check.Text("agent", command.Agent, required: true);
        var given = RecordedTime.Parse(check, "givenAt", command.GivenAt, time);
        var redose = RecordedTime.Parse(check, "redoseAt", command.RedoseAt, time);
        var reason = check.Text("delayedForCulturesReason", command.DelayedForCulturesReason, InputLimits.Note);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.RecordProphylaxis(agent!, given, reason, redose, actor, Now, options.Value), ct);
    }

    public async Task<IntraOpRecord> Specimen(string reference, long? revision, SpecimenCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("specimens", TheatreWriters.Specimens);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        if (command.Kind is null)
        {
            check.Add("kind", $"required: one of {string.Join(", ", Enum.GetNames<SpecimenKind>())}");
        }
        var description = check.Text("description", command.Description, required: true);
        check.ThrowIfAny();
        var (c, r) = await Load(reference, revision, ct);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        r.AddSpecimen(command.Kind!.Value, description!, $"{patient.DisplayName} MRN {patient.Mrn}", actor, Now);
        await db.SaveChangesAsync(ct);
        return r;
    }

    public Task<IntraOpRecord> Counts(string reference, long? revision, CountsCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("counts", TheatreWriters.Counts);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        if (command.Correct is null)
        {
            check.Add("correct", "required");
        }
        var discrepancy = check.Text("discrepancy", command.Discrepancy, InputLimits.Note);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.RecordCounts(command.Correct!.Value, discrepancy, actor), ct);
    }

    private static IntraOpRecord.Accounting Accounting(Check check, ExplantOutcome? outcome, ComponentCondition? condition, string? detail, bool retrieval, string? disposition)
    {
        if (outcome is null)
        {
            check.Add("outcome", $"required: one of {string.Join(", ", Enum.GetNames<ExplantOutcome>())}");
        }
        return new(outcome ?? default, condition, check.Text("detail", detail, InputLimits.Note), retrieval, check.Text("disposition", disposition));
    }

    public Task<IntraOpRecord> Account(string reference, long? revision, AccountCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("reconciliation", TheatreWriters.Reconciliation);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        if (command.LineId is null)
        {
            check.Add("lineId", "required");
        }
        var accounting = Accounting(check, command.Outcome, command.Condition, command.Detail, command.RetrievalAnalysis, command.Disposition);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.Account(command.LineId!.Value, accounting, actor, Now), ct);
    }

    public Task<IntraOpRecord> AddUnplanned(string reference, long? revision, UnplannedCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("reconciliation", TheatreWriters.Reconciliation);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var description = check.Text("description", command.Description, required: true);
        var level = check.Text("level", command.Level);
        var side = check.Text("side", command.Side);
        var accounting = Accounting(check, command.Outcome, command.Condition, command.Detail, command.RetrievalAnalysis, command.Disposition);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.AddUnplanned(description!, level, side, accounting, actor, Now), ct);
    }

    // ---- operative note -----------------------------------------------------------------------------

    public async Task<OperativeNote?> Note(SurgicalCase c, CancellationToken ct = default) =>
        await db.OperativeNotes.FirstOrDefaultAsync(n => n.CaseId == c.Id, ct);

    /// <summary>Generates the draft (or regenerates an unsigned one) from the record.</summary>
    public async Task<OperativeNote> GenerateNote(string reference, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // The draft is the surgeon's document: refused for other roles before anything is read or built.
        if (!actor.IsIn([Auth.Roles.Surgeon]))
        {
            throw new DomainRuleException("role:note", "the operative note is written by a surgeon", forbidden: true);
        }
        var (c, record) = await Load(reference, null, ct);
        if (record.At(Theatre.Milestone.Incision) is null)
        {
            throw new DomainRuleException("note-after-incision", "the operative note is drafted once the operation has started (incision recorded)");
        }
        var sections = await OperativeNoteDraft.Build(db, c, record, options.Value, coding, time, ct);
        var note = await Note(c, ct);
        if (note is null)
        {
            note = OperativeNote.Draft(c, sections, Now);
            db.OperativeNotes.Add(note);
        }
        else
        {
            note.Regenerate(sections, actor, Now);
        }
        await db.SaveChangesAsync(ct);
        return note;
    }

    private async Task<OperativeNote> ChangeNote(string reference, long? revision, Action<SurgicalCase, OperativeNote, IntraOpRecord> change, CancellationToken ct)
    {
        var (c, record) = await Load(reference, null, ct);
        var note = await Note(c, ct) ?? throw new NotFoundException($"operative note of case {c.Number}");
        Concurrency.Expect(db, note, revision, $"operative note of case {c.Number}");
        change(c, note, record);
        await db.SaveChangesAsync(ct);
        return note;
    }

    public Task<OperativeNote> EditNote(string reference, long? revision, NoteSectionCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("note", Auth.Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var key = check.Text("key", command.Key, required: true);
        var text = check.Text("text", command.Text, InputLimits.LongText);
        check.ThrowIfAny();
        return ChangeNote(reference, revision, (c, n, r) => n.Edit(key!, text ?? "", actor), ct);
    }

    /// <summary>Saves every edited section of the draft in one change (one revision, one audit entry per section changed).</summary>
    public Task<OperativeNote> EditNoteSections(string reference, long? revision, NoteSectionsCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("note", Auth.Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        if (command.Sections is not { Count: > 0 })
        {
            check.Add("sections", "no section was sent");
        }
        foreach (var (key, value) in command.Sections ?? new Dictionary<string, string?>())
        {
            sections[key] = check.Text($"sections.{key}", value, InputLimits.LongText) ?? "";
        }
        check.ThrowIfAny();
        return ChangeNote(reference, revision, (c, n, r) => n.EditAll(sections, actor), ct);
    }

    public Task<OperativeNote> SignNote(string reference, long? revision, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("note", Auth.Roles.Surgeon);
        return ChangeNote(reference, revision, (c, n, r) => n.Sign(actor, Now, r.Closed, c.Surgeon), ct);
    }

    public Task<OperativeNote> AddAddendum(string reference, long? revision, AddendumCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a role that may not write this learns nothing about the record (issue "Pathway integrity" §5).
        actor.Require("addendum", Auth.Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(command);
        var check = new Check();
        var text = check.Text("text", command.Text, InputLimits.LongText, required: true);
        check.ThrowIfAny();
        return ChangeNote(reference, revision, (c, n, r) => n.AddAddendum(text!, actor, Now), ct);
    }

    /// <summary>Today's bookings in a room with each case's theatre progress, for the theatre screen.</summary>
    public async Task<IReadOnlyList<(Booking Booking, SurgicalCase Case, IntraOpRecord? Record)>> RoomDay(string roomId, DateOnly date, CancellationToken ct = default)
    {
        // The day, then its cases and their records in one query each, whatever the number of bookings (issue #17 §3).
        var day = await db.RoomDays.AsNoTracking().FirstOrDefaultAsync(r => r.RoomId == roomId && r.Date == date, ct);
        var bookings = day?.Bookings.OrderBy(b => b.Start).ToList() ?? [];
        if (bookings.Count == 0)
        {
            return [];
        }
        var ids = bookings.Select(b => b.CaseId).Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var records = (await db.IntraOpRecords.AsNoTracking().Where(r => ids.Contains(r.CaseId)).ToListAsync(ct))
            .GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => g.First());
        return [.. bookings.Select(b => (b, cases[b.CaseId], records.GetValueOrDefault(b.CaseId)))];
    }
}
