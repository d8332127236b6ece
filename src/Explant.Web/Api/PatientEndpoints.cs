using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Api;

/// <summary>Patients, the constructs in their spine and their imaging.</summary>
internal static class PatientEndpoints
{
    public sealed record PatientSummary(Guid Id, string Facility, string Mrn, string Name, DateOnly BirthDate, int Age, string Sex);

    public sealed record ConstructSummary(Guid Id, string Approach, string? Manufacturer, string? SystemName, string? Span, int Components, string? SuggestedCode);

    public sealed record CaseSummary(Guid Id, int Number, string State, string ProcedureCode, string Surgeon);

    public sealed record PatientDetail(Guid Id, string Facility, string Mrn, string FamilyName, string GivenName, DateOnly BirthDate, int Age, string Sex,
        decimal? WeightKg, decimal? HeightCm, IReadOnlyList<string> Allergies, IReadOnlyList<Medication> Medications, long Revision,
        IReadOnlyList<ConstructSummary> Constructs, IReadOnlyList<ImagingStudy> Imaging, IReadOnlyList<CaseSummary> Cases);

    public sealed record ConstructDetail(Guid Id, Guid PatientId, DateOnly? ImplantedOn, string? ImplantedAt, string Approach, string? SourceProcedure,
        string? Manufacturer, string? SystemName, string? Comment, string? Span, ConstructClassification Classification,
        IReadOnlyList<Component> Components, long Revision);

    public static IEndpointRouteBuilder MapPatientApi(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/api/patients").RequireAuthorization(Policies.Staff);
        patients.MapGet("/", Search);
        patients.MapPost("/", Register);
        patients.MapGet("/{id:guid}", Get);
        patients.MapPut("/{id:guid}", Update);
        patients.MapPost("/{id:guid}/constructs", RecordConstruct);
        patients.MapPost("/{id:guid}/imaging", RecordImaging);

        var constructs = app.MapGroup("/api/constructs").RequireAuthorization(Policies.Staff);
        constructs.MapGet("/{id:guid}", GetConstruct);
        constructs.MapPost("/{id:guid}/components", AddComponent);
        constructs.MapGet("/{id:guid}/diagram.svg", Diagram);
        return app;
    }

    /// <summary>One page of patients (<c>?q=&amp;page=&amp;pageSize=</c>, default 50, at most 200).</summary>
    private static async Task<Ok<Paged<PatientSummary>>> Search(string? q, string? page, string? pageSize, ExplantDbContext db, HospitalTime clock, CancellationToken ct)
    {
        var request = Paging.Parse(page, pageSize);
        var today = clock.Today;
        var found = await PatientHandlers.Search(db, q, request, ct);
        return TypedResults.Ok(request.Of<PatientSummary>([.. found.Items.Select(p => new PatientSummary(p.Id, p.Facility, p.Mrn, p.DisplayName, p.BirthDate, p.AgeOn(today), p.Sex.ToString()))],
            found.Total));
    }

    // The writes below bind the input and render the result; role, parsing, defaults and validation are the Core command's.
    private static async Task<Created<PatientDetail>> Register(PatientInput input, ExplantDbContext db, HospitalTime clock, HttpContext http, HttpResponse response,
        CancellationToken ct)
    {
        var patient = await PatientHandlers.Register(db, input, http.User.ToCaseActor(), clock, ct);
        response.SetETag(patient.Revision);
        return TypedResults.Created($"/api/patients/{patient.Id}", await Detail(db, patient, clock.Today, ct));
    }

