using Explant.Core.Cases;
using Explant.Core.Coding;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Procedures;
using Explant.Core.Theatre;
using Explant.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Recovery;

/// <summary>
/// Recovery, discharge, follow-up, PROMs and complications. Each public write is the one command for it (issue #12
/// §3): role check, parsing of the shared input record, defaults, validation, the aggregate's rule, the case
/// transition and the save — the JSON endpoint and the form post only bind the input and render the result.
/// "Today" and "now" come from <see cref="HospitalTime"/> only.
/// </summary>
public sealed class RecoveryService(ExplantDbContext db, IOptions<RecoveryOptions> options, IOptions<OutcomeOptions> outcomes, CodingOptions coding,
    HospitalTime time)
{
    public RecoveryOptions Options => options.Value;
    public OutcomeOptions Outcomes => outcomes.Value;
    private DateTime Now => time.UtcNow;
    public DateOnly Today => time.Today;

    // Who may write what (the table in docs/notes-recovery.md). Reads are open to all staff (policy Staff).
    private static readonly string[] WardRoles = [Auth.Roles.Nurse, Auth.Roles.Surgeon];
    private static readonly string[] ComplicationRoles = [Auth.Roles.Surgeon, Auth.Roles.Nurse, Auth.Roles.Anesthesiologist];

    public async Task<(SurgicalCase Case, RecoveryRecord? Record)> Find(string reference, CancellationToken ct = default)
    {
        var c = await CaseHandlers.Find(db, reference, ct) ?? throw new NotFoundException($"case {reference}");
        return (c, await db.RecoveryRecords.FirstOrDefaultAsync(r => r.CaseId == c.Id, ct));
    }

    /// <summary>The recovery record, opened when the patient left the theatre (the case is Recovering).</summary>
    private async Task<(SurgicalCase Case, RecoveryRecord Record)> Load(string reference, long? revision, CancellationToken ct)
    {
        var (c, record) = await Find(reference, ct);
        if (record is null)
        {
            if (c.State != CaseState.Recovering)
            {
                throw new DomainRuleException("recovery-after-theatre", $"case {c.Number} is {c.State}: recovery starts when the patient leaves the theatre");
            }
            var theatre = await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
            var surgery = SurgeryDate(c, theatre)
                ?? throw new DomainRuleException("recovery-after-theatre", $"case {c.Number} has no day-of-surgery times and no planned surgery date");
            var stay = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse().Facts.StayDays;
            record = RecoveryRecord.Start(c, surgery, stay?.Min, stay?.Max);
            db.RecoveryRecords.Add(record);
        }
        Concurrency.Expect(db, record, revision, $"recovery record of case {c.Number}");
        return (c, record);
    }

    private async Task<RecoveryRecord> Change(string reference, long? revision, Action<SurgicalCase, RecoveryRecord> change, CancellationToken ct)
    {
        var (c, r) = await Load(reference, revision, ct);
        change(c, r);
        await db.SaveChangesAsync(ct);
        return r;
    }

    public Task<RecoveryRecord> Open(string reference, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(WardRoles))
        {
            throw new DomainRuleException("role:recovery", "the recovery record is opened by a nurse or surgeon", forbidden: true);
        }
        return Change(reference, null, (c, r) => { }, ct);
    }

    public Task<RecoveryRecord> Tick(string reference, long? revision, CriterionInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("discharge", WardRoles);
        var check = new Check();
        var criterion = check.Text("criterion", input.Criterion, InputLimits.ShortText, required: true);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.TickCriterion(criterion!, options.Value, actor, Now), ct);
    }

    /// <summary>Discharge moves the case to Discharged and straight on to FollowUp with the generated plan.</summary>
    /// <remarks>
    /// The date defaults to today and must lie between the day of surgery and today (checked in the aggregate).
    /// The baseline PROM is taken before surgery, when no recovery record (and so no plan) exists yet; the plan's
    /// baseline point is marked done here from the stored response, or the plan could never be complete.
    /// </remarks>
    public async Task<RecoveryRecord> Discharge(string reference, long? revision, DischargeInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("discharge", WardRoles);
        var check = new Check();
        var date = RecoveryParse.Date(check, "date", input.Date);
        var command = new RecoveryRecord.DischargeCommand(date ?? Today,
            check.Text("woundCare", input.WoundCare, InputLimits.Note), check.Text("activityLimits", input.ActivityLimits, InputLimits.Note),
            check.Text("painPlan", input.PainPlan, InputLimits.Note), input.PhysioReferral ?? false);
        check.ThrowIfAny();

        var (c, r) = await Load(reference, revision, ct);
        r.DischargePatient(command, options.Value, outcomes.Value.FollowUp, actor, Today);
        c.FireStep(CaseTrigger.Discharge, actor, Now, new TransitionRequest($"discharged {command.Date:yyyy-MM-dd}"));
        c.FireStep(CaseTrigger.StartFollowUp, actor, Now, new TransitionRequest("follow-up plan generated at discharge"));
        var baseline = await db.PromResponses.AsNoTracking().Where(p => p.CaseId == c.Id && p.TimePoint == Baseline).Select(p => (DateOnly?)p.CollectedOn).FirstOrDefaultAsync(ct);
        if (baseline is { } on)
        {
            r.MarkPromPointDone(Baseline, on);
        }
        await db.SaveChangesAsync(ct);
        return r;
    }

    /// <summary>A follow-up visit of the plan; the date defaults to today and must lie between the surgery and today.</summary>
    public Task<RecoveryRecord> Visit(string reference, long? revision, VisitInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("visit", WardRoles);
        var check = new Check();
        var code = check.Text("code", input.Code, InputLimits.ShortText, required: true);
        var date = RecoveryParse.Date(check, "date", input.Date);
        var wound = RecoveryParse.Enum<WoundStatus>(check, "wound", input.Wound, required: true);
        var neurology = RecoveryParse.Enum<NeurologyStatus>(check, "neurology", input.Neurology, required: true);
        var imaging = check.Text("imaging", input.Imaging, InputLimits.Note);
        var note = check.Text("note", input.Note, InputLimits.Note);
        check.ThrowIfAny();
        var command = new RecoveryRecord.VisitCommand(code!, date ?? Today, wound!.Value, neurology!.Value, imaging, note);
        return Change(reference, revision, (c, r) => r.RecordVisit(command, actor, Today), ct);
    }

    /// <summary>A follow-up contact that failed; the date defaults to today and must lie between the surgery and today.</summary>
    public Task<RecoveryRecord> Missed(string reference, long? revision, MissedContactInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("follow-up", WardRoles);
        var check = new Check();
        var date = RecoveryParse.Date(check, "date", input.Date);
        var note = check.Text("note", input.Note, InputLimits.Note);
        check.ThrowIfAny();
        return Change(reference, revision, (c, r) => r.RecordMissedContact(date ?? Today, note, options.Value, actor, Today), ct);
    }

    public Task<RecoveryRecord> Close(string reference, long? revision, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("close", Auth.Roles.Surgeon);
        return Change(reference, revision, (c, r) =>
        {
            r.Close(options.Value, actor);
            c.FireStep(CaseTrigger.Close, actor, Now, new TransitionRequest(r.ClosedReason));
        }, ct);
    }

    // ---- PROMs ---------------------------------------------------------------------------------------

    public const string Baseline = "baseline";

    /// <summary>
    /// A PROM taken in clinic, collected today: the baseline before the operation, or a PROM point of the case's plan
    /// inside its window. Recorded by a nurse or surgeon (patients answer through their link).
    /// </summary>
    public async Task<PromResponse> RecordProm(string reference, PromInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(WardRoles))
        {
            throw new DomainRuleException("role:prom", "PROMs are recorded by a nurse or surgeon (patients use their link)", forbidden: true);
        }
        var check = new Check();
        var timePoint = check.Text("timePoint", input.TimePoint, InputLimits.ShortText, required: true);
        check.ThrowIfAny();
        var (c, record) = await Find(reference, ct);
        var response = await AddProm(c, record, timePoint!, input.Answers, PromSource.Clinic, actor.Name, ct);
        await db.SaveChangesAsync(ct);
        return response;
    }

    private async Task<PromResponse> AddProm(SurgicalCase c, RecoveryRecord? record, string timePoint, PromAnswers answers, PromSource source, string recordedBy,
        CancellationToken ct)
    {
        await RequireOpenPromPoint(c, record, timePoint, Today, ct);
        var response = PromResponse.Record(c.Id, timePoint, Today, answers.BackPain, answers.LegPain,
            answers.Odi ?? [.. Enumerable.Repeat<int?>(null, Explant.Core.Outcomes.Odi.SectionCount)], outcomes.Value.Odi, source, recordedBy);
        if (timePoint != Baseline)
        {
            record!.RecordPromPoint(timePoint, Today);
        }
        db.PromResponses.Add(response);
        return response;
    }

    /// <summary>
    /// A PROM may be taken at baseline (before the operation: the case has not entered the theatre) or at a PROM point
    /// of the plan on a day inside that point's window, once each.
    /// </summary>
    private async Task RequireOpenPromPoint(SurgicalCase c, RecoveryRecord? record, string timePoint, DateOnly on, CancellationToken ct)
    {
        if (timePoint == Baseline)
        {
            if (c.State is CaseState.InTheatre or CaseState.Recovering or CaseState.Discharged or CaseState.FollowUp or CaseState.Closed)
            {
                throw new DomainRuleException("baseline-before-surgery", "a baseline PROM is collected before the operation");
            }
        }
        else if (record is null || record.Plan.All(p => p.Code != timePoint || p.Proms.Count == 0))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["timePoint"] = [$"'{timePoint}' is not a PROM point of case {c.Number}'s plan (baseline, or one generated at discharge)"] });
        }
        else
        {
            record.RequirePromWindow(timePoint, on);
        }
        if (await db.PromResponses.AnyAsync(p => p.CaseId == c.Id && p.TimePoint == timePoint, ct))
        {
            throw new DomainRuleException("prom-once", $"case {c.Number} already has a {timePoint} PROM");
        }
    }

    /// <summary>
    /// Issues a one-time link for a PROM point whose window is open today. The link expires after its lifetime or at
    /// the end of the point's window, whichever comes first, so a patient cannot answer a closed point.
    /// </summary>
    public async Task<string> IssueLink(string reference, LinkInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(WardRoles))
        {
            throw new DomainRuleException("role:prom-link", "PROM links are issued by a nurse or surgeon", forbidden: true);
        }
        var check = new Check();
        var timePoint = check.Text("timePoint", input.TimePoint, InputLimits.ShortText, required: true);
        check.ThrowIfAny();
        var (c, record) = await Find(reference, ct);
        // Refused now rather than when the patient submits: the same checks as recording the answers.
        await RequireOpenPromPoint(c, record, timePoint!, Today, ct);
        var lifetime = TimeSpan.FromDays(outcomes.Value.LinkLifetimeDays);
        if (timePoint != Baseline)
        {
            // Midnight at the end of the window's last day, in the hospital's zone.
            var windowEnd = time.ToUtc(record!.Plan.First(p => p.Code == timePoint).LateAfter.AddDays(1), TimeOnly.MinValue);
            lifetime = windowEnd - Now < lifetime ? windowEnd - Now : lifetime;
        }
        var (link, token) = PromLink.Issue(c.Id, timePoint!, Now, lifetime);
        db.PromLinks.Add(link);
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<PromLink> OpenLink(string token, CancellationToken ct = default)
    {
        var link = await db.PromLinks.AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == PromLink.Hash(token), ct) ?? throw new NotFoundException("link");
        if (link.UsedUtc is not null || Now > link.ExpiresUtc)
        {
            throw new DomainRuleException(link.UsedUtc is not null ? "link-used" : "link-expired", "this link can no longer be used; ask the clinic for a new one");
        }
        return link;
    }

    /// <summary>
    /// The patient's answers through a one-time link (anonymous: the token is the credential). The link and the
    /// response save together, after the same checks as in clinic (window, once) on the day of answering.
    /// </summary>
    public async Task AnswerByLink(string token, PromAnswers answers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var link = await db.PromLinks.FirstOrDefaultAsync(l => l.TokenHash == PromLink.Hash(token), ct) ?? throw new NotFoundException("link");
        link.Use(Now);
        var c = await db.Cases.FirstAsync(x => x.Id == link.CaseId, ct);
        var record = await db.RecoveryRecords.FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
        await AddProm(c, record, link.TimePoint, answers, PromSource.PatientLink, "patient (link)", ct);
        await db.SaveChangesAsync(ct);
    }

    public sealed record PromChange(string TimePoint, DateOnly CollectedOn, int? BackPain, int? LegPain, decimal? Odi,
        McidResult? BackMcid, McidResult? LegMcid, McidResult? OdiMcid);

    /// <summary>Each response with its change from baseline against the MCID (rule 39, [S59]).</summary>
    public async Task<IReadOnlyList<PromChange>> Trajectory(SurgicalCase c, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(c);
        var all = (await db.PromResponses.AsNoTracking().Where(p => p.CaseId == c.Id).ToListAsync(ct)).OrderBy(p => p.CollectedOn).ThenBy(p => p.Id).ToList();
        var baseline = all.FirstOrDefault(p => p.TimePoint == Baseline);
        McidResult? Nrs(int? b, int? f) => b is { } bv && f is { } fv ? Mcid.ForNrs(NrsScore.Create(bv), NrsScore.Create(fv), outcomes.Value.Mcid) : null;
        return [.. all.Select(p => new PromChange(p.TimePoint, p.CollectedOn, p.BackPain, p.LegPain, p.OdiScore,
            p == baseline ? null : Nrs(baseline?.BackPain, p.BackPain),
            p == baseline ? null : Nrs(baseline?.LegPain, p.LegPain),
            p != baseline && baseline?.OdiScore is { } bo && p.OdiScore is { } fo ? Mcid.ForOdi(bo, fo, outcomes.Value.Mcid) : null))];
    }

    // ---- complications -------------------------------------------------------------------------------

    /// <summary>A complication of an operated case, dated between the day of surgery and today (no default date).</summary>
    public async Task<Complication> RecordComplication(string reference, ComplicationInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(ComplicationRoles))
        {
            throw new DomainRuleException("role:complication", "complications are recorded by clinicians", forbidden: true);
        }
        var check = new Check();
        var key = check.Text("key", input.Key, InputLimits.ShortText, required: true);
        var occurredOn = RecoveryParse.Date(check, "occurredOn", input.OccurredOn);
        if (occurredOn is null && string.IsNullOrWhiteSpace(input.OccurredOn))
        {
            check.Add("occurredOn", "required (YYYY-MM-DD)");
        }
        ClavienDindo? grade = null;
        if (check.Text("grade", input.Grade, InputLimits.ShortText, required: true) is { } g)
        {
            if (ClavienDindo.TryParse(g, out var parsed, out var error))
            {
                grade = parsed;
            }
            else
            {
                check.Add("grade", error ?? "not a Clavien–Dindo grade");
            }
        }
        var depth = RecoveryParse.Enum<SsiDepth>(check, "ssiDepth", input.SsiDepth, required: false);
        var description = check.Text("description", input.Description, InputLimits.Note);
        check.ThrowIfAny();

        var (c, _) = await Find(reference, ct);
        var theatre = await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
        if (theatre?.At(Milestone.InRoom) is null)
        {
            throw new DomainRuleException("complication-after-surgery", $"case {c.Number} has not been operated on");
        }
        var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse();
        var complication = Complication.Record(c, definition?.Facts.Risks.Select(r => r.Key) ?? [], key!, occurredOn!.Value, grade!.Value, depth,
            description ?? "", OperatedOn(theatre)!.Value, Today, actor);
        db.Complications.Add(complication);
        await db.SaveChangesAsync(ct);
        return complication;
    }

    /// <summary>The local date of the operation from the day-of-surgery record: in-room, else out-of-room time.</summary>
    private DateOnly? OperatedOn(IntraOpRecord? theatre) =>
        (theatre?.At(Milestone.InRoom) ?? theatre?.At(Milestone.OutOfRoom)) is { } utc ? time.LocalDate(utc) : null;

    /// <summary>The operation's date (day-of-surgery record), else the case's planned surgery date; null when neither exists.</summary>
    public DateOnly? SurgeryDate(SurgicalCase c, IntraOpRecord? theatre)
    {
        ArgumentNullException.ThrowIfNull(c);
        return OperatedOn(theatre) ?? (c.PlannedSurgeryUtc is { } planned ? time.LocalDate(planned) : null);
    }

    /// <summary>
    /// For display next to a day-of-surgery record (global period, SSI window): the operation's date, else the
    /// check-in date (check-in happens on the booked day), else today. Rules use <see cref="SurgeryDate(SurgicalCase, IntraOpRecord?)"/>.
    /// </summary>
    public DateOnly SurgeryDate(IntraOpRecord theatre)
    {
        ArgumentNullException.ThrowIfNull(theatre);
        return OperatedOn(theatre) ?? (theatre.CheckedInUtc is { } u ? time.LocalDate(u) : Today);
    }

    public string? GlobalPeriod(SurgicalCase c) => coding.GlobalPeriods.GetValueOrDefault((c ?? throw new ArgumentNullException(nameof(c))).ProcedureCode);
}

/// <summary>Outcome settings in one place: ODI scoring, MCID, SSI windows, the follow-up plan and PROM links.</summary>
public sealed class OutcomeOptions
{
    public OdiScoringOptions Odi { get; set; } = new();
    public McidOptions Mcid { get; set; } = new();
    public SsiSurveillanceOptions Ssi { get; set; } = new();
    public FollowUpOptions FollowUp { get; set; } = new();

    /// <summary>How long a patient's PROM link stays valid (local choice).</summary>
    public int LinkLifetimeDays { get; set; } = 14;
}
