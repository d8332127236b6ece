using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;

namespace Explant.Core.Readiness;

/// <summary>
/// A nurse records that the patient was told of a changed surgery time and its new instructions (issue #14 §2): how
/// (phone, in person, …) and an optional note. Clears the blocking readiness item patient-informed. One command for
/// the API and the case page's form.
/// </summary>
public static class PatientInformed
{
    public sealed record Input(string? How, string? Note);

    public static async Task<SurgicalCase> Record(ExplantDbContext db, string reference, Input input, CaseActor actor, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(time);
        // Role first, before anything about the case is read.
        if (!actor.IsIn([Roles.Nurse]))
        {
            throw new DomainRuleException("role:patient informed", "recording that the patient was told needs role nurse", forbidden: true);
        }
        var c = await CaseHandlers.Find(db, reference, ct) ?? throw new NotFoundException($"case {reference}");
        c.RecordPatientInformed(input.How, input.Note, actor, time.UtcNow);
        await db.SaveChangesAsync(ct);
        return c;
    }
}
