using System.Globalization;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Theatre;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>Day of surgery: check-in, WHO checklist, milestones, findings, reconciliation and the operative note.</summary>
internal static class TheatreEndpoints
{
    // The bodies are Core's command records (TheatreCommands.cs): the endpoint binds and renders, the command validates.
    public sealed record StepInput(bool? Done, string? Note);
    public sealed record SectionInput(string? Text);
    public sealed record AccountInput(ExplantOutcome? Outcome, ComponentCondition? Condition, string? Detail, bool? RetrievalAnalysis, string? Disposition);

    public sealed record ItemView(string Id, string Phase, string Text, string Source, bool AllowNotApplicable, string Owner, Tick? Tick);
    public sealed record RecordView(IntraOpRecord Record, string? CurrentPhase, string? NextMilestone, IReadOnlyList<ItemView> Checklist,
        IReadOnlyList<string> ProphylaxisFlags, int UnaccountedPlanned, string CaseState);

    public static IEndpointRouteBuilder MapTheatreApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/cases/{id}").RequireAuthorization(Policies.Staff);
        g.MapGet("/theatre", async (string id, HttpContext http, TheatreService s, CancellationToken ct) =>
        {
            var (c, r) = await s.Find(id, ct);
            return r is null ? throw new NotFoundException($"theatre record of case {c.Number} (not checked in)") : View(http, s, r, c.State.ToString());
        });
        g.MapPost("/check-in", async (string id, CheckInCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.CheckIn(id, i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/theatre/ticks", async (string id, TickCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Tick(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/theatre/levels", async (string id, LevelsCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.ConfirmLevels(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/theatre/milestones", async (string id, MilestoneCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Milestone(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPut("/theatre/steps/{index:int}", async (string id, int index, StepInput i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Step(id, http.Request.IfMatchRevision(), new(index, i.Done ?? false, i.Note), http.User.ToCaseActor(), ct), id, ct));
        g.MapPut("/theatre/findings", async (string id, FindingsCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Findings(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPut("/theatre/prophylaxis", async (string id, ProphylaxisCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Prophylaxis(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/theatre/specimens", async (string id, SpecimenCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Specimen(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPut("/theatre/counts", async (string id, CountsCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Counts(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));
        g.MapPut("/theatre/explants/{lineId:guid}", async (string id, Guid lineId, AccountInput i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.Account(id, http.Request.IfMatchRevision(),
                new(lineId, i.Outcome, i.Condition, i.Detail, i.RetrievalAnalysis ?? false, i.Disposition), http.User.ToCaseActor(), ct), id, ct));
        g.MapPost("/theatre/explants", async (string id, UnplannedCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            await Respond(http, s, await s.AddUnplanned(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct), id, ct));

        g.MapGet("/note", async (string id, HttpContext http, TheatreService s, CancellationToken ct) =>
        {
            var (c, _) = await s.Find(id, ct);
            return Note(http, await s.Note(c, ct) ?? throw new NotFoundException($"operative note of case {c.Number}"));
        });
        g.MapPost("/note", async (string id, HttpContext http, TheatreService s, CancellationToken ct) => Note(http, await s.GenerateNote(id, http.User.ToCaseActor(), ct)));
        g.MapPut("/note/sections/{key}", async (string id, string key, SectionInput i, HttpContext http, TheatreService s, CancellationToken ct) =>
            Note(http, await s.EditNote(id, http.Request.IfMatchRevision(), new(key, i.Text), http.User.ToCaseActor(), ct)));
        g.MapPost("/note/sign", async (string id, HttpContext http, TheatreService s, CancellationToken ct) =>
            Note(http, await s.SignNote(id, http.Request.IfMatchRevision(), http.User.ToCaseActor(), ct)));
        g.MapPost("/note/addenda", async (string id, AddendumCommand i, HttpContext http, TheatreService s, CancellationToken ct) =>
            Note(http, await s.AddAddendum(id, http.Request.IfMatchRevision(), i, http.User.ToCaseActor(), ct)));
        g.MapGet("/note.pdf", async (string id, TheatreService s, HospitalTime time, IOptions<HospitalOptions> hospital, CancellationToken ct) =>
        {
            var (c, _) = await s.Find(id, ct);
            var note = await s.Note(c, ct) ?? throw new NotFoundException($"operative note of case {c.Number}");
            return TypedResults.File(note.ToPdf(hospital.Value.Name, u => time.ToLocal(u).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), "application/pdf", $"operative-note-{c.Number}.pdf");
        });
        return app;
    }

    private static Ok<OperativeNote> Note(HttpContext http, OperativeNote note)
    {
        http.Response.SetETag(note.Revision);
        return TypedResults.Ok(note);
    }

    private static async Task<Ok<RecordView>> Respond(HttpContext http, TheatreService s, IntraOpRecord r, string id, CancellationToken ct)
    {
        var (c, _) = await s.Find(id, ct);
        return View(http, s, r, c.State.ToString());
    }

    private static Ok<RecordView> View(HttpContext http, TheatreService s, IntraOpRecord r, string state)
    {
        http.Response.SetETag(r.Revision);
        return TypedResults.Ok(new RecordView(r, r.CurrentPhase?.ToString(), r.NextMilestone?.ToString(),
            [.. r.Checklist.Select(i => new ItemView(i.Id, i.Phase.ToString(), i.Text, i.Source, i.AllowNotApplicable, i.Owner, r.Ticks.FirstOrDefault(t => t.ItemId == i.Id)))],
            r.ProphylaxisFlags(s.Options), r.UnaccountedPlanned.Count, state));
    }
}
