using System.CommandLine;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

internal static class ProcedureCommands
{
    public static Command Build(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };

        var validateFile = new Argument<string>("file") { Description = "A procedure definition document." };
        var validate = new Command("validate", "Parse a definition document and report its sections, facts and warnings.") { validateFile, json };
        validate.SetAction((parse, ct) => Validate(console, parse.GetValue(validateFile)!, parse.GetValue(json)));

        var importFile = new Argument<string>("file") { Description = "A procedure definition document." };
        var import = new Command("import", "Store a definition document in the catalog (a new version when its text changed).") { importFile, json };
        import.SetAction((parse, ct) => Import(console, parse.GetValue(importFile)!, parse.GetValue(json), ct));

        var list = new Command("list", "List the catalog (latest version of each code).") { json };
        list.SetAction((parse, ct) => List(console, parse.GetValue(json), ct));

        var showCode = new Argument<string>("code") { Description = "CPT code, e.g. 22852." };
        var showVersion = new Option<int?>("--version") { Description = "A version other than the latest." };
        var show = new Command("show", "Show one definition from the catalog.") { showCode, showVersion, json };
        show.SetAction((parse, ct) => Show(console, parse.GetValue(showCode)!, parse.GetValue(showVersion), parse.GetValue(json), ct));

        return new Command("procedure", "The catalog of procedure definitions.") { validate, import, list, show };
    }

    private static async Task<int> Validate(CliConsole console, string file, bool json)
    {
        if (await ReadFile(console, file) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        var outcome = ProcedureParser.Parse(text);
        if (!outcome.Succeeded)
        {
            await WriteErrors(console, file, outcome.Errors);
            return ExitCodes.BadInput;
        }
        var report = ProcedureReport.From(outcome.Document!);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ProcedureReport.JsonOptions));
        }
        else
        {
            await WriteSummary(console, report);
            foreach (var w in report.Warnings)
            {
                await console.Err.WriteLineAsync($"{file}:{w.Line}: warning: {w.Message}");
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> Import(CliConsole console, string file, bool json, CancellationToken ct)
    {
        if (await ReadFile(console, file) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        await using var services = console.BuildServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var actor = scope.ServiceProvider.GetRequiredService<Explant.Core.Audit.IActor>();
        var result = await ImportProcedure.Handle(new(text, Path.GetFileName(file)), db, TimeProvider.System, actor.Name, ct);
        switch (result)
        {
            case ImportProcedure.Result.Invalid invalid:
                await WriteErrors(console, file, invalid.Errors);
                return ExitCodes.BadInput;
            case ImportProcedure.Result.Created created:
                await WriteImported(console, json, created.Definition, "created");
                return ExitCodes.Ok;
            case ImportProcedure.Result.Unchanged unchanged:
                await WriteImported(console, json, unchanged.Definition, "unchanged");
                return ExitCodes.Ok;
            default:
                return ExitCodes.DomainFailure;
        }
    }

    private static async Task WriteImported(CliConsole console, bool json, ProcedureDefinition d, string status)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                new { status, code = d.Code, version = d.Version, name = d.Name, contentHash = d.ContentHash }, ProcedureReport.JsonOptions));
        }
        else
        {
            await console.Out.WriteLineAsync($"{d.Code} v{d.Version} {status}: {d.Name}");
        }
    }

    private static async Task<int> List(CliConsole console, bool json, CancellationToken ct)
    {
        await using var services = console.BuildServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var latest = await ProcedureQueries.LatestVersions(db, ct);
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                latest.Select(d => new { code = d.Code, version = d.Version, name = d.Name, importedAtUtc = d.ImportedAtUtc }), ProcedureReport.JsonOptions));
            return ExitCodes.Ok;
        }
        if (latest.Count == 0)
        {
            await console.Out.WriteLineAsync("The catalog is empty. Import a definition with `explant procedure import <file>` or run `explant demo seed`.");
        }
        foreach (var d in latest)
        {
            await console.Out.WriteLineAsync($"{d.Code}  v{d.Version}  {d.Name}");
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> Show(CliConsole console, string code, int? version, bool json, CancellationToken ct)
    {
        await using var services = console.BuildServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var definition = await ProcedureQueries.Find(db, code, version, ct);
        if (definition is null)
        {
            await console.Err.WriteLineAsync(version is null ? $"no procedure with code {code}" : $"no version {version} of procedure {code}");
            return ExitCodes.DomainFailure;
        }
        var report = ProcedureReport.From(definition.Parse());
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                new { version = definition.Version, contentHash = definition.ContentHash, importedAtUtc = definition.ImportedAtUtc, procedure = report },
                ProcedureReport.JsonOptions));
        }
        else
        {
            await console.Out.WriteLineAsync($"version {definition.Version}, imported {definition.ImportedAtUtc:u} by {definition.ImportedBy}");
            await WriteSummary(console, report);
        }
        return ExitCodes.Ok;
    }

    private static async Task<string?> ReadFile(CliConsole console, string file)
    {
        if (!File.Exists(file))
        {
            await console.Err.WriteLineAsync($"{file}: file not found");
            return null;
        }
        return await File.ReadAllTextAsync(file);
    }

    private static async Task WriteErrors(CliConsole console, string file, IEnumerable<ParseMessage> errors)
    {
        foreach (var e in errors)
        {
            await console.Err.WriteLineAsync($"{file}:{e.Line}: {e.Message}");
        }
    }

    private static async Task WriteSummary(CliConsole console, ProcedureReport r)
    {
        var f = r.Facts;
        await console.Out.WriteLineAsync($"{r.Code}  {r.Name}");
        await console.Out.WriteLineAsync($"  sections:     {string.Join(", ", r.Sections.Select(s => $"{s.Heading} (line {s.Line})"))}");
        await console.Out.WriteLineAsync($"  duration:     {(f.DurationMinutes is { } d ? $"{d.Min}-{d.Max} min" : "not stated")}");
        await console.Out.WriteLineAsync($"  stay:         {(f.StayDays is { } s ? $"{s.Min}-{s.Max} days" : "not stated")}");
        await console.Out.WriteLineAsync($"  fasting:      {(f.FastingHours is { } h ? $"{h} h" : "not stated")}");
        await console.Out.WriteLineAsync($"  indications:  {string.Join(", ", f.Indications)}");
        await console.Out.WriteLineAsync($"  risks:        {string.Join(", ", f.Risks)}");
        await console.Out.WriteLineAsync($"  alternatives: {string.Join(", ", f.Alternatives)}");
        await console.Out.WriteLineAsync($"  personnel:    {string.Join(", ", f.Personnel)}");
    }
}
