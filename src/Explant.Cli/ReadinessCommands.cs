using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Cli;

internal static class ReadinessCommands
{
    public static Command Build(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };

        var drug = new Option<string>("--drug") { Description = "Generic or brand name, e.g. apixaban or Eliquis.", Required = true };
        var surgeryDate = new Option<string>("--surgery-date") { Description = "YYYY-MM-DD", Required = true };
        var crcl = new Option<decimal?>("--crcl") { Description = "Creatinine clearance in mL/min (needed for dabigatran)." };
        var bleed = new Option<string>("--bleed-risk") { Description = "high (default; spine surgery, S36) or low.", DefaultValueFactory = _ => "high" };
        var hold = new Command("hold", "When to stop a medication before surgery (rules 18–23; see docs/clinical-rules.md).") { drug, surgeryDate, crcl, bleed, json };
        hold.SetAction(async (p, ct) => await Hold(console, p.GetValue(drug)!, p.GetValue(surgeryDate)!, p.GetValue(crcl), p.GetValue(bleed)!, p.GetValue(json)));

        var surgeryTime = new Option<string>("--surgery-time") { Description = "Local time YYYY-MM-DDTHH:MM in the hospital's zone.", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "IANA zone; default Hospital:TimeZone (UTC when unset)." };
        var procedure = new Option<string>("--procedure") { Description = "Definition whose fasting minimum applies.", DefaultValueFactory = _ => "22852" };
        var fasting = new Command("fasting", "Last eat and drink times per intake category (rule 16).") { surgeryTime, zone, procedure, json };
        fasting.SetAction(async (p, ct) => await Fasting(console, p.GetValue(surgeryTime)!, p.GetValue(zone), p.GetValue(procedure)!, p.GetValue(json)));

        var caseId = new Argument<string>("id") { Description = "Case number or id." };
        var forCase = new Command("case", "Evaluate a case's pre-operative readiness.") { caseId, json };
        forCase.SetAction(async (p, ct) => await ForCase(console, p.GetValue(caseId)!, p.GetValue(json), ct));

