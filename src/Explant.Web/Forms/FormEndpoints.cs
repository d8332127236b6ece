using System.Globalization;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Readiness;
using Explant.Web.Api;
using Microsoft.Extensions.Options;

namespace Explant.Web.Forms;

/// <summary>
/// HTML form posts of the clinician UI (static server rendering, post–redirect–get). They call the same Core
/// handlers as the JSON API; a refused step comes back to the page as ?error=… with the rule's message
/// in plain words and ?form=… naming the form, which the page shows beside that form, prefilled with what was typed.
/// Antiforgery is validated for every form-bound endpoint.
/// </summary>
internal static class FormEndpoints
{
    public static IEndpointRouteBuilder MapFormEndpoints(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/forms").RequireAuthorization(Policies.Staff);
        PatientForms.Map(forms);
        forms.MapPost("/patients/{id:guid}/cases", OpenCase);
        forms.MapPost("/cases/{id}/{action}", CaseAction);
        forms.MapPost("/bookings", BookForm);
        forms.MapPost("/proposal/accept", AcceptProposal);
        forms.MapPost("/theatre/{id}/{action}", TheatreForms.Handle);
        RecoveryForms.Map(app, forms);
        return app;
    }

    internal static string? S(IFormCollection f, string key) => f[key].ToString() is { Length: > 0 } v ? v.Trim() : null;

    internal static decimal? D(IFormCollection f, string key) =>
        // A '.' decimal only: "1,2" is not 12 (thousands separators would turn a typo into a plausible value).
        S(f, key) is { } v ? decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : throw Invalid(key, $"'{v}' is not a number (use a '.' for decimals)") : null;

    internal static DateOnly? Date(IFormCollection f, string key) =>
        S(f, key) is { } v ? DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw Invalid(key, $"'{v}' is not a date (YYYY-MM-DD)") : null;

    internal static T E<T>(IFormCollection f, string key) where T : struct, Enum => Explant.Core.Validation.EnumText.Parse<T>(key, S(f, key));

    internal static T? OptE<T>(IFormCollection f, string key) where T : struct, Enum => S(f, key) is null ? null : E<T>(f, key);

    internal static ValidationException Invalid(string key, string message) => new(new Dictionary<string, string[]> { [key] = [message] });

    /// <summary>The revision the page was rendered from; a malformed one is bad input (400-style), never a 500.</summary>
    internal static long? Revision(IFormCollection f) =>
        S(f, "revision") is { } r ? long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid("revision", $"'{r}' is not a revision") : null;

    internal static int Int(IFormCollection f, string key) =>
        S(f, key) is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : throw Invalid(key, $"'{S(f, key)}' is not a whole number");

    /// <summary>The page to return to after a successful post, with the plain-words message it shows (issue #13 §5).</summary>
    internal static string Done(string path, string message, string fragment = "")
    {
        var sep = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return $"{path}{sep}saved={Uri.EscapeDataString(message)}{fragment}";
    }

