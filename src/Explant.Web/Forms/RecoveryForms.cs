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
        app.MapPost("/forms/prom/{token}", Answer).AllowAnonymous();
        app.MapGet("/api/cases/{id}/discharge-instructions.pdf", Pdf).RequireAuthorization(Policies.Staff);
    }

    public static Task<IResult> Handle(string id, string action, IFormCollection f, RecoveryService s, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        var rev = Revision(f);
        var page = $"/cases/{id}/recovery";
        var anchor = action switch
        {
            "prom" or "link" => "#proms",
            "complication" => "#complications",
            "visit" or "missed" or "close" => "#follow-up",
            _ => "#discharge",
        };
        return Run(async () =>
        {
            switch (action)
            {
                case "open":
                    await s.Open(id, actor, ct);
                    return page;
                case "tick":
                    await s.Tick(id, rev, S(f, "criterion") ?? throw Invalid("criterion", "required"), actor, ct);
                    return page + "#discharge";
                case "discharge":
                    await s.Discharge(id, rev, new(Date(f, "date") ?? s.Today, S(f, "woundCare"), S(f, "activityLimits"), S(f, "painPlan"), S(f, "physioReferral") is "on" or "true"),
                        actor, ct);
                    return page + "#follow-up";
                case "visit":
                    await s.Visit(id, rev, new(S(f, "code") ?? throw Invalid("code", "required"), Date(f, "date") ?? s.Today, E<WoundStatus>(f, "wound"),
                        E<NeurologyStatus>(f, "neurology"), S(f, "imaging"), S(f, "note")), actor, ct);
                    return page + "#follow-up";
                case "missed":
                    await s.Missed(id, rev, Date(f, "date") ?? s.Today, S(f, "note") ?? "", actor, ct);
                    return page + "#follow-up";
                case "close":
                    await s.Close(id, rev, actor, ct);
                    return page + "#follow-up";
                case "prom":
                    if (!actor.IsIn([Roles.Nurse, Roles.Surgeon]))
                    {
                        throw new DomainRuleException("role:prom", "PROMs are recorded by a nurse or surgeon (patients use their link)", forbidden: true);
                    }
                    var (back, leg, odi) = Answers(f);
                    await s.RecordProm(id, new(S(f, "timePoint") ?? throw Invalid("timePoint", "required"), back, leg, odi), PromSource.Clinic, actor.Name, ct);
                    return page + "#proms";
                case "link":
                    var timePoint = S(f, "timePoint") ?? throw Invalid("timePoint", "required");
                    var token = await s.IssueLink(id, timePoint, actor, ct);
                    // Shown once on the page that follows; only the hash is stored.
                    return $"{page}?link={Uri.EscapeDataString($"{http.Request.Scheme}://{http.Request.Host}/prom/{token}")}&linkFor={Uri.EscapeDataString(timePoint)}#proms";
                case "complication":
                    var grade = ClavienDindo.TryParse(S(f, "grade"), out var g, out var error) ? g : throw Invalid("grade", error ?? "not a Clavien–Dindo grade");
                    await s.RecordComplication(id, new(S(f, "key") ?? throw Invalid("key", "required"), Date(f, "occurredOn") ?? throw Invalid("occurredOn", "required"), grade,
                        OptE<SsiDepth>(f, "ssiDepth"), S(f, "description") ?? ""), actor, ct);
                    return page + "#complications";
                default:
                    throw new NotFoundException($"recovery action '{action}'");
            }
        }, page + anchor);
    }

    /// <summary>The patient's answers through the one-time link; a used or expired link comes back with the reason.</summary>
    public static Task<IResult> Answer(string token, IFormCollection f, RecoveryService s, CancellationToken ct) =>
        Run(async () =>
        {
            var (back, leg, odi) = Answers(f);
            await s.AnswerByLink(token, back, leg, odi, ct);
            return $"/prom/{Uri.EscapeDataString(token)}?thanks=1";
        }, $"/prom/{Uri.EscapeDataString(token)}");

    /// <summary>NRS back and leg (blank = not answered) and the ten ODI sections odi0…odi9 (0–5, blank or "skip" = not answered).</summary>
    internal static (int? Back, int? Leg, List<int?> Odi) Answers(IFormCollection f)
    {
        int? Int(string key, int max) => S(f, key) is { } v && v != "skip"
            ? int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= max ? n : throw Invalid(key, $"'{v}' is not 0–{max}")
            : null;
        return (Int("backPain", NrsScore.Max), Int("legPain", NrsScore.Max), [.. Enumerable.Range(0, Odi.SectionCount).Select(i => Int($"odi{i}", 5))]);
    }

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
            end is { } u ? time.ToLocal(u) : null, s.Options.ContactText);
    }
}
