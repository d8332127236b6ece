using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Explant.Core.Recovery;
using Explant.Core.Theatre;
using Explant.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Explant.Web.Forms.FormEndpoints;

namespace Explant.Web.Forms;

/// <summary>
/// Form posts of the recovery page (staff) and the patient's one-time PROM link (anonymous: the token is the
/// credential, antiforgery still applies), plus the discharge instructions PDF.
/// </summary>
internal static class RecoveryForms
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder forms)
    {
        forms.MapPost("/recovery/{id}/{action}", Handle);
        // Rate-limited like sign-in: the link is the credential, so guessing links is throttled per address.
        app.MapPost("/forms/prom/{token}", Answer).AllowAnonymous().RequireRateLimiting(Explant.Web.Auth.SignInProtection.Policy);
        app.MapGet("/api/cases/{id}/discharge-instructions.pdf", Pdf).RequireAuthorization(Policies.Staff);
    }

    public static Task<IResult> Handle(string id, string action, IFormCollection f, RecoveryService s, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        var page = $"/cases/{id}/recovery";
        var anchor = action switch
        {
            "prom" or "link" => "#proms",
            "complication" => "#complications",
            "visit" or "missed" or "close" => "#follow-up",
            _ => "#discharge",
        };
        string? Field(string key) => S(f, key);
        // Each case binds the same Core input record as the JSON endpoint (FromForm) and calls the same command.
        return Run(http, f, action, page + anchor, async () =>
        {
            var rev = FormRevision(f);
            switch (action)
            {
                case "open":
                    await s.Open(id, actor, ct);
                    return page;
                case "tick":
                    await s.Tick(id, rev, CriterionInput.FromForm(Field), actor, ct);
                    return page + "#discharge";
                case "discharge":
                    await s.Discharge(id, rev, DischargeInput.FromForm(Field), actor, ct);
                    return page + "#follow-up";
                case "visit":
                    await s.Visit(id, rev, VisitInput.FromForm(Field), actor, ct);
                    return page + "#follow-up";
                case "missed":
                    await s.Missed(id, rev, MissedContactInput.FromForm(Field), actor, ct);
                    return page + "#follow-up";
                case "close":
                    await s.Close(id, rev, actor, ct);
                    return page + "#follow-up";
                case "prom":
                    await s.RecordProm(id, PromInput.FromForm(Field), actor, ct);
                    return page + "#proms";
                case "link":
                    var input = LinkInput.FromForm(Field);
                    var token = await s.IssueLink(id, input, actor, ct);
                    // Shown once on the page that follows (a cookie for that page, not the URL); only the hash is stored.
                    OneTimeNotice.Set(http, page, $"{input.TimePoint!.Trim()}\n{http.Request.Scheme}://{http.Request.Host}/prom/{token}");
                    return page + "#proms";
                case "complication":
                    await s.RecordComplication(id, ComplicationInput.FromForm(Field), actor, ct);
                    return page + "#complications";
                default:
                    throw new NotFoundException($"recovery action '{action}'");
            }
        });
    }

    /// <summary>The patient's answers through the one-time link; a used or expired link comes back with the reason.</summary>
    public static Task<IResult> Answer(string token, IFormCollection f, RecoveryService s, HttpContext http, CancellationToken ct) =>
        Run(http, f, "prom", $"/prom/{Uri.EscapeDataString(token)}", async () =>
        {
            await s.AnswerByLink(token, PromAnswers.FromForm(key => S(f, key)), ct);
            return $"/prom/{Uri.EscapeDataString(token)}?thanks=1";
        });

    /// <summary>The hidden revision field; a malformed one is a refused field, not a 500 (FormEndpoints.Revision parses without trying).</summary>
    private static long? FormRevision(IFormCollection f) =>
        S(f, "revision") is not { } r ? null
        : long.TryParse(r, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
        : throw Invalid("revision", "not a revision number; reload the page");

    private static async Task<IResult> Pdf(string id, ExplantDbContext db, RecoveryService s, ReadinessService readiness, HospitalTime time,
        IOptions<HospitalOptions> hospital, CancellationToken ct) =>
        TypedResults.File((await Instructions(id, db, s, readiness, time, hospital.Value, ct)).ToPdf(), "application/pdf", $"explant-discharge-case-{id}.pdf");

    /// <summary>The discharge instructions of a case (page and PDF).</summary>
    internal static async Task<DischargeInstructions> Instructions(string id, ExplantDbContext db, RecoveryService s, ReadinessService readiness, HospitalTime time,
        HospitalOptions hospital, CancellationToken ct)
    {
        var (c, record) = await s.Find(id, ct);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var definition = (await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct))?.Parse();
        var theatre = await db.IntraOpRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == c.Id, ct);
        var end = theatre is null ? null : theatre.At(Milestone.ClosureEnd) ?? theatre.At(Milestone.OutOfRoom);
        IReadOnlyList<HoldInstruction> holds;
        try
        {
            holds = (await readiness.Evaluate(c, ct)).Holds;
        }
        catch (Exception e) when (e is DomainRuleException or NotFoundException)
        {
            holds = [];
        }
        return DischargeInstructions.From($"{patient.GivenName} {patient.FamilyName}", hospital.Name, c.Number, time.Zone, record, definition, holds,
            end is { } u ? time.ToLocal(u) : null, HospitalContact.From(hospital), s.Options.FeverThresholdCelsius);
    }
}
