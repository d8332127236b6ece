using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Implants;

public static class ConstructHandlers
{
    public static async Task<Construct> Record(ExplantDbContext db, Guid patientId, Construct.Details details,
        IReadOnlyList<Construct.ComponentInput> components, DateOnly today, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(components);
        if (!await db.Patients.AnyAsync(p => p.Id == patientId, ct))
        {
            throw new NotFoundException($"patient {patientId}");
        }
        var construct = Construct.Record(patientId, details, today);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < components.Count; i++)
        {
            try
            {
                construct.AddComponent(components[i], $"components[{i}]");
            }
            catch (ValidationException e)
            {
                foreach (var (k, v) in e.Errors)
                {
                    errors[k] = v;
                }
            }
        }
        if (errors.Count > 0)
        {
            // Every bad component is reported at once and nothing is stored.
            throw new ValidationException(errors);
        }
        db.Constructs.Add(construct);
        await db.SaveChangesAsync(ct);
        return construct;
    }

    public static async Task<Construct> AddComponent(ExplantDbContext db, Guid constructId, Construct.ComponentInput input, long? expectedRevision, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var construct = await db.Constructs.FirstOrDefaultAsync(c => c.Id == constructId, ct) ?? throw new NotFoundException($"construct {constructId}");
        Concurrency.Expect(db, construct, expectedRevision, "the construct");
        construct.AddComponent(input);
        await db.SaveChangesAsync(ct);
        return construct;
    }

    public static async Task<ImagingStudy> RecordImaging(ExplantDbContext db, Guid patientId, DateOnly studyDate, Modality modality,
        IReadOnlyList<ImagingStudy.FusionInput> fusion, IReadOnlyList<ImagingStudy.HardwareInput> hardware, string? note, string recordedBy,
        DateOnly today, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.Patients.AnyAsync(p => p.Id == patientId, ct))
        {
            throw new NotFoundException($"patient {patientId}");
        }
        var study = ImagingStudy.Record(patientId, studyDate, modality, fusion, hardware, note, recordedBy, today);
        db.ImagingStudies.Add(study);
        await db.SaveChangesAsync(ct);
        return study;
    }
}
