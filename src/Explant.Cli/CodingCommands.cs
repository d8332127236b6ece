using System.CommandLine;
using System.Text.Json;
using Explant.Core.Coding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

/// <summary>
/// `explant coding suggest --input case.json [--json]` (outside contract): CPT and ICD-10-CM suggestions for a removal
/// session. Exit 0 with the suggestion, 2 on bad input (each bad field named by JSON path on stderr).
/// Payer settings come from the "Coding" configuration section (<see cref="CodingOptions"/>).
/// </summary>
internal static class CodingCommands
{
    public static Command Build(CliConsole console)
    {
        var input = new Option<string>("--input") { Description = "The session to code (JSON: approach, segmental, levels, removedAll, reinsertedSameLevels, newInstrumentation, indications).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };
        var suggest = new Command("suggest", "Suggest CPT and ICD-10-CM codes for coder review (rules 1–4, 7, 9, 11–13; see docs/clinical-rules.md).") { input, json };
        suggest.SetAction(async (p, ct) => await Suggest(console, p.GetValue(input)!, p.GetValue(json), ct));
        return new Command("coding", "Procedure and diagnosis coding.") { suggest };
    }

    private static async Task<int> Suggest(CliConsole console, string path, bool json, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await console.Err.WriteLineAsync($"--input: {path}: file not found");
            return ExitCodes.BadInput;
        }
        CodingRequest request;
        try
        {
            request = CodingRequestJson.Parse(await File.ReadAllTextAsync(path, ct));
        }
        catch (CodingInputException e)
        {
            foreach (var error in e.Errors)
            {
                await console.Err.WriteLineAsync($"{path}: {error}");
            }
            return ExitCodes.BadInput;
        }

        CodingOptions options;
        await using (var services = console.BuildServices())
        {
            options = services.GetRequiredService<IConfiguration>().GetSection("Coding").Get<CodingOptions>() ?? new CodingOptions();
        }
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await console.Err.WriteLineAsync(problem);
            }
            return ExitCodes.BadInput;
        }

        var result = CodingEngine.Suggest(request, options);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(CodingRequestJson.ToContract(result), CaseCommands.Json));
            return ExitCodes.Ok;
        }

        await console.Out.WriteLineAsync("CPT (suggestion for coder review)");
        foreach (var c in result.Cpt)
        {
            var title = CodingTables.Find(c.Code)?.Title ?? "";
            var modifiers = c.Modifiers.Count > 0 ? "-" + string.Join("-", c.Modifiers) : "";
            await console.Out.WriteLineAsync($"  {c.Code + modifiers,-12} {title}");
        }
        if (result.GlobalPeriod is { } period)
        {
            await console.Out.WriteLineAsync($"  global period {period}");
        }
        await console.Out.WriteLineAsync("ICD-10-CM (suggestions for coder review)");
        if (result.Icd10.Count == 0)
        {
            await console.Out.WriteLineAsync("  none");
        }
        foreach (var i in result.Icd10)
        {
            await console.Out.WriteLineAsync($"  {i.Code,-12} {i.Title} ({i.Indication}) [{i.Source}]");
        }
        if (result.Warnings.Count > 0)
        {
            await console.Out.WriteLineAsync("Warnings");
            foreach (var w in result.Warnings)
            {
                await console.Out.WriteLineAsync($"  ! {w}");
            }
        }
        await console.Out.WriteLineAsync($"Sources: {string.Join(", ", result.Sources)} (cited in docs/clinical-rules.md)");
        return ExitCodes.Ok;
    }
}
