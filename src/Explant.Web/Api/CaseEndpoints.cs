using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>
/// The surgical case and its pathway. Every write answers with the case view and its ETag; a refused step
/// answers 409/422 (or 403 for a missing role) naming the rule.
/// </summary>
internal static class CaseEndpoints
{
    public sealed record ConsentDocumentResponse(int Version, int PlanRevision, string Document, bool Current, bool FullySigned, DateTime? WithdrawnAtUtc);

    public static IEndpointRouteBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/pathway/transitions", () => TypedResults.Ok(new
        {
            markdown = CaseTransitions.ToMarkdown(),
            transitions = CaseTransitions.Table.Select(t => new
            {
                trigger = t.Trigger.ToString(), from = t.From.Select(f => f.ToString()), to = t.To.ToString(),
                firedBy = t.FiredByPerson ? "person" : "system", step = t.Step, roles = t.Roles, guard = t.GuardText,
            }),
        })).RequireAuthorization(Policies.Staff);

        // The people a case can name as its surgeon: accounts holding the surgeon role (issue #12 §6).
        app.MapGet("/api/surgeons", async (ExplantDbContext db, CancellationToken ct) => TypedResults.Ok(await Accounts.InRole(db, Roles.Surgeon, ct)))
            .RequireAuthorization(Policies.Staff);

        var cases = app.MapGroup("/api/cases").RequireAuthorization(Policies.Staff);
        cases.MapGet("/", List);
        cases.MapPost("/", Open);
        cases.MapGet("/{id}", Get);
        // Each write binds its input record and calls its one Core command (role first, defaults, validation, save).
        cases.MapPut("/{id}/plan", (string id, PlanInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.SetPlan(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/indications", (string id, IndicationInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.AddIndication(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), ct), ct));
        cases.MapDelete("/{id}/indications/{key}", (string id, string key, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.RemoveIndication(db, id, http.Request.IfMatchRevision(), key, http.User.ToCaseActor(), ct), ct));
        cases.MapPut("/{id}/evidence/infection", (string id, InfectionInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.RecordInfectionEvidence(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock, ct), ct));
        cases.MapPost("/{id}/evidence/fusion", (string id, FusionEvidenceInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, IOptions<PathwayOptions> options, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.LinkFusionEvidence(db, id, http.Request.IfMatchRevision(), input.ImagingStudyId, options.Value, http.User.ToCaseActor(), ct), ct));
        cases.MapPost("/{id}/evidence/fusion-override", (string id, ReasonInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.OverrideFusionEvidence(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/decision", (string id, DecisionInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.RecordDecision(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/hand-over", (string id, CaseHandlers.HandOverInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.HandOver(db, id, http.Request.IfMatchRevision(), input, http.User.ToCaseActor(), clock.UtcNow, ct), ct));
        cases.MapPost("/{id}/consents", GenerateConsent);
        cases.MapGet("/{id}/consents/{version:int}", GetConsent);
        cases.MapPost("/{id}/consents/{version:int}/patient-signature", (string id, int version, SignatureInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.SignConsentAsPatient(db, id, http.Request.IfMatchRevision(), version, input, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/consents/{version:int}/surgeon-signature", (string id, int version, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.SignConsentAsSurgeon(db, id, http.Request.IfMatchRevision(), version, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/consents/{version:int}/withdraw", (string id, int version, ReasonInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct) =>
            Respond(http, db, clock, CaseHandlers.WithdrawConsent(db, id, http.Request.IfMatchRevision(), version, input, http.User.ToCaseActor(), Now(clock), ct), ct));
        cases.MapPost("/{id}/transitions/{trigger}", (string id, string trigger, TransitionInput? input, HttpContext http, ExplantDbContext db, HospitalTime clock, ReadinessService readiness, CancellationToken ct) =>
            Respond(http, db, clock, readiness.Fire(id, http.Request.IfMatchRevision(), trigger, input, http.User.ToCaseActor(), ct), ct));
        return app;
    }

    private static DateTime Now(HospitalTime clock) => clock.UtcNow;

    private static async Task<Ok<CaseView>> Respond(HttpContext http, ExplantDbContext db, HospitalTime clock, Task<SurgicalCase> work, CancellationToken ct)
    {
        var c = await work;
        http.Response.SetETag(c.Revision);
        return TypedResults.Ok(await LoadView(http, db, clock, c, ct));
    }

    /// <summary>One page of cases (<c>?page=&amp;pageSize=</c>, default 50, at most 200), optionally by state and search text (number, MRN, name).</summary>
    private static async Task<Ok<Paged<CaseListItem>>> List(string? state, string? q, string? page, string? pageSize, ExplantDbContext db, CancellationToken ct)
    {
        var request = Paging.Parse(page, pageSize);
        return TypedResults.Ok(await CaseList.Page(db, CaseList.ParseState(state), q, request, ct));
    }

    private static async Task<Created<CaseView>> Open(CaseHandlers.OpenInput input, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct)
    {
        var c = await CaseHandlers.Open(db, input, http.User.ToCaseActor(), clock.UtcNow, ct);
        http.Response.SetETag(c.Revision);
        return TypedResults.Created($"/api/cases/{c.Number}", await CaseView.Load(db, c, clock.Today, ct));
    }

    private static async Task<Results<EncodedJson<CaseView>, ProblemHttpResult>> Get(string id, HttpContext http, ExplantDbContext db, CaseReadCache cache, SqliteHotReads hot,
        ReadinessService readiness, CancellationToken ct)
    {
        if (await CaseInputs.FindForRead(db, cache, hot, id, ct) is not { } found)
        {
            return TypedResults.Problem($"case {id} not found", statusCode: 404);
        }
        http.Response.SetETag(found.Case.Revision);
        return new EncodedJson<CaseView>(found.Evaluate(readiness).View);
    }

    // The patient, construct, imaging and definition are loaded once and shared by the readiness evaluation and the view
    // (a fixed number of queries per read, pinned by QueryCountTests).
    private static async Task<CaseView> LoadView(HttpContext http, ExplantDbContext db, HospitalTime clock, SurgicalCase c, CancellationToken ct) =>
        ViewOf(http, clock, c, await CaseInputs.LoadAsync(db, c, ct));

    private static CaseView ViewOf(HttpContext http, HospitalTime clock, SurgicalCase c, CaseInputs inputs) =>
        CaseView.From(c, inputs.Patient, inputs.Construct, clock.Today, http.RequestServices.GetRequiredService<ReadinessService>().Evaluate(c, inputs));

    private static async Task<Created<ConsentDocumentResponse>> GenerateConsent(string id, HttpContext http, ExplantDbContext db, HospitalTime clock, CancellationToken ct)
    {
        var (c, consent) = await CaseHandlers.GenerateConsent(db, id, http.Request.IfMatchRevision(), http.User.ToCaseActor(), Now(clock), clock.Today, ct);
        http.Response.SetETag(c.Revision);
        return TypedResults.Created($"/api/cases/{c.Number}/consents/{consent.Version}", ToResponse(c, consent));
    }

    private static async Task<Results<Ok<ConsentDocumentResponse>, ProblemHttpResult>> GetConsent(string id, int version, ExplantDbContext db, CancellationToken ct)
    {
        var c = await CaseHandlers.Find(db, id, ct);
        var consent = c?.Consents.FirstOrDefault(x => x.Version == version);
        return consent is null
            ? TypedResults.Problem($"case {id} has no consent version {version}", statusCode: 404)
            : TypedResults.Ok(ToResponse(c!, consent));
    }

    private static ConsentDocumentResponse ToResponse(SurgicalCase c, ConsentRecord consent) =>
        new(consent.Version, consent.PlanRevision, consent.Document, ReferenceEquals(consent, c.CurrentConsent), consent.FullySigned, consent.WithdrawnAtUtc);
}
