using Explant.Core.Cases;
using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Patients;

public static class PatientHandlers
{
    /// <summary>Registers a patient: clinicians only; every field checked; nothing stored when anything is refused.</summary>
    public static async Task<Patient> Register(ExplantDbContext db, PatientInput input, CaseActor actor, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        PatientRecord.RequireWriter(actor);
        var today = time.Today;
        var patient = Patient.Register(input.Validate(today), today);
        await EnsureMrnFree(db, patient.Facility, patient.Mrn, null, ct);
        db.Patients.Add(patient);
        await db.SaveChangesAsync(ct);
        return patient;
    }

    /// <summary>Replaces a patient's details (If-Match revision when given): clinicians only; nothing stored when refused.</summary>
    public static async Task<Patient> Update(ExplantDbContext db, Guid id, PatientInput input, long? expectedRevision, CaseActor actor, HospitalTime time,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        PatientRecord.RequireWriter(actor);
        var today = time.Today;
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException($"patient {id}");
        Concurrency.Expect(db, patient, expectedRevision, $"patient {patient.Mrn}");
        var details = input.Validate(today);
        await EnsureMrnFree(db, details.Facility, details.Mrn, id, ct);
        patient.Update(details, today);
        await db.SaveChangesAsync(ct);
        return patient;
    }

    private static async Task EnsureMrnFree(ExplantDbContext db, string facility, string mrn, Guid? except, CancellationToken ct)
    {
        if (await db.Patients.AnyAsync(p => p.Facility == facility && p.Mrn == mrn && p.Id != except, ct))
        {
            // Two records for one MRN is how results end up on the wrong patient.
            throw new DomainRuleException("mrn-unique", $"MRN {mrn} already exists at {facility}");
        }
    }

    /// <summary>By MRN (exact, or prefix) or by name (family or given, case-insensitive contains).</summary>
    /// <summary>One page of patients matching an MRN prefix or part of a name, by family then given name (issue #17 §2).</summary>
    public static async Task<Paged<Patient>> Search(ExplantDbContext db, string? query, PageRequest page, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var q = db.Patients.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var t = query.Trim();
            var lower = t.ToLowerInvariant();
            q = q.Where(p => p.Mrn.StartsWith(t) || p.FamilyName.ToLower().Contains(lower) || p.GivenName.ToLower().Contains(lower));
        }
        var total = await q.CountAsync(ct);
        var list = await q.OrderBy(p => p.FamilyName.ToLower()).ThenBy(p => p.GivenName.ToLower()).ThenBy(p => p.Mrn)
            .Skip(page.Skip).Take(page.PageSize).ToListAsync(ct);
        return page.Of<Patient>(list, total);
    }
}
