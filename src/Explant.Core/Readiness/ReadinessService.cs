using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Core.Readiness;

/// <summary>Gathers a case's inputs from the database and evaluates its readiness. Always computed fresh, so a
/// change to the date, plan, medications or results is reflected the next time anyone looks.</summary>
public sealed class ReadinessService(ExplantDbContext db, IOptions<ReadinessOptions> options, HospitalTime time, TimeProvider clock)
{
    public ReadinessOptions Options => options.Value;

    public DateOnly Today => DateOnly.FromDateTime(time.ToLocal(clock.GetUtcNow().UtcDateTime));

    public async Task<ReadinessReport> Evaluate(SurgicalCase c, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(c);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
        var imaging = await db.ImagingStudies.AsNoTracking().Where(s => s.PatientId == c.PatientId).ToListAsync(ct);
        var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct)
            ?? throw new NotFoundException($"procedure {c.ProcedureCode} v{c.ProcedureVersion}")).Parse();
        return ReadinessEngine.Evaluate(new ReadinessInput(c, patient, construct, imaging, definition, options.Value, time.Zone, Today));
    }

    /// <summary>Fires a trigger; the readiness-gated ones (AttestReady, Schedule) get a fresh evaluation to be judged by.</summary>
    public async Task<SurgicalCase> Fire(string reference, long? expectedRevision, CaseTrigger trigger, TransitionRequest request, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow().UtcDateTime;
        return await CaseHandlers.Mutate(db, reference, expectedRevision, async c =>
        {
            var withReadiness = trigger is CaseTrigger.AttestReady or CaseTrigger.Schedule
                ? request with { Readiness = await Evaluate(c, ct) }
                : request;
            c.Fire(trigger, actor, now, withReadiness);
        }, ct);
    }
}
