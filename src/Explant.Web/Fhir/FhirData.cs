using Explant.Core.Audit;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;
using Explant.Core.Recovery;
using Explant.Core.Scheduling;
using Explant.Core.Theatre;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Fhir;

/// <summary>
/// The domain records one FHIR request maps from, each kind loaded at most once per request (no tracking).
/// The FHIR view is a projection of the aggregates: nothing here is stored, so it can never disagree with the UI.
/// </summary>
/// <param name="patientScope">
/// When a search names one patient (<c>patient=Patient/…</c>), only that patient's records are loaded: the filter runs in
/// the database, not over every row in memory. The search criteria still apply to what is loaded.
/// </param>
internal sealed class FhirData(ExplantDbContext db, HospitalTime time, string baseUrl, Explant.Core.Outcomes.OdiVersion odiVersion, CancellationToken ct,
    Guid? patientScope = null)
{
    /// <summary>The same request's data for one patient only (a read of one record maps only its patient's records).</summary>
    public FhirData ForPatient(Guid patient) => new(db, Time, BaseUrl, OdiVersion, ct, patient);

    private readonly Dictionary<string, object> cache = [];

    public HospitalTime Time { get; } = time;
    public string BaseUrl { get; } = baseUrl;
    public Explant.Core.Outcomes.OdiVersion OdiVersion { get; } = odiVersion;

    private async Task<List<T>> Load<T>(string key, Func<Task<List<T>>> load)
    {
        if (!cache.TryGetValue(key, out var found))
        {
            found = await load();
            cache[key] = found;
        }
        return (List<T>)found;
    }

    public Guid? PatientScope { get; } = patientScope;

    private IQueryable<SurgicalCase> ScopedCases => PatientScope is { } p ? db.Cases.Where(c => c.PatientId == p) : db.Cases;

    public Task<List<Patient>> Patients() => Load(nameof(Patients), () =>
        (PatientScope is { } s ? db.Patients.Where(p => p.Id == s) : db.Patients).AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct));
    public Task<List<Construct>> Constructs() => Load(nameof(Constructs), () =>
        (PatientScope is { } s ? db.Constructs.Where(c => c.PatientId == s) : db.Constructs).AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct));
    public Task<List<SurgicalCase>> Cases() => Load(nameof(Cases), () => ScopedCases.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct));
    public Task<List<IntraOpRecord>> IntraOps() => Load(nameof(IntraOps), async () =>
        await (await ScopedCaseIds() is { } ids ? db.IntraOpRecords.Where(r => ids.Contains(r.CaseId)) : db.IntraOpRecords).AsNoTracking().ToListAsync(ct));
    public Task<List<RecoveryRecord>> Recoveries() => Load(nameof(Recoveries), async () =>
        await (await ScopedCaseIds() is { } ids ? db.RecoveryRecords.Where(r => ids.Contains(r.CaseId)) : db.RecoveryRecords).AsNoTracking().ToListAsync(ct));
    public Task<List<PromResponse>> Proms() => Load(nameof(Proms), async () =>
        await (await ScopedCaseIds() is { } ids ? db.PromResponses.Where(r => ids.Contains(r.CaseId)) : db.PromResponses).AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct));

    /// <summary>
    /// The scoped patient's case ids (null: no scope), so that their rows are found by the CaseId index: a subquery
    /// correlated on each row ("EXISTS (… c.Id = r.CaseId)") made SQLite read every theatre, recovery and PROM row of the
    /// registry, JSON and all (issue #17: a FHIR read of one Procedure answered 1,361 requests/s at N = 2, 259 at N = 20).
    /// </summary>
    private async Task<List<Guid>?> ScopedCaseIds() => PatientScope is null ? null : [.. (await Cases()).Select(c => c.Id)];
    public Task<List<RoomDay>> RoomDays() => Load(nameof(RoomDays), async () =>
    {
        if (PatientScope is null)
        {
            return await db.RoomDays.AsNoTracking().ToListAsync(ct);
        }
        // The days one of the patient's cases is booked on, found in the bookings' JSON by the database.
        var cases = (await Cases()).Select(c => c.Id).ToList();
        return await db.RoomDays.AsNoTracking().Where(d => d.Bookings.Any(b => cases.Contains(b.CaseId))).ToListAsync(ct);
    });
    public Task<List<OperatingRoom>> Rooms() => Load(nameof(Rooms), () => db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct));
    public Task<List<StaffMember>> Staff() => Load(nameof(Staff), () => db.Staff.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct));
    public Task<List<ProcedureDefinition>> Definitions() => Load(nameof(Definitions), () => db.ProcedureDefinitions.AsNoTracking().OrderBy(d => d.Code).ThenBy(d => d.Version).ToListAsync(ct));

    public async Task<Dictionary<Guid, IntraOpRecord>> IntraOpByCase() => (await IntraOps()).GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => g.First());
    public async Task<Dictionary<Guid, RecoveryRecord>> RecoveryByCase() => (await Recoveries()).GroupBy(r => r.CaseId).ToDictionary(g => g.Key, g => g.First());

    /// <summary>
    /// When the records of one page last changed, in one query over those keys only (issue #17: a search page read the
    /// latest audit time of every record of the type, so a 50-patient page slowed with the size of the registry).
    /// </summary>
    public async Task PreloadLastUpdated(string entity, IReadOnlyCollection<string> keys)
    {
        var found = await db.AuditEntries.AsNoTracking().Where(a => a.Entity == entity && keys.Contains(a.EntityKey)).GroupBy(a => a.EntityKey)
            .Select(g => new { g.Key, At = g.Max(a => a.AtUtc) }).ToListAsync(ct);
        var map = found.ToDictionary(x => x.Key, x => (DateTime?)x.At);
        foreach (var key in keys)
        {
            map.TryAdd(key, null);
        }
        cache["auditpage:" + entity] = map;
    }

    /// <summary>When each record of an aggregate type last changed, from the append-only audit log (meta.lastUpdated, Last-Modified).</summary>
    public async Task<DateTimeOffset?> LastUpdated(string entity, string key)
    {
        // One patient's records: the audit times of their keys only, not of every record of the type (issue #17).
        if (PatientScope is not null && !cache.ContainsKey("auditpage:" + entity) && await ScopedKeys(entity) is { } scoped)
        {
            await PreloadLastUpdated(entity, scoped);
        }
        if (cache.TryGetValue("auditpage:" + entity, out var page) && ((Dictionary<string, DateTime?>)page).TryGetValue(key, out var preloaded))
        {
            return preloaded is { } at1 ? new DateTimeOffset(DateTime.SpecifyKind(at1, DateTimeKind.Utc)) : null;
        }
        var all = await Load<KeyValuePair<string, DateTime>>("audit:" + entity, async () =>
            [.. (await db.AuditEntries.AsNoTracking().Where(a => a.Entity == entity).GroupBy(a => a.EntityKey)
                .Select(g => new { g.Key, At = g.Max(a => a.AtUtc) }).ToListAsync(ct))
                .Select(x => new KeyValuePair<string, DateTime>(x.Key, x.At))]);
        var map = (Dictionary<string, DateTime>)(cache.TryGetValue("auditmap:" + entity, out var m) ? m : cache["auditmap:" + entity] = all.ToDictionary(x => x.Key, x => x.Value));
        return map.TryGetValue(key, out var at) ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>The keys of the scoped patient's records of an audited type (null: not a type this scope narrows).</summary>
    private async Task<IReadOnlyCollection<string>?> ScopedKeys(string entity) => entity switch
    {
        nameof(Patient) => [PatientScope!.Value.ToString()],
        nameof(SurgicalCase) => [.. (await Cases()).Select(c => c.Id.ToString())],
        nameof(Construct) => [.. (await Constructs()).Select(c => c.Id.ToString())],
        nameof(IntraOpRecord) => [.. (await IntraOps()).Select(r => r.Id.ToString())],
        nameof(PromResponse) => [.. (await Proms()).Select(p => p.Id.ToString())],
        nameof(RoomDay) => [.. (await RoomDays()).Select(d => d.Id.ToString())],
        _ => null,
    };

    // Whose record an id names, in one small query, so a read of one record maps only that patient's records (issue #17:
    // a read of one Procedure mapped every case of the registry). Null when no record has the id.

    public Task<Guid?> PatientOfPatient(string id) => Task.FromResult(Guid.TryParse(id, out var g) ? g : (Guid?)null);

    public async Task<Guid?> PatientOfCase(string id) =>
        Guid.TryParse(id, out var g) ? await db.Cases.Where(c => c.Id == g).Select(c => (Guid?)c.PatientId).FirstOrDefaultAsync(ct) : null;

    public async Task<Guid?> PatientOfProm(string id) =>
        Guid.TryParse(id, out var g)
            ? await db.PromResponses.Where(p => p.Id == g).Join(db.Cases, p => p.CaseId, c => c.Id, (p, c) => (Guid?)c.PatientId).FirstOrDefaultAsync(ct)
            : null;

    public async Task<Guid?> PatientOfComponent(string id) =>
        Guid.TryParse(id, out var g) ? await db.Constructs.Where(c => c.Components.Any(p => p.Id == g)).Select(c => (Guid?)c.PatientId).FirstOrDefaultAsync(ct) : null;

    /// <summary>The record id an id starts with, before a '-' suffix ("{guid}-…"); null when it has none.</summary>
    private static string? IdPrefix(string id) => id.Length > 37 && id[36] == '-' ? id[..36] : null;

    /// <summary>Ids made of a case's id and a suffix (Condition "{case}-{key}", Consent "{case}-v{n}", a lab Observation).</summary>
    public async Task<Guid?> PatientOfCasePrefix(string id) => IdPrefix(id) is { } prefix ? await PatientOfCase(prefix) : null;

    /// <summary>An Observation is a case's lab result ("{case}-lab-{n}") or a PROM score ("{prom}-{code}").</summary>
    public async Task<Guid?> PatientOfCaseOrPromPrefix(string id) =>
        IdPrefix(id) is { } prefix ? await PatientOfCase(prefix) ?? await PatientOfProm(prefix) : null;

    public async Task<Hl7.Fhir.Model.Meta> Meta(string entity, object key, long version) => new()
    {
        VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        LastUpdated = await LastUpdated(entity, Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    public DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>A booking's local date and time in the hospital's zone as an instant with its offset.</summary>
    public DateTimeOffset Local(DateOnly date, TimeOnly t)
    {
        var utc = Time.ToUtc(date, t);
        var local = date.ToDateTime(t);
        return new DateTimeOffset(local, Time.Zone.GetUtcOffset(utc));
    }
}
