using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Api;

/// <summary>Recovery and discharge, follow-up, PROMs (including the patient's one-time link) and complications.</summary>
internal static class RecoveryEndpoints
{
    public sealed record LinkView(string Url, string TimePoint);
    public sealed record ComplicationView(Complication Complication, string Grade, bool? InGlobalPeriod, SsiWindowResult? SsiWindow);
    public sealed record RecoveryView(RecoveryRecord Record, int? LengthOfStayDays, bool? StayOutsideExpected, IReadOnlyList<FollowUpItemStatus> FollowUp,
        string? CloseReason, string CaseState);

    public static IEndpointRouteBuilder MapRecoveryApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/cases/{id}").RequireAuthorization(Policies.Staff);
        g.MapGet("/recovery", async (string id, HttpContext http, RecoveryService s, CancellationToken ct) =>
        {
            var (c, r) = await s.Find(id, ct);
            return View(http, s, r ?? throw new NotFoundException($"recovery record of case {c.Number}"), c.State.ToString());
        });
        g.MapPost("/recovery", async (string id, HttpContext http, RecoveryService s, CancellationToken ct) => await Respond(http, s, await s.Open(id, http.User.ToCaseActor(), ct), id, ct));
        // Every write binds the Core input record and calls its one command; nothing is parsed or defaulted here.
        g.MapPost("/recovery/criteria", async (string id, CriterionInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
            await Respond(http, s, await s.Tick(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/recovery/discharge", async (string id, DischargeInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
            await Respond(http, s, await s.Discharge(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/recovery/visits", async (string id, VisitInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
            await Respond(http, s, await s.Visit(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/recovery/missed", async (string id, MissedContactInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
            await Respond(http, s, await s.Missed(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/recovery/close", async (string id, HttpContext http, RecoveryService s, CancellationToken ct) =>
            await Respond(http, s, await s.Close(id, http.Request.IfMatchRevision(), http.User.ToCaseActor(), ct), id, ct));

        g.MapGet("/proms", async (string id, RecoveryService s, CancellationToken ct) =>
        {
            var (c, _) = await s.Find(id, ct);
            return TypedResults.Ok(await s.Trajectory(c, ct));
        });
        g.MapPost("/proms", async (string id, PromInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
            TypedResults.Created($"/api/cases/{id}/proms", await s.RecordProm(id, i, http.User.ToCaseActor(), ct)));
        g.MapPost("/prom-links", async (string id, LinkInput i, HttpContext http, RecoveryService s, CancellationToken ct) =>
        {
            var token = await s.IssueLink(id, i, http.User.ToCaseActor(), ct);
            return TypedResults.Created($"/prom/{token}", new LinkView($"{http.Request.Scheme}://{http.Request.Host}/prom/{token}", i.TimePoint!.Trim()));
        });

        g.MapGet("/complications", async (string id, RecoveryService s, ExplantDbContext db, CancellationToken ct) =>
        {
            var (c, _) = await s.Find(id, ct);
            var list = (await db.Complications.AsNoTracking().Where(x => x.CaseId == c.Id).ToListAsync(ct)).OrderBy(x => x.OccurredOn).ToList();
            var theatre = await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
            return TypedResults.Ok(list.Select(x => ViewOf(s, c, theatre, x)).ToList());
        });
        g.MapPost("/complications", async (string id, ComplicationInput i, HttpContext http, RecoveryService s, ExplantDbContext db, CancellationToken ct) =>
        {
            var x = await s.RecordComplication(id, i, http.User.ToCaseActor(), ct);
            var (c, _) = await s.Find(id, ct);
            return TypedResults.Created($"/api/cases/{id}/complications", ViewOf(s, c, await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct), x));
        });
        return app;
    }

    private static ComplicationView ViewOf(RecoveryService s, Explant.Core.Cases.SurgicalCase c, Explant.Core.Theatre.IntraOpRecord? theatre, Complication x)
    {
        var surgery = theatre is null ? (DateOnly?)null : s.SurgeryDate(theatre);
        return new ComplicationView(x, x.ClavienDindo.ToString(),
            surgery is { } d ? x.InGlobalPeriod(d, s.GlobalPeriod(c)) : null,
            surgery is { } sd && x.SsiDepth is { } depth ? SsiSurveillance.Evaluate(sd, x.OccurredOn, depth, s.Outcomes.Ssi) : null);
    }

    private static async Task<Ok<RecoveryView>> Respond(HttpContext http, RecoveryService s, RecoveryRecord r, string id, CancellationToken ct)
    {
        var (c, _) = await s.Find(id, ct);
        return View(http, s, r, c.State.ToString());
    }

    private static Ok<RecoveryView> View(HttpContext http, RecoveryService s, RecoveryRecord r, string state)
    {
        http.Response.SetETag(r.Revision);
        return TypedResults.Ok(new RecoveryView(r, r.LengthOfStayDays, r.StayOutsideExpected, r.StatusOn(s.Today), r.CloseReason(s.Options), state));
    }
}