    private static async Task<Results<Ok<PatientDetail>, ProblemHttpResult>> Get(Guid id, ExplantDbContext db, HospitalTime clock, HttpResponse response, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return TypedResults.Problem($"patient {id} not found", statusCode: 404);
        }
        response.SetETag(patient.Revision);
        return TypedResults.Ok(await Detail(db, patient, clock.Today, ct));
    }

    private static async Task<Ok<PatientDetail>> Update(Guid id, PatientInput input, ExplantDbContext db, HospitalTime clock, HttpContext http, HttpResponse response,
        CancellationToken ct)
    {
        var patient = await PatientHandlers.Update(db, id, input, http.Request.IfMatchRevision(), http.User.ToCaseActor(), clock, ct);
        response.SetETag(patient.Revision);
        return TypedResults.Ok(await Detail(db, patient, clock.Today, ct));
    }

    internal static async Task<PatientDetail> Detail(ExplantDbContext db, Patient p, DateOnly today, CancellationToken ct)
    {
        var constructs = await db.Constructs.AsNoTracking().Where(c => c.PatientId == p.Id).ToListAsync(ct);
        var imaging = await db.ImagingStudies.AsNoTracking().Where(s => s.PatientId == p.Id).ToListAsync(ct);
        var cases = await db.Cases.AsNoTracking().Where(c => c.PatientId == p.Id).ToListAsync(ct);
        return new PatientDetail(p.Id, p.Facility, p.Mrn, p.FamilyName, p.GivenName, p.BirthDate, p.AgeOn(today), p.Sex.ToString(), p.WeightKg, p.HeightCm,
            p.Allergies, p.Medications, p.Revision,
            [.. constructs.Select(c => new ConstructSummary(c.Id, c.Approach.ToString(), c.Manufacturer, c.SystemName, c.Span?.ToString(), c.Components.Count, c.Classify().SuggestedCode))],
            [.. imaging.OrderByDescending(s => s.StudyDate)],
            [.. cases.OrderBy(c => c.Number).Select(c => new CaseSummary(c.Id, c.Number, c.State.ToString(), c.ProcedureCode, c.Surgeon))]);
    }

    private static async Task<Created<ConstructDetail>> RecordConstruct(Guid id, ConstructInput input, ExplantDbContext db, HospitalTime clock, HttpContext http,
        HttpResponse response, CancellationToken ct)
    {
        var construct = await ConstructHandlers.Record(db, id, input, http.User.ToCaseActor(), clock, ct);
        response.SetETag(construct.Revision);
        return TypedResults.Created($"/api/constructs/{construct.Id}", ToDetail(construct));
    }

    private static async Task<Results<Ok<ConstructDetail>, ProblemHttpResult>> GetConstruct(Guid id, ExplantDbContext db, HttpResponse response, CancellationToken ct)
    {
        var construct = await db.Constructs.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (construct is null)
        {
            return TypedResults.Problem($"construct {id} not found", statusCode: 404);
        }
        response.SetETag(construct.Revision);
        return TypedResults.Ok(ToDetail(construct));
    }

    private static async Task<Ok<ConstructDetail>> AddComponent(Guid id, Construct.ComponentInput input, ExplantDbContext db, HospitalTime time, HttpContext http, HttpResponse response,
        CancellationToken ct)
    {
        var construct = await ConstructHandlers.AddComponent(db, id, input, http.Request.IfMatchRevision(), http.User.ToCaseActor(), time, ct);
        response.SetETag(construct.Revision);
        return TypedResults.Ok(ToDetail(construct));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Diagram(Guid id, Guid? caseId, ExplantDbContext db, CancellationToken ct)
    {
        var construct = await db.Constructs.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (construct is null)
        {
            return TypedResults.Problem($"construct {id} not found", statusCode: 404);
        }
        var planned = caseId is { } cid ? (await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cid, ct))?.PlannedComponentIds : null;
        return TypedResults.Content(SpineDiagram.Render(construct, planned), "image/svg+xml");
    }

    internal static ConstructDetail ToDetail(Construct c) =>
        new(c.Id, c.PatientId, c.ImplantedOn, c.ImplantedAt, c.Approach.ToString(), c.SourceProcedure, c.Manufacturer, c.SystemName, c.Comment,
            c.Span?.ToString(), c.Classify(), c.Components, c.Revision);

    private static async Task<Created<ImagingStudy>> RecordImaging(Guid id, ImagingInput input, ExplantDbContext db, HospitalTime clock, HttpContext http, CancellationToken ct)
    {
        var study = await ConstructHandlers.RecordImaging(db, id, input, http.User.ToCaseActor(), clock, ct);
        return TypedResults.Created($"/api/patients/{id}", study);
    }
}
