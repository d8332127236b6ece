using System.Collections.Concurrent;
using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;
using Microsoft.Extensions.Caching.Memory;

namespace Explant.Core.Readiness;

/// <summary>
/// The single-case read's memory of the rows it materialised last (issue #17: most of a case read went into reading and
/// parsing the case, patient and construct rows, their JSON columns above all, although they had not changed since the
/// read before). A remembered row is used only when the stamp query that every read runs finds the same case, patient and
/// construct at the same revisions: the save pipeline bumps an aggregate's revision on every change, a change to an owned
/// JSON part included (AuditInterceptor.BumpRevisions), so an equal stamp means equal rows, whichever process or instance
/// wrote them; the patient's imaging is remembered with them and stamped by the number and revision total of the studies.
/// Definition versions are immutable (ProcedureDefinition), so their parsed documents are remembered by code and version.
/// </summary>
/// <remarks>
/// One per application (a singleton), so one per database: a process never reads two databases through one
/// service provider. The remembered objects are shared by concurrent reads and must never be changed: only the read
/// route (<see cref="CaseInputs.FindForRead"/>) hands them out, to the readiness evaluation and the views, which only read.
/// A database restored under a running application could hold other content at a remembered revision, so a restore is
/// done with the web instances stopped (README, "Backups"; hazard H125).
/// </remarks>
public sealed class CaseReadCache : IDisposable
{
    /// <summary>Cases remembered at most; a ward's working set (today's lists, the worklists) is far smaller.</summary>
    public const int Capacity = 1024;

    private readonly MemoryCache rows = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly ConcurrentDictionary<(string Code, int Version), ProcedureDocument> definitions = new();

    internal RememberedCase? Remembered(int number) => rows.TryGetValue(number, out RememberedCase? known) ? known : null;

    internal void Remember(RememberedCase known) =>
        rows.Set(known.Row.Case.Number, known, new MemoryCacheEntryOptions { Size = 1 });

    internal ProcedureDocument? Definition(string code, int version) => definitions.GetValueOrDefault((code, version));

    internal void Remember(string code, int version, ProcedureDocument document) => definitions[(code, version)] = document;

    public void Dispose() => rows.Dispose();
}

/// <summary>
/// What identifies the stored state of a case read: the ids and revisions of the case, its patient and its construct, and
/// the number and revision total of the patient's imaging studies. Studies are added and revised, never deleted
/// (ExplantDbContext refuses a deletion), so a new study raises the count and a revised one the total.
/// </summary>
internal sealed record CaseStamp(Guid CaseId, long CaseRevision, Guid PatientId, long PatientRevision, Guid ConstructId, long ConstructRevision,
    int ImagingCount, long ImagingRevisions);

/// <summary>A case with its patient and construct as one query returned them.</summary>
internal sealed record CaseRow(SurgicalCase Case, Patient Patient, Construct Construct);

/// <summary>A case row and the patient's imaging as a read returned them, stamped with what they hold.</summary>
internal sealed record RememberedCase(CaseRow Row, IReadOnlyList<ImagingStudy> Imaging)
{
    public CaseStamp Stamp { get; } = new(Row.Case.Id, Row.Case.Revision, Row.Patient.Id, Row.Patient.Revision, Row.Construct.Id, Row.Construct.Revision,
        Imaging.Count, Imaging.Sum(s => s.Revision));

    /// <summary>The readiness and view last computed from these rows, with the day and settings they were computed for.</summary>
    public Evaluation? Evaluated { get; set; }

    /// <summary>The construct diagram with this case's planned components marked, once drawn.</summary>
    public string? Diagram { get; set; }
}

/// <summary>Readiness and the case view are functions of the rows, the readiness settings and the hospital's day only.</summary>
internal sealed record Evaluation(DateOnly Today, ReadinessOptions Options, ReadinessReport Readiness, CaseView View);