        return new Command("readiness", "Pre-operative readiness rules.") { hold, fasting, forCase };
    }

    private static async Task<int> BadInput(CliConsole console, string message)
    {
        await console.Err.WriteLineAsync(message);
        return ExitCodes.BadInput;
    }

    private static async Task<int> Hold(CliConsole console, string drug, string date, decimal? crcl, string bleed, bool json)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var surgery))
        {
            return await BadInput(console, $"--surgery-date: '{date}' is not a date (YYYY-MM-DD)");
        }
        if (bleed is not ("high" or "low"))
        {
            return await BadInput(console, $"--bleed-risk: '{bleed}' must be high or low");
        }
        if (crcl is <= 0 or > 300)
        {
            return await BadInput(console, $"--crcl: {crcl} mL/min is not plausible");
        }
        await using var services = console.BuildServices();
        var options = services.GetRequiredService<IOptions<ReadinessOptions>>().Value;
        HoldInstruction h;
        try
        {
            h = HoldRules.For(drug, surgery, bleed == "high" ? BleedRisk.High : BleedRisk.Low, crcl, options);
        }
        catch (KeyNotFoundException)
        {
            return await BadInput(console, $"--drug: '{drug}' is not in the drug table; unknown drugs need review by a clinician");
        }
        catch (MissingInputException e)
        {
            return await BadInput(console, $"{e.Input}: {e.Message}");
        }
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                drug = h.Info.Agent,
                @class = DrugTable.ClassName(h.Info.Class),
                omittedDays = h.OmittedDays,
                lastDoseDate = h.LastDoseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                resumeAfterHours = h.ResumeAfterHours,
                resumeAfterHoursMax = h.ResumeAfterHoursMax,
                source = h.Source,
                surgeryDate = surgery.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                bleedRisk = bleed,
                needsReview = h.NeedsReview,
                guidance = h.Guidance,
            }, CaseCommands.Json));
        }
        else
        {
            await console.Out.WriteLineAsync($"{h.Info.Agent} ({DrugTable.ClassName(h.Info.Class)}), surgery {surgery:dddd d MMMM yyyy}");
            await console.Out.WriteLineAsync(h.LastDoseDate is { } last ? $"  last dose: {last:dddd d MMMM yyyy} (no dose on the {h.OmittedDays} days before surgery)" : "  no fixed hold: " + (h.NeedsReview ? "needs review" : "continue"));
            await console.Out.WriteLineAsync($"  {h.Guidance} [{h.Source}]");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> Fasting(CliConsole console, string time, string? zoneId, string code, bool json)
    {
        if (!DateTime.TryParseExact(time, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return await BadInput(console, $"--surgery-time: '{time}' is not YYYY-MM-DDTHH:MM");
        }
        await using var services = console.BuildServices();
        var options = services.GetRequiredService<IOptions<ReadinessOptions>>().Value;
        var zoneName = zoneId ?? services.GetRequiredService<IOptions<HospitalOptions>>().Value.TimeZone;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            return await BadInput(console, $"--time-zone: '{zoneName}' is not a known time zone");
        }
        var shipped = ShippedProcedures.All().Select(s => ProcedureParser.Parse(s.Text).Document).FirstOrDefault(d => d?.Code == code);
        if (shipped is null)
        {
            return await BadInput(console, $"--procedure: no shipped definition for {code}");
        }
        IReadOnlyList<FastingLine> plan;
        try
        {
            plan = Core.Readiness.Fasting.Plan(local, zone, options, shipped.Facts.FastingHours);
        }
        catch (ArgumentException e)
        {
            return await BadInput(console, $"--surgery-time: {e.Message}");
        }
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                surgeryTime = local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
                timeZone = zone.Id,
                procedure = code,
                categories = plan.Select(f => new
                {
                    category = f.Category,
                    hours = f.Hours,
                    lastIntake = f.LastIntakeLocal.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
                    source = f.Source,
                    basis = f.Basis,
                }),
            }, CaseCommands.Json));
        }
        else
        {
            foreach (var f in plan)
            {
                await console.Out.WriteLineAsync($"{f.Label,-55} until {f.LastIntakeLocal:dddd d MMMM, HH:mm}  ({f.Basis}) [{f.Source}]");
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> ForCase(CliConsole console, string id, bool json, CancellationToken ct)
    {
        await using var services = console.BuildServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var c = await CaseHandlers.Find(db, id, ct);
        if (c is null)
        {
            await console.Err.WriteLineAsync($"case {id} not found");
            return ExitCodes.DomainFailure;
        }
        var report = await scope.ServiceProvider.GetRequiredService<ReadinessService>().Evaluate(c, ct);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                caseNumber = c.Number,
                surgeryUtc = report.SurgeryUtc,
                evaluatedFor = report.EvaluatedFor,
                provisional = report.Provisional,
                ready = report.OpenBlocking.Count == 0,
                openBlocking = report.OpenBlocking.Count,
                items = report.Items,
                warnings = report.Warnings,
            }, CaseCommands.Json));
            return ExitCodes.Ok;
        }
        await console.Out.WriteLineAsync($"case {c.Number}: {(report.OpenBlocking.Count == 0 ? "ready" : $"{report.OpenBlocking.Count} blocking item(s) open")}{(report.Provisional ? " (provisional: no surgery date)" : "")}");
        foreach (var i in report.Items)
        {
            await console.Out.WriteLineAsync($"  {(i.IsOpen ? "✗" : "·")} {i.Status,-13} {(i.Blocking ? "blocking" : "advisory"),-8} {i.Title}: {i.Explanation}{(i.Override is { } o ? $" [overridden by {o.By}: {o.Reason}]" : "")}");
        }
        foreach (var w in report.Warnings)
        {
            await console.Out.WriteLineAsync($"  ! {w}");
        }
        return ExitCodes.Ok;
    }
}
