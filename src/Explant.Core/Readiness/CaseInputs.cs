using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Readiness;

/// <summary>
/// What a single case's read shows beside the case: its patient, construct, the patient's imaging and the pinned
/// definition. The API's case read and the case page load them here, by compiled queries (issue #17: every case read
/// runs these, and EF's per-call expression work was a measurable share of it), and evaluate readiness on them.
/// </summary>
public sealed record CaseInputs(Patient Patient, Construct Construct, IReadOnlyList<ImagingStudy> Imaging, ProcedureDocument Definition)
{
    public static async Task<CaseInputs> LoadAsync(ExplantDbContext db, SurgicalCase c, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(c);
        var patient = await PatientOf(db, c.PatientId, ct);
        var construct = await ConstructOf(db, c.ConstructId, ct);
        var imaging = await ImagingOf(db, c.PatientId, ct);
        var definition = await DefinitionOf(db, c, ct);
        return new CaseInputs(patient, construct, imaging, definition);
    }

    internal static async Task<Patient> PatientOf(ExplantDbContext db, Guid id, CancellationToken ct) =>
        await PatientById.For(db)(db, id, ct) ?? throw new NotFoundException($"patient {id}");

    internal static async Task<Construct> ConstructOf(ExplantDbContext db, Guid id, CancellationToken ct) =>
        await ConstructById.For(db)(db, id, ct) ?? throw new NotFoundException($"construct {id}");

    internal static async Task<IReadOnlyList<ImagingStudy>> ImagingOf(ExplantDbContext db, Guid patientId, CancellationToken ct)
    {
        var studies = new List<ImagingStudy>();
        await foreach (var s in ImagingByPatient.For(db)(db, patientId).WithCancellation(ct))
        {
            studies.Add(s);
        }
        return studies;
    }

    internal static async Task<ProcedureDocument> DefinitionOf(ExplantDbContext db, SurgicalCase c, CancellationToken ct) =>
        (await DefinitionVersion.For(db)(db, c.ProcedureCode, c.ProcedureVersion, ct)
            ?? throw new NotFoundException($"procedure {c.ProcedureCode} v{c.ProcedureVersion}")).Parse();

    private static readonly PerProvider<Func<ExplantDbContext, Guid, CancellationToken, Task<Patient?>>> PatientById = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, Guid id, CancellationToken ct) => db.Patients.AsNoTracking().FirstOrDefault(p => p.Id == id)));

    private static readonly PerProvider<Func<ExplantDbContext, Guid, CancellationToken, Task<Construct?>>> ConstructById = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, Guid id, CancellationToken ct) => db.Constructs.AsNoTracking().FirstOrDefault(x => x.Id == id)));

    private static readonly PerProvider<Func<ExplantDbContext, Guid, IAsyncEnumerable<ImagingStudy>>> ImagingByPatient = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, Guid patientId) => db.ImagingStudies.AsNoTracking().Where(s => s.PatientId == patientId)));

    private static readonly PerProvider<Func<ExplantDbContext, string, int, CancellationToken, Task<ProcedureDefinition?>>> DefinitionVersion = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, string code, int version, CancellationToken ct) =>
            db.ProcedureDefinitions.AsNoTracking().FirstOrDefault(p => p.Code == code && p.Version == version)));
}
