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
    public static Task<CaseInputs> LoadAsync(ExplantDbContext db, SurgicalCase c, CancellationToken ct = default) => LoadAsync(db, c, null, ct);

    /// <summary>As above, with <paramref name="patient"/> as it is in memory (a change the caller is about to save) when given.</summary>
    public static async Task<CaseInputs> LoadAsync(ExplantDbContext db, SurgicalCase c, Patient? patient, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(c);
        patient ??= await PatientOf(db, c.PatientId, ct);
        var construct = await ConstructOf(db, c.ConstructId, ct);
        var imaging = await ImagingOf(db, c.PatientId, ct);
        var definition = await DefinitionOf(db, c, ct);
        return new CaseInputs(patient, construct, imaging, definition);
    }

    /// <summary>
    /// A case by number or id, with its inputs: for a number, the case, its patient and its construct come in one joined
    /// query, then the patient's imaging (issue #17: the busiest read); when <paramref name="cache"/> remembers them, one
    /// stamp query confirms they are unchanged instead (on SQLite a statement <paramref name="hot"/> keeps prepared, so an
    /// unchanged case costs no EF query and no connection open). The definition comes from the cache once read. Null when
    /// there is no such case. The returned objects may be shared with concurrent reads: read them, never change them.
    /// </summary>
    public static async Task<CaseRead?> FindForRead(ExplantDbContext db, CaseReadCache cache, SqliteHotReads hot, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(hot);
        if (!int.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            await db.KeepConnectionOpenAsync(ct);
            return await CaseHandlers.FindForRead(db, reference, ct) is { } byId ? new CaseRead(byId, await LoadAsync(db, byId, ct), null) : null;
        }
        var known = cache.Remembered(number) is { } remembered && await StampOf(db, hot, number, ct) == remembered.Stamp ? remembered : null;
        if (known is null)
        {
            await db.KeepConnectionOpenAsync(ct);
            if (await CaseWithParties.For(db)(db, number, ct) is not { } row)
            {
                return null;
            }
            known = new RememberedCase(row, await ImagingOf(db, row.Case.PatientId, ct));
            cache.Remember(known);
        }
        var c = known.Row.Case;
        if (cache.Definition(c.ProcedureCode, c.ProcedureVersion) is not { } definition)
        {
            definition = await DefinitionOf(db, c, ct);
            cache.Remember(c.ProcedureCode, c.ProcedureVersion, definition);
        }
        return new CaseRead(c, new CaseInputs(known.Row.Patient, known.Row.Construct, known.Imaging, definition), known);
    }

    /// <summary>
    /// The stamp of case <paramref name="number"/> as stored now: on SQLite by <see cref="StampSql"/> (when
    /// <paramref name="hot"/> is given and enabled), otherwise by EF's compiled query of the same thing.
    /// </summary>
    internal static Task<CaseStamp?> StampOf(ExplantDbContext db, SqliteHotReads? hot, int number, CancellationToken ct) =>
        hot is { Enabled: true }
            ? Task.FromResult(hot.ReadOne(StampSql, number, static r => new CaseStamp(r.GetGuid(0), r.GetInt64(1), r.GetGuid(2), r.GetInt64(3), r.GetGuid(4), r.GetInt64(5),
                r.GetInt32(6), r.GetInt64(7))))
            : EfStampOf.For(db)(db, number, ct);

    // The SQL EF generates for EfStampOf on SQLite, written out (quoted aliases, so the tests' plan check can name each
    // table); SqliteHotReadsTests compares the two on every case of a seeded cohort.
    internal static readonly HotStatement StampSql = new("""
        SELECT "s"."Id", "s"."Revision", "p"."Id", "p"."Revision", "c"."Id", "c"."Revision",
            (SELECT COUNT(*) FROM "ImagingStudies" AS "i" WHERE "i"."PatientId" = "s"."PatientId"),
            (SELECT COALESCE(SUM("i0"."Revision"), 0) FROM "ImagingStudies" AS "i0" WHERE "i0"."PatientId" = "s"."PatientId")
        FROM "SurgicalCases" AS "s"
        INNER JOIN "Patients" AS "p" ON "s"."PatientId" = "p"."Id"
        INNER JOIN "Constructs" AS "c" ON "s"."ConstructId" = "c"."Id"
        WHERE "s"."Number" = $number
        LIMIT 1
        """, "$number");

    private static readonly PerProvider<Func<ExplantDbContext, int, CancellationToken, Task<CaseRow?>>> CaseWithParties = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, int number, CancellationToken ct) =>
            (from c in db.Cases.AsNoTracking()
             where c.Number == number
             join p in db.Patients.AsNoTracking() on c.PatientId equals p.Id
             join x in db.Constructs.AsNoTracking() on c.ConstructId equals x.Id
             select new CaseRow(c, p, x)).FirstOrDefault()));

    private static readonly PerProvider<Func<ExplantDbContext, int, CancellationToken, Task<CaseStamp?>>> EfStampOf = new(() =>
        EF.CompileAsyncQuery((ExplantDbContext db, int number, CancellationToken ct) =>
            (from c in db.Cases.AsNoTracking()
             where c.Number == number
             join p in db.Patients.AsNoTracking() on c.PatientId equals p.Id
             join x in db.Constructs.AsNoTracking() on c.ConstructId equals x.Id
             select new CaseStamp(c.Id, c.Revision, p.Id, p.Revision, x.Id, x.Revision,
                 db.ImagingStudies.Count(s => s.PatientId == c.PatientId),
                 db.ImagingStudies.Where(s => s.PatientId == c.PatientId).Sum(s => s.Revision))).FirstOrDefault()));

    private static async Task<Patient> PatientOf(ExplantDbContext db, Guid id, CancellationToken ct) =>
        await PatientById.For(db)(db, id, ct) ?? throw new NotFoundException($"patient {id}");

    private static async Task<Construct> ConstructOf(ExplantDbContext db, Guid id, CancellationToken ct) =>
        await ConstructById.For(db)(db, id, ct) ?? throw new NotFoundException($"construct {id}");

    private static async Task<IReadOnlyList<ImagingStudy>> ImagingOf(ExplantDbContext db, Guid patientId, CancellationToken ct)
    {
        var studies = new List<ImagingStudy>();
        await foreach (var s in ImagingByPatient.For(db)(db, patientId).WithCancellation(ct))
        {
            studies.Add(s);
        }
        return studies;
    }

    private static async Task<ProcedureDocument> DefinitionOf(ExplantDbContext db, SurgicalCase c, CancellationToken ct) =>
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
