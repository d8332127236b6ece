using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>Pre-operative readiness: the record (date, results, H&amp;P, ASA), the evaluation, overrides and the patient's instructions.</summary>
internal static class ReadinessEndpoints
{
    public sealed record WorklistRow(int Number, string State, string Patient, string Mrn, DateTime? SurgeryUtc, int OpenBlocking, DateOnly? SoonestDue,
        IReadOnlyList<string> Open);

    public static IEndpointRouteBuilder MapReadinessApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").RequireAuthorization(Policies.Staff);
        cases.MapGet("/{id}/readiness", Get);
        cases.MapPut("/{id}/planned-surgery", (string id, PlannedSurgeryInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.SetPlannedSurgery(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapPost("/{id}/results", (string id, CaseHandlers.ResultInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.RecordResult(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapPost("/{id}/medication-stops", (string id, MedicationStops.StopInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, MedicationStops.Record(db, id, input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapPut("/{id}/history-physical", (string id, HistoryPhysicalInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.RecordHistoryPhysical(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapPost("/{id}/history-physical/update", (string id, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.RecordHistoryPhysicalUpdate(db, id, http.Request.IfMatchRevision(), http.User.ToCaseActor(), clock.UtcNow, ct), ct));
        cases.MapPut("/{id}/asa", (string id, AsaInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.RecordAsa(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), ct), ct));
        cases.MapPost("/{id}/mri-order", (string id, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.OrderMri(db, id, http.Request.IfMatchRevision(), http.User.ToCaseActor(), clock.UtcNow, ct), ct));
        cases.MapPost("/{id}/readiness/overrides", (string id, OverrideInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, CaseHandlers.OverrideReadiness(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock.UtcNow, ct), ct));
        cases.MapPost("/{id}/patient-informed", (string id, PatientInformed.Input input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(id, http, db, clock, PatientInformed.Record(db, id, input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapGet("/{id}/instructions/versions", InstructionVersions);
        cases.MapGet("/{id}/instructions.pdf", InstructionsPdf);
        cases.MapGet("/{id}/instructions.ics", InstructionsIcs);
        app.MapGet("/api/preop/worklist", Worklist).RequireAuthorization(Policies.Staff);
        return app;
    }

    private static async Task<Ok<ReadinessReport>> Respond(string id, HttpContext http, ExplantDbContext db, HospitalTime clock, Task<SurgicalCase> work, CancellationToken ct)
    {
        var c = await work;
        http.Response.SetETag(c.Revision);
        return TypedResults.Ok(await http.RequestServices.GetRequiredService<ReadinessService>().Evaluate(c, ct));
    }

    /// <summary>Every issue of the patient's instructions, oldest first (a changed time keeps the old version).</summary>
    private static async Task<Results<Ok<IReadOnlyList<InstructionVersion>>, ProblemHttpResult>> InstructionVersions(string id, ExplantDbContext db, CancellationToken ct)
    {
        var c = await CaseHandlers.Find(db, id, ct);
        return c is null ? TypedResults.Problem($"case {id} not found", statusCode: 404)
            : TypedResults.Ok<IReadOnlyList<InstructionVersion>>([.. c.InstructionVersions.OrderBy(v => v.Version)]);
    }

    private static async Task<Results<Ok<ReadinessReport>, ProblemHttpResult>> Get(string id, ExplantDbContext db, ReadinessService readiness, HttpResponse response, CancellationToken ct)
    {
        var c = await CaseHandlers.Find(db, id, ct);
        if (c is null)
        {
            return TypedResults.Problem($"case {id} not found", statusCode: 404);
        }
        response.SetETag(c.Revision);
        return TypedResults.Ok(await readiness.Evaluate(c, ct));
    }

    internal static async Task<PatientInstructions> Instructions(string id, ExplantDbContext db, ReadinessService readiness, HospitalTime time,
        IOptions<HospitalOptions> hospital, CancellationToken ct)
    {
        var c = await CaseHandlers.Find(db, id, ct) ?? throw new NotFoundException($"case {id}");
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        return PatientInstructions.From(await readiness.Evaluate(c, ct), patient, hospital.Value.Name, time.Zone);
    }

    private static async Task<FileContentHttpResult> InstructionsPdf(string id, ExplantDbContext db, ReadinessService readiness, HospitalTime time, IOptions<HospitalOptions> hospital, CancellationToken ct) =>
        TypedResults.File((await Instructions(id, db, readiness, time, hospital, ct)).ToPdf(), "application/pdf", $"explant-instructions-case-{id}.pdf");

    private static async Task<IResult> InstructionsIcs(string id, ExplantDbContext db, ReadinessService readiness, HospitalTime time, IOptions<HospitalOptions> hospital, CancellationToken ct)
    {
        var c = await CaseHandlers.Find(db, id, ct) ?? throw new NotFoundException($"case {id}");
        var text = (await Instructions(id, db, readiness, time, hospital, ct)).ToIcs(c.Id);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/calendar", $"explant-case-{id}.ics");
    }

    /// <summary>The nurse's pre-op worklist: cases between consent and theatre, those with something open first, soonest due first.</summary>
    internal static async Task<IReadOnlyList<WorklistRow>> BuildWorklist(ExplantDbContext db, ReadinessService readiness, CancellationToken ct)
    {
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.State == CaseState.Decided || c.State == CaseState.Consented || c.State == CaseState.Ready || c.State == CaseState.Scheduled)
            .ToListAsync(ct);
        var ids = cases.Select(c => c.PatientId).Distinct().ToList();
        var patients = await db.Patients.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var rows = new List<WorklistRow>();
        foreach (var c in cases)
        {
            var report = await readiness.Evaluate(c, ct);
            rows.Add(new WorklistRow(c.Number, c.State.ToString(), patients[c.PatientId].DisplayName, patients[c.PatientId].Mrn, c.PlannedSurgeryUtc,
                report.OpenBlocking.Count, report.SoonestDue, [.. report.OpenBlocking.Select(i => i.Title)]));
        }
        return [.. rows.OrderBy(r => r.OpenBlocking == 0).ThenBy(r => r.SoonestDue ?? DateOnly.MaxValue).ThenBy(r => r.SurgeryUtc ?? DateTime.MaxValue)];
    }

    private static async Task<Ok<IReadOnlyList<WorklistRow>>> Worklist(ExplantDbContext db, ReadinessService readiness, CancellationToken ct) =>
        TypedResults.Ok(await BuildWorklist(db, readiness, ct));
}
