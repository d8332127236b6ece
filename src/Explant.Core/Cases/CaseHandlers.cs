using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Cases;

/// <summary>Pathway settings with their sources; ⚠ facts are configuration.</summary>
public sealed class PathwayOptions
{
    /// <summary>Modalities accepted as fusion evidence; CT by default ([S26]: X-rays alone are not recommended with instrumentation).</summary>
    public List<Modality> FusionEvidenceModalities { get; set; } = [Modality.CT];
}

/// <summary>The case's write operations: load, check the caller's revision, apply the aggregate's rule, save.</summary>
public static partial class CaseHandlers
{
    /// <summary>Opening a case (a referral), as the API body and the patient page's form both send it.</summary>
    public sealed record OpenInput(Guid? PatientId, Guid? ConstructId, string? ProcedureCode, int? ProcedureVersion, string? Surgeon);

    /// <summary>
    /// Opens a case: surgeon, nurse or scheduler; the surgeon is an existing account with the surgeon role (a surgeon
    /// opening the case is its surgeon unless they name another), never free text (issue #12 §6).
    /// </summary>
    public static async Task<SurgicalCase> Open(ExplantDbContext db, OpenInput input, CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("opening a case (a referral)", Roles.Surgeon, Roles.Nurse, Roles.Scheduler);
        var check = new Validation.Check();
        if (input.PatientId is null) { check.Add("patientId", "required"); }
        if (input.ConstructId is null) { check.Add("constructId", "required: choose a construct"); }
        var code = check.Text("procedureCode", input.ProcedureCode, 10, required: true);
        var named = check.Text("surgeon", input.Surgeon) ?? (actor.IsIn([Roles.Surgeon]) ? actor.Name : null);
        if (named is null) { check.Add("surgeon", "required when a non-surgeon opens the case: choose the case's surgeon"); }
        check.ThrowIfAny();
        var surgeon = await Accounts.RequireSurgeon(db, named, "surgeon", ct);
        var construct = await db.Constructs.FirstOrDefaultAsync(c => c.Id == input.ConstructId, ct)
            ?? throw new NotFoundException($"construct {input.ConstructId}");
        if (!await db.Patients.AnyAsync(p => p.Id == input.PatientId, ct))
        {
            throw new NotFoundException($"patient {input.PatientId}");
        }
        var definition = await ProcedureQueries.Find(db, code!, input.ProcedureVersion, ct)
            ?? throw new NotFoundException($"procedure {code}{(input.ProcedureVersion is { } v ? $" v{v}" : "")}");
        var classification = construct.Classify();
        if (classification.SuggestedCode is { } suggested && suggested != definition.Code && definition.Code != "22849")
        {
            // Planning the wrong removal operation for the hardware is a coding and a planning error (rule 1).
            throw new DomainRuleException("construct-matches-procedure",
                $"the construct suggests {suggested} ({classification.Reason}); a case for {definition.Code} needs a matching construct", unprocessable: true);
        }
        var number = (await db.Cases.MaxAsync(c => (int?)c.Number, ct) ?? 0) + 1;
        var c = SurgicalCase.Open(number, input.PatientId!.Value, construct, definition, surgeon, nowUtc);
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct);
        return c;
    }

    /// <summary>Finds a case by its number ("41") or id.</summary>
    public static async Task<SurgicalCase?> Find(ExplantDbContext db, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (int.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return await db.Cases.FirstOrDefaultAsync(c => c.Number == number, ct);
        }
        return Guid.TryParse(reference, out var id) ? await db.Cases.FirstOrDefaultAsync(c => c.Id == id, ct) : null;
    }

    /// <summary>As <see cref="Find"/>, untracked: for reads that change nothing.</summary>
    public static async Task<SurgicalCase?> FindForRead(ExplantDbContext db, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (int.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return await CaseByNumber.For(db)(db, number, ct);
        }
        return Guid.TryParse(reference, out var id) ? await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) : null;
    }

    // The case read is the API's busiest path (issue #17): compiled once, it skips EF's per-call expression work.
    private static readonly PerProvider<Func<ExplantDbContext, int, CancellationToken, Task<SurgicalCase?>>> CaseByNumber = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, int number, CancellationToken ct) => db.Cases.AsNoTracking().FirstOrDefault(c => c.Number == number)));

    public static async Task<SurgicalCase> Mutate(ExplantDbContext db, string reference, long? expectedRevision,
        Func<SurgicalCase, Task> change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var c = await Find(db, reference, ct) ?? throw new NotFoundException($"case {reference}");
        Concurrency.Expect(db, c, expectedRevision, $"case {c.Number}");
        var before = c.State;
        await change(c);
        if (before is CaseState.Scheduled or CaseState.CheckedIn && c.State is CaseState.Postponed or CaseState.Cancelled or CaseState.Decided)
        {
            // The slot is freed in the same save as the transition, so the list never shows a case that left the schedule.
            await Scheduling.BookCase.ReleaseBookings(db, c, ct);
        }
        await db.SaveChangesAsync(ct);
        return c;
    }

    public static Task<SurgicalCase> Mutate(ExplantDbContext db, string reference, long? expectedRevision, Action<SurgicalCase> change, CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, c => { change(c); return Task.CompletedTask; }, ct);

    public static Task<SurgicalCase> SetPlan(ExplantDbContext db, string reference, long? expectedRevision, bool removeAll,
        IReadOnlyCollection<Guid> componentIds, CaseActor actor, DateTime nowUtc, CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, async c =>
        {
            var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
            c.SetPlan(removeAll, componentIds, construct, actor, nowUtc);
        }, ct);

    public static Task<SurgicalCase> LinkFusionEvidence(ExplantDbContext db, string reference, long? expectedRevision, Guid? studyId,
        PathwayOptions options, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: the study is not looked up (nor the body judged) for a role that may not link it.
        actor.Require("evidence", Roles.Surgeon);
        if (studyId is null)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["imagingStudyId"] = ["required: choose an imaging study"] });
        }
        return Mutate(db, reference, expectedRevision, async c =>
        {
            ArgumentNullException.ThrowIfNull(options);
            var study = await db.ImagingStudies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, ct)
                ?? throw new NotFoundException($"imaging study {studyId}");
            var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
            c.LinkFusionEvidence(study, construct, options.FusionEvidenceModalities, actor);
        }, ct);
    }

    /// <summary>
    /// After hardware is added to a construct: every open case on it that plans to remove all components takes the new
    /// part into its plan (re-consent when it was consented), and a booked one leaves the schedule in the same save.
    /// </summary>
    public static async Task HardwareAdded(ExplantDbContext db, Construct construct, CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(construct);
        foreach (var c in await db.Cases.Where(x => x.ConstructId == construct.Id).ToListAsync(ct))
        {
            var before = c.State;
            if (c.HardwareAdded(construct, actor, nowUtc) && before == CaseState.Scheduled && c.State == CaseState.Decided)
            {
                await Scheduling.BookCase.ReleaseBookings(db, c, ct);
            }
        }
    }

    /// <summary>A pre-operative result as the API body and the readiness form send it.</summary>
    public sealed record ResultInput(LabKind? Kind, decimal? Value, string? Unit, DateOnly? TakenOn);

    /// <summary>Records a result against the patient's own dates (not before birth, not after the hospital's today).</summary>
    public static async Task<SurgicalCase> RecordResult(ExplantDbContext db, string reference, long? expectedRevision, ResultInput input, CaseActor actor,
        HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Role first: a wrong role is refused (403) whatever the body holds.
        actor.Require("results", Roles.Nurse, Roles.Surgeon, Roles.Anesthesiologist);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        var check = new Validation.Check();
        if (input.Kind is null) { check.Add("kind", $"required: one of {string.Join(", ", Enum.GetNames<LabKind>())}"); }
        if (input.TakenOn is null) { check.Add("takenOn", "required (YYYY-MM-DD)"); }
        check.ThrowIfAny();
        return await Mutate(db, reference, expectedRevision, async c =>
        {
            var born = await db.Patients.AsNoTracking().Where(p => p.Id == c.PatientId).Select(p => p.BirthDate).FirstAsync(ct);
            c.RecordResult(input.Kind!.Value, input.Value, input.Unit, input.TakenOn!.Value, actor, time.Today, born);
        }, ct);
    }

    public sealed record HandOverInput(string? Surgeon, string? Reason);

    /// <summary>
    /// A surgeon takes over a case (issue #12 §6): explicit, with a reason, recorded on the case and in the audit. The new
    /// surgeon is an account with the surgeon role (the actor, unless they hand over to a named colleague).
    /// </summary>
    public static async Task<SurgicalCase> HandOver(ExplantDbContext db, string reference, long? expectedRevision, HandOverInput input, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("handing over a case", Roles.Surgeon);
        var check = new Validation.Check();
        var reason = check.Text("reason", input.Reason, Validation.InputLimits.Note, required: true);
        var named = check.Text("surgeon", input.Surgeon) ?? actor.Name;
        check.ThrowIfAny();
        var surgeon = await Accounts.RequireSurgeon(db, named, "surgeon", ct);
        return await Mutate(db, reference, expectedRevision, async c =>
        {
            // The operating surgeon signs the operative note: until it is signed, the case is not handed to someone else.
            if (c.State is not (CaseState.Referred or CaseState.Assessed or CaseState.Decided or CaseState.Consented or CaseState.Ready or CaseState.Postponed)
                && !await db.OperativeNotes.AnyAsync(n => n.CaseId == c.Id && n.SignedAtUtc != null, ct))
            {
                throw new DomainRuleException("hand-over-note-unsigned",
                    $"case {c.Number} was operated on by {c.Surgeon} and the operative note is not signed: the operating surgeon signs it before handing over");
            }
            c.HandOver(surgeon, reason!, actor, nowUtc);
        }, ct);
    }

    public static async Task<(SurgicalCase Case, ConsentRecord Consent)> GenerateConsent(ExplantDbContext db, string reference, long? expectedRevision,
        CaseActor actor, DateTime nowUtc, DateOnly today, CancellationToken ct = default)
    {
        ConsentRecord? consent = null;
        var c = await Mutate(db, reference, expectedRevision, async c =>
        {
            var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
            var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
            var definition = await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct)
                ?? throw new NotFoundException($"procedure {c.ProcedureCode} v{c.ProcedureVersion}");
            consent = c.GenerateConsent(Consent.ConsentDocument.Build(c, patient, construct, definition.Parse(), today), actor, nowUtc);
        }, ct);
        return (c, consent!);
    }
}
