using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Explant.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Theatre;

/// <summary>
/// Day-of-surgery operations. Each loads the case and its record, applies one aggregate rule, fires the case
/// transition that goes with it (check-in, in room, out of room) and saves both together.
/// </summary>
public sealed class TheatreService(ExplantDbContext db, ReadinessService readiness, IOptions<TheatreOptions> options, Coding.CodingOptions coding, HospitalTime time, TimeProvider clock)
{
    public TheatreOptions Options => options.Value;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

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

    public sealed record CheckInCommand(string Mrn, DateOnly BirthDate, bool FastingConfirmed, bool MedicationHoldsConfirmed, string? Note);

    /// <summary>
    /// Check-in (issue #7 §1): two identifiers read from the patient's wristband must match the record (wrong-patient
    /// control), fasting and holds are confirmed against the patient's instructions, consent is valid for the current
    /// plan (the transition's guard) and readiness has no open blocking item (overrides count as resolved).
    /// </summary>
    public async Task<IntraOpRecord> CheckIn(string reference, CheckInCommand command, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (c, existing) = await Find(reference, ct);
        if (existing is not null && c.State != CaseState.Scheduled)
        {
            throw new DomainRuleException("check-in-once", $"case {c.Number} is already checked in");
        }
        if (c.State != CaseState.Scheduled)
        {
            throw new DomainRuleException("check-in-scheduled", $"case {c.Number} is {c.State}; only a Scheduled case is checked in");
        }
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var mismatches = new List<string>();
        if (!string.Equals(command.Mrn?.Trim(), patient.Mrn, StringComparison.OrdinalIgnoreCase)) { mismatches.Add("MRN"); }
        if (command.BirthDate != patient.BirthDate) { mismatches.Add("date of birth"); }
        if (mismatches.Count > 0)
        {
            throw new DomainRuleException("two-identifiers", $"{string.Join(" and ", mismatches)} on the wristband do not match case {c.Number}'s patient: stop and verify identity");
        }
        if (!command.FastingConfirmed || !command.MedicationHoldsConfirmed)
        {
            throw new DomainRuleException("check-in-confirmations",
                $"confirm with the patient {(command.FastingConfirmed ? "" : "fasting ")}{(command.FastingConfirmed || command.MedicationHoldsConfirmed ? "" : "and ")}{(command.MedicationHoldsConfirmed ? "" : "medication holds")} against their instructions");
        }
        var report = await readiness.Evaluate(c, ct);
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
        record.RecordCheckIn(actor, Now, command.Note);
        c.FireStep(CaseTrigger.CheckIn, actor, Now, new TransitionRequest("checked in: identity, fasting and holds confirmed"));
        await db.SaveChangesAsync(ct);
        return record;
    }

    public Task<IntraOpRecord> Tick(string reference, long? revision, string itemId, TickAnswer answer, string? note, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.TickItem(itemId, answer, note, actor, Now), ct);

    public Task<IntraOpRecord> ConfirmLevels(string reference, long? revision, string levels, string? image, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.ConfirmLevels(levels, image, actor), ct);

