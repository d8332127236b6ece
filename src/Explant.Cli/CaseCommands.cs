using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

internal static class CaseCommands
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command BuildCase(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "Case number (e.g. 41) or id." };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };
        var show = new Command("show", "Show a surgical case: state, plan, indications, consent, next actions.") { id, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var c = await CaseHandlers.Find(db, parse.GetValue(id)!, ct);
            if (c is null)
            {
                await console.Err.WriteLineAsync($"case {parse.GetValue(id)} not found");
                return ExitCodes.DomainFailure;
            }
            var readiness = await scope.ServiceProvider.GetRequiredService<Explant.Core.Readiness.ReadinessService>().Evaluate(c, ct);
            var view = await CaseView.Load(db, c, scope.ServiceProvider.GetRequiredService<HospitalTime>().Today, ct, readiness);
            if (parse.GetValue(json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(view, Json));
                return ExitCodes.Ok;
            }
            await console.Out.WriteLineAsync($"case {view.Number}  {view.State}  CPT {view.Procedure.Code} v{view.Procedure.Version}  surgeon {view.Surgeon}");
            await console.Out.WriteLineAsync($"  patient:     {view.Patient.Name}  MRN {view.Patient.Mrn}  age {view.Patient.Age}  {view.Patient.Sex}");
            await console.Out.WriteLineAsync($"  construct:   {view.Construct.Approach} {view.Construct.Manufacturer} {view.Construct.SystemName} {view.Construct.Span}  → {view.Construct.Classification.SuggestedCode ?? "unclassified"} ({view.Construct.Classification.Reason})");
            await console.Out.WriteLineAsync($"  plan r{view.Plan.Revision}:     {(view.Plan.RemoveAll ? "remove all" : "partial")}: {string.Join("; ", view.Plan.Components.Where(x => x.Planned).Select(x => x.Description))}");
            await console.Out.WriteLineAsync($"  indications: {string.Join(", ", view.Indications.Select(i => i.IcdCode is null ? i.Key : $"{i.Key} ({i.IcdCode})"))}");
            await console.Out.WriteLineAsync($"  consent:     {(view.ConsentValid ? "valid for the current plan" : "not valid for the current plan")}");
            foreach (var a in view.NextActions)
            {
                await console.Out.WriteLineAsync($"  next: {a.Trigger,-14} {(a.Allowed ? "possible" : "blocked: " + a.Blocker)}  [{string.Join(", ", a.Roles)}]");
            }
            return ExitCodes.Ok;
        });
        var tid = new Argument<string>("id") { Description = "Case number or id." };
        var trigger = new Argument<string>("trigger") { Description = "Pathway trigger, e.g. Assess, AttestReady, Postpone, Cancel." };
        var user = new Option<string>("--user") { Description = "The staff account acting (its roles decide what it may do).", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Reason (Postpone, AttestReady note, …)." };
        var cancel = new Option<string?>("--cancel-reason") { Description = $"With Cancel: {string.Join(", ", Enum.GetNames<CancelReason>())}." };
        var revision = new Option<string?>("--revision") { Description = "Fire only if the case is still at this revision (as `case show --json` printed it); a changed case is refused (exit 1)." };
        var transition = new Command("transition", "Fire a pathway trigger as a staff account; a refusal names the rule (exit 1).") { tid, trigger, user, reason, cancel, revision };
        transition.SetAction(async (parse, ct) =>
        {
            if (Explant.Core.Validation.EnumText.Find<CaseTrigger>(parse.GetValue(trigger)) is not { } t)
            {
                await console.Err.WriteLineAsync($"trigger: '{parse.GetValue(trigger)}' is not a pathway trigger (a person fires: {string.Join(", ", CaseTransitions.Table.Where(x => x.FiredByPerson).Select(x => x.Trigger).Distinct())})");
                return ExitCodes.BadInput;
            }
            CancelReason? cancelReason = null;
            if (parse.GetValue(cancel) is { } cr)
            {
                if (Explant.Core.Validation.EnumText.Find<CancelReason>(cr) is not { } parsed)
                {
                    await console.Err.WriteLineAsync($"--cancel-reason: '{cr}' is not one of {string.Join(", ", Enum.GetNames<CancelReason>())}");
                    return ExitCodes.BadInput;
                }
                cancelReason = parsed;
            }
            long? expected = null;
            if (parse.GetValue(revision) is { } rv)
            {
                if (!long.TryParse(rv, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r))
                {
                    await console.Err.WriteLineAsync($"--revision: '{rv}' is not a revision (a whole number)");
                    return ExitCodes.BadInput;
                }
                expected = r;
            }
            await using var services = console.BuildServices();
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Explant.Core.Auth.ExplantUser>>();
            var account = await users.FindByEmailAsync(parse.GetValue(user)!);
            if (account is null)
            {
                await console.Err.WriteLineAsync($"--user: no account {parse.GetValue(user)}");
                return ExitCodes.BadInput;
            }
            var actor = new CaseActor(account.Email!, [.. await users.GetRolesAsync(account)]);
            try
            {
                // Without --revision a lost race is re-read and re-applied (Contention), as on the web; with it, refused below.
                var readiness = scope.ServiceProvider.GetRequiredService<Explant.Core.Readiness.ReadinessService>();
                var c = await Explant.Core.Data.Contention.RetryAsync(scope.ServiceProvider.GetRequiredService<Explant.Core.Data.ExplantDbContext>(),
                    () => readiness.Fire(parse.GetValue(tid)!, expected, t, new TransitionRequest(parse.GetValue(reason), cancelReason), actor, ct), ct);
                await console.Out.WriteLineAsync($"case {c.Number}: {c.State}");
                return ExitCodes.Ok;
            }
            catch (Explant.Core.Data.DomainRuleException e)
            {
                await console.Err.WriteLineAsync($"refused ({e.Rule}): {e.Message}");
                return ExitCodes.DomainFailure;
            }
            catch (Explant.Core.Data.NotFoundException e)
            {
                await console.Err.WriteLineAsync(e.Message);
                return ExitCodes.DomainFailure;
            }
            catch (StaleRevisionException e)
            {
                // Someone changed the case since the revision given: a lost race is a domain failure (exit 1), like the API's 412.
                await console.Err.WriteLineAsync($"refused (optimistic-concurrency): {e.Message}");
                return ExitCodes.DomainFailure;
            }
            catch (Explant.Core.Data.ContentionException e)
            {
                await console.Err.WriteLineAsync($"not saved (contention): {e.Message}");
                return ExitCodes.DomainFailure;
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException)
            {
                await console.Err.WriteLineAsync($"refused (optimistic-concurrency): case {parse.GetValue(tid)} was changed by someone else while the transition was saved; show it again and retry");
                return ExitCodes.DomainFailure;
            }
            catch (Explant.Core.Data.ValidationException e)
            {
                // e.g. a reason longer than the limit: bad input, named by field.
                await console.Err.WriteLineAsync(string.Join("; ", e.Errors.Select(x => $"--{x.Key}: {string.Join(", ", x.Value)}")));
                return ExitCodes.BadInput;
            }
        });
        return new Command("case", "Surgical cases.") { show, transition };
    }

    public static Command BuildUdi(CliConsole console)
    {
        var text = new Argument<string>("udi") { Description = "A GS1 UDI: (01)…(17)…(10)…(21)… or the barcode form with GS separators." };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };
        var parse = new Command("parse", "Parse and check a GS1 UDI (GTIN check digit, dates, lot, serial).") { text, json };
        parse.SetAction(async (p, ct) =>
        {
            try
            {
                var udi = Udi.Parse(p.GetValue(text)!);
                if (p.GetValue(json))
                {
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        gtin = udi.Gtin,
                        productionDate = udi.ProductionDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        expirationDate = udi.ExpirationDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                        lot = udi.Lot,
                        serial = udi.Serial,
                        humanReadable = udi.HumanReadable,
                    }, Json));
                }
                else
                {
                    await console.Out.WriteLineAsync(udi.HumanReadable);
                }
                return ExitCodes.Ok;
            }
            catch (UdiFormatException e)
            {
                await console.Err.WriteLineAsync($"udi: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return new Command("udi", "Unique device identifiers.") { parse };
    }
}
