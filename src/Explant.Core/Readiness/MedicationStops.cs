using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Readiness;

/// <summary>
/// Recording the day a patient took the last dose of a held drug before this case's surgery (a pre-op call). A hold
/// whose last-dose day has passed blocks readiness until this is recorded (issue #12 §7); the stop counts only for
/// the surgery date it was recorded for. One command for the API and the readiness form.
/// </summary>
public static class MedicationStops
{
    public sealed record StopInput(string? Drug, DateOnly? StoppedOn);

    public static async Task<SurgicalCase> Record(ExplantDbContext db, string reference, StopInput input, CaseActor actor, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        PatientRecord.RequireWriter(actor);
        var c = await CaseHandlers.Find(db, reference, ct) ?? throw new NotFoundException($"case {reference}");
        if (c.PlannedSurgeryUtc is not { } planned)
        {
            throw new DomainRuleException("stop-needs-surgery-date", $"case {c.Number} has no planned surgery date: a stop is recorded for a surgery date");
        }
        var patient = await db.Patients.FirstAsync(p => p.Id == c.PatientId, ct);
        var check = new Validation.Check();
        var drug = check.Text("drug", input.Drug, Validation.InputLimits.ShortText, required: true);
        var stopped = check.Date("stoppedOn", input.StoppedOn, notBefore: (patient.BirthDate, "the patient's birth"), notAfter: (time.Today, "today"), required: true);
        check.ThrowIfAny();
        if (!patient.RecordStop(drug!, stopped!.Value, time.LocalDate(planned)))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["drug"] = [$"'{drug}' is not on the patient's medication list"] });
        }
        await db.SaveChangesAsync(ct);
        return c;
    }
}
