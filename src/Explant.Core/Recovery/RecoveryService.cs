using Explant.Core.Cases;
using Explant.Core.Coding;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Procedures;
using Explant.Core.Theatre;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Recovery;

/// <summary>Recovery, discharge, follow-up, PROMs and complications: load, apply the aggregate's rule, fire the case transition, save.</summary>
public sealed class RecoveryService(ExplantDbContext db, IOptions<RecoveryOptions> options, IOptions<OutcomeOptions> outcomes, CodingOptions coding,
    HospitalTime time, TimeProvider clock)
{
    public RecoveryOptions Options => options.Value;
    public OutcomeOptions Outcomes => outcomes.Value;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    public DateOnly Today => DateOnly.FromDateTime(time.ToLocal(Now));

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
            var theatre = await db.IntraOpRecords.AsNoTracking().FirstAsync(r => r.CaseId == c.Id, ct);
            var surgery = DateOnly.FromDateTime(time.ToLocal(theatre.At(Milestone.InRoom) ?? Now));
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
        if (!actor.IsIn([Auth.Roles.Nurse, Auth.Roles.Surgeon]))
        {
            throw new DomainRuleException("role:recovery", "the recovery record is opened by a nurse or surgeon", forbidden: true);
        }
        return Change(reference, null, (c, r) => { }, ct);
    }

    // Discharge and visits are documented as they happen: a date after today is a typing error, not a plan.
    private void NotFuture(DateOnly date, string field)
    {
        if (date > Today)
        {
            throw new ValidationException(new Dictionary<string, string[]> { [field] = [$"{date:yyyy-MM-dd} is in the future"] });
        }
    }

    public Task<RecoveryRecord> Tick(string reference, long? revision, string criterion, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.TickCriterion(criterion, options.Value, actor, Now), ct);

    /// <summary>Discharge moves the case to Discharged and straight on to FollowUp with the generated plan.</summary>
    /// <remarks>
    /// The baseline PROM is taken before surgery, when no recovery record (and so no plan) exists yet; the plan's
    /// baseline point is marked done here from the stored response, or the plan could never be complete.
    /// </remarks>
    public async Task<RecoveryRecord> Discharge(string reference, long? revision, RecoveryRecord.DischargeCommand command, CaseActor actor, CancellationToken ct = default)
    {
        var (c, r) = await Load(reference, revision, ct);
        r.DischargePatient(command, options.Value, outcomes.Value.FollowUp, actor);
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

    public Task<RecoveryRecord> Visit(string reference, long? revision, RecoveryRecord.VisitCommand command, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) =>
        {
            NotFuture((command ?? throw new ArgumentNullException(nameof(command))).Date, "date");
            r.RecordVisit(command, actor);
        }, ct);

    public Task<RecoveryRecord> Missed(string reference, long? revision, DateOnly date, string note, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) => r.RecordMissedContact(date, note, options.Value, actor), ct);

    public Task<RecoveryRecord> Close(string reference, long? revision, CaseActor actor, CancellationToken ct = default) =>
        Change(reference, revision, (c, r) =>
        {
            r.Close(options.Value, actor);
            c.FireStep(CaseTrigger.Close, actor, Now, new TransitionRequest(r.ClosedReason));
        }, ct);

    // ---- PROMs ---------------------------------------------------------------------------------------

    public const string Baseline = "baseline";

    public sealed record PromInput(string TimePoint, int? BackPain, int? LegPain, IReadOnlyList<int?> Odi);

    /// <summary>Baseline is taken before surgery; other time points must be PROM points of the case's plan.</summary>
    public async Task<PromResponse> RecordProm(string reference, PromInput input, PromSource source, string recordedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (c, record) = await Find(reference, ct);
        await AddProm(c, record, input, source, recordedBy, ct);
        await db.SaveChangesAsync(ct);
        return await db.PromResponses.Where(p => p.CaseId == c.Id && p.TimePoint == input.TimePoint).OrderByDescending(p => p.Id).FirstAsync(ct);
    }

    private async Task AddProm(SurgicalCase c, RecoveryRecord? record, PromInput input, PromSource source, string recordedBy, CancellationToken ct)
    {
        await RequireOpenPromPoint(c, record, input.TimePoint, ct);
        db.PromResponses.Add(PromResponse.Record(c.Id, input.TimePoint, Today, input.BackPain, input.LegPain, input.Odi, outcomes.Value.Odi, source, recordedBy));
        record?.MarkPromPointDone(input.TimePoint, Today);
    }

    /// <summary>A PROM may be taken at baseline (before the operation) or at a PROM point of the plan, once each.</summary>
    private async Task RequireOpenPromPoint(SurgicalCase c, RecoveryRecord? record, string timePoint, CancellationToken ct)
    {
        if (timePoint != Baseline && (record is null || record.Plan.All(p => p.Code != timePoint || p.Proms.Count == 0)))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["timePoint"] = [$"'{timePoint}' is not a PROM point of case {c.Number}'s plan (baseline, or one generated at discharge)"] });
        }
        if (timePoint == Baseline && c.State is CaseState.InTheatre or CaseState.Recovering or CaseState.Discharged or CaseState.FollowUp or CaseState.Closed)
        {
            throw new DomainRuleException("baseline-before-surgery", "a baseline PROM is collected before the operation");
        }
        if (await db.PromResponses.AnyAsync(p => p.CaseId == c.Id && p.TimePoint == timePoint, ct))
        {
            throw new DomainRuleException("prom-once", $"case {c.Number} already has a {timePoint} PROM");
        }
    }

    public async Task<string> IssueLink(string reference, string timePoint, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Auth.Roles.Nurse, Auth.Roles.Surgeon]))
        {
            throw new DomainRuleException("role:prom-link", "PROM links are issued by a nurse or surgeon", forbidden: true);
        }
        var (c, record) = await Find(reference, ct);
        // Refused now rather than when the patient submits: the same checks as recording the answers.
        await RequireOpenPromPoint(c, record, timePoint, ct);
        var (link, token) = PromLink.Issue(c.Id, timePoint, Now, TimeSpan.FromDays(outcomes.Value.LinkLifetimeDays));
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

    /// <summary>The patient's answers through a one-time link: the link and the response save together.</summary>
    public async Task AnswerByLink(string token, int? backPain, int? legPain, IReadOnlyList<int?> odi, CancellationToken ct = default)
    {
        var link = await db.PromLinks.FirstOrDefaultAsync(l => l.TokenHash == PromLink.Hash(token), ct) ?? throw new NotFoundException("link");
        link.Use(Now);
        var c = await db.Cases.FirstAsync(x => x.Id == link.CaseId, ct);
        var record = await db.RecoveryRecords.FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
        await AddProm(c, record, new PromInput(link.TimePoint, backPain, legPain, odi), PromSource.PatientLink, "patient (link)", ct);
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

    public sealed record ComplicationInput(string Key, DateOnly OccurredOn, ClavienDindo Grade, SsiDepth? SsiDepth, string Description);

    public async Task<Complication> RecordComplication(string reference, ComplicationInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (c, _) = await Find(reference, ct);
        var theatre = await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct)
            ?? throw new DomainRuleException("complication-after-surgery", $"case {c.Number} has not been operated on");
        var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse();
        var complication = Complication.Record(c, definition?.Facts.Risks.Select(r => r.Key) ?? [], input.Key, input.OccurredOn, input.Grade, input.SsiDepth,
            input.Description, SurgeryDate(theatre), actor);
        db.Complications.Add(complication);
        await db.SaveChangesAsync(ct);
        return complication;
    }

    public DateOnly SurgeryDate(IntraOpRecord theatre) => DateOnly.FromDateTime(time.ToLocal((theatre ?? throw new ArgumentNullException(nameof(theatre))).At(Milestone.InRoom) ?? Now));

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
