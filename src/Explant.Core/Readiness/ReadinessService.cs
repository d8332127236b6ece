using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Readiness;

/// <summary>Gathers a case's inputs from the database and evaluates its readiness. Always computed fresh, so a
/// change to the date, plan, medications or results is reflected the next time anyone looks.</summary>
public sealed class ReadinessService(ExplantDbContext db, IOptions<ReadinessOptions> options, HospitalTime time)
{
    public ReadinessOptions Options => options.Value;

    public DateOnly Today => time.Today;

    public Task<ReadinessReport> Evaluate(SurgicalCase c, CancellationToken ct = default) => Evaluate(c, null, ct);

    /// <summary>Evaluates with <paramref name="patient"/> as it is in memory (a change the caller is about to save), else as stored.</summary>
    public async Task<ReadinessReport> Evaluate(SurgicalCase c, Patients.Patient? patient, CancellationToken ct = default) =>
        Evaluate(c, await CaseInputs.LoadAsync(db, c, patient, ct));

    /// <summary>As above, on inputs already loaded by a read that shows them too (no query of its own).</summary>
    public ReadinessReport Evaluate(SurgicalCase c, CaseInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return ReadinessEngine.Evaluate(new ReadinessInput(c, inputs.Patient, inputs.Construct, inputs.Imaging, inputs.Definition, options.Value, time.Zone, Today));
    }

    /// <summary>
    /// Readiness of many cases at once (worklists, the case list, the daily list): patients, constructs, imaging and
    /// definitions in one query each, whatever the number of cases — never a query per case (issue #17 §3).
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, ReadinessReport>> EvaluateMany(IReadOnlyCollection<SurgicalCase> cases, CancellationToken ct = default) =>
        EvaluateMany(cases, null, null, ct);

    /// <summary>As <see cref="EvaluateMany(IReadOnlyCollection{SurgicalCase}, CancellationToken)"/>, reusing patients and constructs the caller already loaded.</summary>
    public async Task<IReadOnlyDictionary<Guid, ReadinessReport>> EvaluateMany(IReadOnlyCollection<SurgicalCase> cases,
        IReadOnlyDictionary<Guid, Patients.Patient>? knownPatients, IReadOnlyDictionary<Guid, Implants.Construct>? knownConstructs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var reports = new Dictionary<Guid, ReadinessReport>();
        if (cases.Count == 0)
        {
            return reports;
        }
        var patientIds = cases.Select(c => c.PatientId).Distinct().ToList();
        var constructIds = cases.Select(c => c.ConstructId).Distinct().ToList();
        var patients = knownPatients ?? await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var constructs = knownConstructs ?? await db.Constructs.AsNoTracking().Where(x => constructIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var imaging = (await db.ImagingStudies.AsNoTracking().Where(s => patientIds.Contains(s.PatientId)).ToListAsync(ct)).ToLookup(s => s.PatientId);
        var definitions = await ProcedureQueries.FindMany(db, cases.Select(c => (c.ProcedureCode, c.ProcedureVersion)), ct);
        foreach (var c in cases)
        {
            var definition = definitions.TryGetValue((c.ProcedureCode, c.ProcedureVersion), out var d) ? d.Parse()
                : throw new NotFoundException($"procedure {c.ProcedureCode} v{c.ProcedureVersion}");
            reports[c.Id] = ReadinessEngine.Evaluate(new ReadinessInput(c, patients[c.PatientId], constructs[c.ConstructId], [.. imaging[c.PatientId]],
                definition, options.Value, time.Zone, Today));
        }
        return reports;
    }

    /// <summary>
    /// The generic transition command (API, form and CLI): fires a trigger a person fires; a trigger that belongs to a
    /// system step is refused with the step's name. The readiness-gated ones get a fresh evaluation to be judged by.
    /// </summary>
    public Task<SurgicalCase> Fire(string reference, long? expectedRevision, CaseTrigger trigger, TransitionRequest request, CaseActor actor, CancellationToken ct = default) =>
        Fire(reference, expectedRevision, trigger, request, actor, step: false, ct);

    /// <summary>
    /// The transition route's command: the trigger as typed in the path (by name; a number or an unknown name is refused
    /// naming <c>trigger</c>), the body's reason and cancel reason. The trigger decides which roles may fire it, so it is
    /// the one thing read before the role check.
    /// </summary>
    public Task<SurgicalCase> Fire(string reference, long? expectedRevision, string? trigger, TransitionInput? input, CaseActor actor, CancellationToken ct = default) =>
        Fire(reference, expectedRevision, Validation.EnumText.Parse<CaseTrigger>("trigger", trigger),
            new TransitionRequest(input?.Reason, input?.CancelReason), actor, ct);

    /// <summary>Fires the trigger of a system step (the booking's Schedule) from inside that step's command.</summary>
    internal Task<SurgicalCase> FireStep(string reference, CaseTrigger trigger, TransitionRequest request, CaseActor actor, CancellationToken ct = default) =>
        Fire(reference, null, trigger, request, actor, step: true, ct);

    private async Task<SurgicalCase> Fire(string reference, long? expectedRevision, CaseTrigger trigger, TransitionRequest request, CaseActor actor, bool step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.UtcNow;
        return await CaseHandlers.Mutate(db, reference, expectedRevision, async c =>
        {
            var withReadiness = trigger is CaseTrigger.AttestReady or CaseTrigger.Schedule
                ? request with { Readiness = await Evaluate(c, ct) }
                : request;
            if (step)
            {
                c.FireStep(trigger, actor, now, withReadiness);
            }
            else
            {
                c.Fire(trigger, actor, now, withReadiness);
            }
        }, ct);
    }
}