    /// <summary>
    /// Runs the action posted by the page's form <paramref name="form"/>. A refusal goes back to <paramref name="back"/> with
    /// the reason in plain words (field labels, people by name) and ?form= naming the form, so the page shows the reason
    /// beside that form and prefills it with what was typed (<see cref="TypedInput"/>).
    /// </summary>
    internal static async Task<IResult> Run(HttpContext http, IFormCollection f, string form, string back, Func<Task<string>> action)
    {
        try
        {
            return Results.LocalRedirect(await action());
        }
        catch (Exception e) when (e is ValidationException or DomainRuleException or StaleRevisionException or NotFoundException
            or Explant.Core.Scheduling.BookingConflictException)
        {
            var message = e is ValidationException v ? FieldLabels.Message(v.Errors) : e.Message;
            if (http.User.Identity?.IsAuthenticated == true && message.Contains('@', StringComparison.Ordinal))
            {
                // Rules name accounts by e-mail (that is what they store); a person reads names. Staff only: the
                // anonymous PROM page never learns staff names. A fresh context: the request's may hold the refused change.
                await using var scope = http.RequestServices.CreateAsyncScope();
                var names = await Explant.Core.Auth.Accounts.DisplayNames(scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), http.RequestAborted);
                message = names.InText(message);
            }
            var (path, fragment) = back.Split('#') is [var p, var frag] ? (p, "#" + frag) : (back, "");
            var sep = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
            TypedInput.Keep(http, path.Split('?')[0], form, f);
            return Results.LocalRedirect($"{path}{sep}error={Uri.EscapeDataString(message)}&form={Uri.EscapeDataString(form)}{fragment}");
        }
    }

    private static Task<IResult> OpenCase(Guid id, IFormCollection f, ExplantDbContext db, HospitalTime clock, HttpContext http, CancellationToken ct) =>
        Run(http, f, "open-case", $"/patients/{id}#cases", async () =>
        {
            // A blank construct reaches the command (which refuses it naming constructId after the role check); a
            // malformed id is refused here by Core's form reader.
            var fields = new Explant.Core.Validation.FormFields(k => f[k].ToString());
            var input = new CaseHandlers.OpenInput(id, fields.Id("constructId"), fields.Text("procedureCode"), null, fields.Text("surgeon"));
            fields.ThrowIfAny();
            var c = await CaseHandlers.Open(db, input, http.User.ToCaseActor(), clock.UtcNow, ct);
            return $"/cases/{c.Number}";
        });

    /// <summary>The board's booking form: the same command as POST /api/bookings; on a refusal the choices come back to the form.</summary>
    private static async Task<IResult> BookForm(IFormCollection f, ExplantDbContext db, ReadinessService readiness, HospitalTime time,
        IOptions<Explant.Core.Scheduling.SchedulingOptions> options, HttpContext http, CancellationToken ct)
    {
        var team = Explant.Core.Scheduling.TeamRoles.All.Where(r => S(f, $"team-{r}") is not null).Select(r => new Explant.Core.Scheduling.BookCase.TeamMember(r, S(f, $"team-{r}")!)).ToList();
        try
        {
            var command = Explant.Core.Scheduling.BookCase.Parse(new(S(f, "case"), S(f, "roomId"), S(f, "date"), S(f, "start"), S(f, "durationMinutes"), S(f, "overrideReason"),
                team, S(f, "confirmTimeChange") is "true" or "on", S(f, "shortSlotReason")));
            var outcome = await Explant.Core.Scheduling.BookCase.Book(db, readiness, time, options.Value, command, http.User.ToCaseActor(), time.UtcNow, ct);
            return Results.LocalRedirect($"/board?date={command.Date:yyyy-MM-dd}&booked={outcome.Case.Number}{(outcome.MovedFromUtc is null ? "" : "&moved=1")}#book");
        }
        catch (Exception e) when (e is ValidationException or DomainRuleException or NotFoundException or StaleRevisionException or Explant.Core.Scheduling.BookingConflictException)
        {
            // Back to the form with every choice as it was and the refusal in plain words.
            var kept = new List<string> { $"date={Uri.EscapeDataString(S(f, "date") ?? "")}" };
            foreach (var key in new[] { "case", "roomId", "start", "durationMinutes", "overrideReason", "shortSlotReason", "confirmTimeChange" }
                .Concat(Explant.Core.Scheduling.TeamRoles.All.Select(r => $"team-{r}")))
            {
                if (S(f, key) is { } v)
                {
                    kept.Add($"{key}={Uri.EscapeDataString(v)}");
                }
            }
            return Results.LocalRedirect($"/board?{string.Join('&', kept)}&error={Uri.EscapeDataString(BookingError(e))}#book");
        }
    }

    private static readonly Dictionary<string, string> BookingLabels = new(StringComparer.Ordinal)
    {
        ["case"] = "Case", ["roomId"] = "Room", ["date"] = "Date", ["start"] = "Start", ["durationMinutes"] = "Minutes",
        ["shortSlotReason"] = "Reason for a short slot", ["overrideReason"] = "Override reason",
    };

    /// <summary>A booking refusal as a person reads it: labels instead of field names, conflicts without rule ids.</summary>
    internal static string BookingError(Exception e) => e switch
    {
        ValidationException v => string.Join(" ", v.Errors.Select(x =>
            (BookingLabels.TryGetValue(x.Key, out var label) ? label + ": " : x.Key.StartsWith("team", StringComparison.Ordinal) ? "Team: " : "")
            + string.Join("; ", x.Value) + ".")),
        Explant.Core.Scheduling.BookingConflictException c => "Not booked: " + string.Join("; ", c.Conflicts.Select(x =>
            x.Message + (x.Soft ? " (allowed with an override reason)" : ""))) + ".",
        DomainRuleException { Rule: "planned-time-differs" } d => d.Message.Replace("(confirmTimeChange)", "(tick \"Move the planned time\")", StringComparison.Ordinal),
        _ => e.Message,
    };

    /// <summary>Books each accepted proposal through the full conflict check; refusals are reported, the rest is booked.</summary>
    private static async Task<IResult> AcceptProposal(IFormCollection f, ExplantDbContext db, ReadinessService readiness, HospitalTime time,
        IOptions<Explant.Core.Scheduling.SchedulingOptions> options, HospitalTime clock, HttpContext http, CancellationToken ct)
    {
        var from = S(f, "from") ?? "";
        var refused = new List<string>();
        var booked = new List<string>();
        foreach (var item in f["accept"].Select(v => v!.Split('|')))
        {
            // case|room|date|start|minutes|move: "move" when the page showed the proposal changing the planned time (accepting it confirms).
            if (item.Length != 6)
            {
                refused.Add($"'{string.Join('|', item)}' is not a proposal");
                continue;
            }
            try
            {
                var command = Explant.Core.Scheduling.BookCase.Parse(new(item[0], item[1], item[2], item[3], item[4], null, null, item[5] == "move"));
                // Each booking is its own save: a lost race is re-run here, so the ones already booked are not booked again.
                await Contention.RetryAsync(db, () => Explant.Core.Scheduling.BookCase.Handle(db, readiness, time, options.Value, command, http.User.ToCaseActor(), clock.UtcNow, ct), ct);
                booked.Add(item[0]);
            }
            catch (Exception e) when (e is Explant.Core.Scheduling.BookingConflictException or DomainRuleException or NotFoundException or ValidationException)
            {
                refused.Add($"case {item[0]}: {BookingError(e)}");
                db.ChangeTracker.Clear();
            }
        }
        var done = booked.Count == 0 ? "" : $"&booked={string.Join(',', booked)}";
        return refused.Count == 0
            ? Results.LocalRedirect($"/board?date={from}{done}")
            : Results.LocalRedirect($"/board?date={from}{done}&error={Uri.EscapeDataString(string.Join(" | ", refused))}");
    }

    private static Task<IResult> CaseAction(string id, string action, IFormCollection f, ExplantDbContext db, HospitalTime clock, HttpContext http,
        IOptions<PathwayOptions> options, ReadinessService readiness, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        var now = clock.UtcNow;
        var page = $"/cases/{id}";
        // The form's text is read into the same input record the JSON API binds (Core's FormFields: '.' decimals,
        // YYYY-MM-DD dates, enum names, revisions and ids refused naming the field); the Core command does the rest.
        var fields = new Explant.Core.Validation.FormFields(k => f[k].ToString());

        var back = action is "patient-signature" or "surgeon-signature" or "withdraw" ? $"{page}/consents/{S(f, "version")}#consent-form" : page + Anchor(action);
        return Run(http, f, action, back, async () =>
        {
            var revision = fields.Revision();
            int version = 0;
            if (action is "patient-signature" or "surgeon-signature" or "withdraw")
            {
                version = int.TryParse(fields.Text("version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid("version", $"'{fields.Text("version")}' is not a consent version");
            }
            Task<SurgicalCase> Do(Func<Task<SurgicalCase>> command)
            {
                fields.ThrowIfAny();
                return command();
            }
            switch (action)
            {
                case "plan":
                    var componentIds = f["componentIds"].Select(v => Guid.TryParse(v, out var g) ? g : throw Invalid("componentIds", $"'{v}' is not a component id")).ToList();
                    await Do(() => CaseHandlers.SetPlan(db, id, revision, new PlanInput(fields.Text("removeAll") == "true", componentIds), actor, now, ct));
                    return Done(page, "The plan was saved.", "#plan");
                case "indication":
                    await Do(() => CaseHandlers.AddIndication(db, id, revision, new(fields.Text("key"), fields.Text("icdCode"), fields.Text("note")), actor, ct));
                    return Done(page, "The indication list was saved.", "#indications");
                case "remove-indication":
                    await Do(() => CaseHandlers.RemoveIndication(db, id, revision, fields.Text("key"), actor, ct));
                    return Done(page, "The indication list was saved.", "#indications");
                case "infection":
                    var infection = new InfectionInput(fields.Decimal("crpMgL"), fields.Decimal("esrMmH"), fields.Date("markersDate"), fields.Text("culturePlan"));
                    await Do(() => CaseHandlers.RecordInfectionEvidence(db, id, revision, infection, actor, clock, ct));
                    return Done(page, "The evidence was saved.", "#evidence");
                case "fusion":
                    var study = fields.Id("imagingStudyId");
                    await Do(() => CaseHandlers.LinkFusionEvidence(db, id, revision, study, options.Value, actor, ct));
                    return Done(page, "The evidence was saved.", "#evidence");
                case "fusion-override":
                    await Do(() => CaseHandlers.OverrideFusionEvidence(db, id, revision, new(fields.Text("reason")), actor, now, ct));
                    return Done(page, "The evidence was saved.", "#evidence");
                case "decision":
                    await Do(() => CaseHandlers.RecordDecision(db, id, revision, new([.. f["alternatives"].Select(v => v!)], fields.Text("choice"), fields.Text("note")), actor, now, ct));
                    return Done(page, "The decision was recorded.", "#decision");
                case "hand-over":
                    await Do(() => CaseHandlers.HandOver(db, id, revision, new(fields.Text("surgeon"), fields.Text("reason")), actor, now, ct));
                    return Done(page, "The case was handed over.");
                case "consent":
                    fields.ThrowIfAny();
                    var (c2, consent) = await CaseHandlers.GenerateConsent(db, id, revision, actor, now, clock.Today, ct);
                    return $"/cases/{c2.Number}/consents/{consent.Version}";
                case "patient-signature":
                    await Do(() => CaseHandlers.SignConsentAsPatient(db, id, revision, version, new(fields.Text("signature")), actor, now, ct));
                    return $"{page}/consents/{version}";
                case "surgeon-signature":
                    await Do(() => CaseHandlers.SignConsentAsSurgeon(db, id, revision, version, actor, now, ct));
                    return $"{page}/consents/{version}";
                case "withdraw":
                    await Do(() => CaseHandlers.WithdrawConsent(db, id, revision, version, new(fields.Text("reason")), actor, now, ct));
                    return $"{page}/consents/{version}";
                case "surgery-date":
                    await Do(() => CaseHandlers.SetPlannedSurgery(db, id, revision, new(fields.Text("local")), actor, clock, ct));
                    return Done(page, "Saved.", "#readiness");
                case "result":
                    var result = new CaseHandlers.ResultInput(fields.Enum<LabKind>("kind"), fields.Decimal("value"), fields.Text("unit"), fields.Date("takenOn"));
                    await Do(() => CaseHandlers.RecordResult(db, id, revision, result, actor, clock, ct));
                    return Done(page, "Saved.", "#readiness");
                case "medication-stop":
                    var stop = new MedicationStops.StopInput(fields.Text("drug"), fields.Date("stoppedOn"));
                    await Do(() => MedicationStops.Record(db, id, stop, actor, clock, ct));
                    return Done(page, "Saved.", "#readiness");
                case "patient-informed":
                    await PatientInformed.Record(db, id, new(S(f, "how"), S(f, "note")), actor, http.RequestServices.GetRequiredService<HospitalTime>(), ct);
                    return Done(page, "Saved.", "#readiness");
                case "hp":
                    var hp = new HistoryPhysicalInput(fields.Date("on"));
                    await Do(() => CaseHandlers.RecordHistoryPhysical(db, id, revision, hp, actor, clock, ct));
                    return Done(page, "Saved.", "#readiness");
                case "hp-update":
                    await Do(() => CaseHandlers.RecordHistoryPhysicalUpdate(db, id, revision, actor, now, ct));
                    return Done(page, "Saved.", "#readiness");
                case "asa":
                    await Do(() => CaseHandlers.RecordAsa(db, id, revision, new(fields.Text("asaClass")), actor, ct));
                    return Done(page, "Saved.", "#readiness");
                case "mri":
                    await Do(() => CaseHandlers.OrderMri(db, id, revision, actor, now, ct));
                    return Done(page, "Saved.", "#readiness");
                case "override":
                    await Do(() => CaseHandlers.OverrideReadiness(db, id, revision, new(fields.Text("ruleId"), fields.Text("reason")), actor, now, ct));
                    return Done(page, "Saved.", "#readiness");
                case "transition":
                    var transition = new TransitionInput(fields.Text("reason"), fields.Enum<CancelReason>("cancelReason"));
                    fields.ThrowIfAny();
                    await readiness.Fire(id, revision, fields.Text("trigger"), transition, actor, ct);
                    return Done(page, $"Done: {Explant.Core.Labels.Of(fields.Text("trigger"))}.");
                default:
                    throw new NotFoundException($"form action '{action}'");
            }
        });
    }

    /// <summary>The section of the case page holding the form of <paramref name="action"/>: a refusal scrolls back to it.</summary>
    private static string Anchor(string action) => action switch
    {
        "plan" => "#plan",
        "indication" or "remove-indication" => "#indications",
        "infection" or "fusion" or "fusion-override" => "#evidence",
        "decision" => "#decision",
        "consent" => "#consent",
        "transition" or "hand-over" => "#next",
        _ => "#readiness",
    };
}