    /// <summary>Records a milestone (now when no time is given); in room and out of room move the case along the pathway.</summary>
    public Task<IntraOpRecord> Milestone(string reference, long? revision, Milestone milestone, DateTime? atUtc, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) =>
        {
            r.RecordMilestone(milestone, atUtc ?? Now, actor, Now, options.Value);
            if (milestone == Theatre.Milestone.InRoom)
            {
                c.FireStep(CaseTrigger.EnterTheatre, actor, Now, new TransitionRequest("in room"));
            }
            else if (milestone == Theatre.Milestone.OutOfRoom)
            {
                c.FireStep(CaseTrigger.LeaveTheatre, actor, Now, new TransitionRequest("out of room"));
            }
        }, ct);

    public Task<IntraOpRecord> Step(string reference, long? revision, int index, bool done, string? note, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.RecordStep(index, done, note, actor), ct);

    public Task<IntraOpRecord> Findings(string reference, long? revision, IntraOpRecord.Findings findings, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.RecordFindings(findings, actor), ct);

    public Task<IntraOpRecord> Prophylaxis(string reference, long? revision, string agent, DateTime? givenUtc, string? delayReason, DateTime? redoseUtc, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.RecordProphylaxis(agent, givenUtc, delayReason, redoseUtc, actor, options.Value), ct);

    public async Task<IntraOpRecord> Specimen(string reference, long? revision, SpecimenKind kind, string description, CaseActor actor, CancellationToken ct = default)
    {
        var (c, r) = await Load(reference, revision, ct);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        r.AddSpecimen(kind, description, $"{patient.DisplayName} MRN {patient.Mrn}", actor, Now);
        await db.SaveChangesAsync(ct);
        return r;
    }

    public Task<IntraOpRecord> Counts(string reference, long? revision, bool correct, string? discrepancy, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.RecordCounts(correct, discrepancy, actor), ct);

    public Task<IntraOpRecord> Account(string reference, long? revision, Guid lineId, IntraOpRecord.Accounting accounting, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.Account(lineId, accounting, actor, Now), ct);

    public Task<IntraOpRecord> AddUnplanned(string reference, long? revision, string description, string? level, string? side, IntraOpRecord.Accounting accounting, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.AddUnplanned(description, level, side, accounting, actor, Now), ct);

    // ---- operative note -----------------------------------------------------------------------------

    public async Task<OperativeNote?> Note(SurgicalCase c, CancellationToken ct = default) =>
        await db.OperativeNotes.FirstOrDefaultAsync(n => n.CaseId == c.Id, ct);

    /// <summary>Generates the draft (or regenerates an unsigned one) from the record.</summary>
    public async Task<OperativeNote> GenerateNote(string reference, CaseActor actor, CancellationToken ct = default)
    {
        var (c, record) = await Load(reference, null, ct);
        if (record.At(Theatre.Milestone.Incision) is null)
        {
            throw new DomainRuleException("note-after-incision", "the operative note is drafted once the operation has started (incision recorded)");
        }
        var sections = await OperativeNoteDraft.Build(db, c, record, options.Value, coding, time, ct);
        var note = await Note(c, ct);
        if (note is null)
        {
            if (!actor.IsIn([Auth.Roles.Surgeon]))
            {
                throw new DomainRuleException("role:note", "the operative note is written by a surgeon", forbidden: true);
            }
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

    private async Task<OperativeNote> ChangeNote(string reference, long? revision, Action<OperativeNote, IntraOpRecord> change, CancellationToken ct)
    {
        var (c, record) = await Load(reference, null, ct);
        var note = await Note(c, ct) ?? throw new NotFoundException($"operative note of case {c.Number}");
        Concurrency.Expect(db, note, revision, $"operative note of case {c.Number}");
        change(note, record);
        await db.SaveChangesAsync(ct);
        return note;
    }

    public Task<OperativeNote> EditNote(string reference, long? revision, string key, string text, CaseActor actor, CancellationToken ct = default) =>
        ChangeNote(reference, revision, (n, r) => n.Edit(key, text, actor), ct);

    public Task<OperativeNote> SignNote(string reference, long? revision, CaseActor actor, CancellationToken ct = default) =>
        ChangeNote(reference, revision, (n, r) => n.Sign(actor, Now, r.Closed), ct);

    public Task<OperativeNote> AddAddendum(string reference, long? revision, string text, CaseActor actor, CancellationToken ct = default) =>
        ChangeNote(reference, revision, (n, r) => n.AddAddendum(text, actor, Now), ct);

    /// <summary>Today's bookings in a room with each case's theatre progress, for the theatre screen.</summary>
    public async Task<IReadOnlyList<(Booking Booking, SurgicalCase Case, IntraOpRecord? Record)>> RoomDay(string roomId, DateOnly date, CancellationToken ct = default)
    {
        var day = await db.RoomDays.AsNoTracking().FirstOrDefaultAsync(r => r.RoomId == roomId && r.Date == date, ct);
        var result = new List<(Booking, SurgicalCase, IntraOpRecord?)>();
        foreach (var b in day?.Bookings.OrderBy(b => b.Start) ?? Enumerable.Empty<Booking>())
        {
            var c = await db.Cases.AsNoTracking().FirstAsync(x => x.Id == b.CaseId, ct);
            result.Add((b, c, await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct)));
        }
        return result;
    }
}
