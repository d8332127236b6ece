using System.CommandLine;
using System.Text.Json;
using Explant.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Cli;

internal static class DbCommands
{
    public static Command Build(CliConsole console)
    {
        var migrate = new Command("migrate", "Apply pending schema migrations to the configured database.");
        migrate.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            var report = await Migrator.MigrateAsync(services, ct);
            await console.Out.WriteLineAsync(report.Applied.Count == 0
                ? $"{report.Provider}: schema is up to date"
                : $"{report.Provider}: applied {string.Join(", ", report.Applied)}");
            return ExitCodes.Ok;
        });

        var output = new Option<string>("--output") { Required = true, Description = "The backup file to write (never overwritten)." };
        var backup = new Command("backup", "Copy the configured database to a file while the app keeps running (SQLite: online backup; PostgreSQL: pg_dump).") { output };
        backup.SetAction((parse, ct) => Run(console, o => DatabaseBackup.BackupAsync(o, parse.GetValue(output)!, ct)));

        var input = new Option<string>("--input") { Required = true, Description = "A backup file made by `db backup`." };
        var force = new Option<bool>("--force") { Description = "Replace the data of an existing database." };
        var restore = new Command("restore", "Replace the configured database with a verified backup (refuses to overwrite data without --force).") { input, force };
        restore.SetAction((parse, ct) => Run(console, o => DatabaseBackup.RestoreAsync(o, parse.GetValue(input)!, parse.GetValue(force), ct)));

        var verifyInput = new Option<string>("--input") { Required = true, Description = "A backup file made by `db backup`." };
        var json = new Option<bool>("--json");
        var verify = new Command("verify", "Check a backup file: integrity and the schema version it was made at.") { verifyInput, json };
        verify.SetAction(async (parse, ct) =>
        {
            try
            {
                var v = await DatabaseBackup.VerifyAsync(Options(console), parse.GetValue(verifyInput)!, ct);
                await console.Out.WriteLineAsync(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new { intact = v.Intact, detail = v.Detail, schemaVersion = v.SchemaVersion, appSchemaVersion = v.AppSchemaVersion, sameSchema = v.SameSchema })
                    : $"{(v.Intact ? "sound" : "NOT SOUND")}: {v.Detail}; schema {v.SchemaVersion ?? "unknown"} (this version: {v.AppSchemaVersion})");
                return v.Intact ? ExitCodes.Ok : ExitCodes.DomainFailure;
            }
            catch (ArgumentException e)
            {
                await console.Err.WriteLineAsync(e.Message);
                return ExitCodes.BadInput;
            }
        });
        return new Command("db", "Database maintenance.") { migrate, backup, restore, verify };
    }

    private static DatabaseOptions Options(CliConsole console)
    {
        using var services = console.BuildServices();
        return services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
    }

    private static async Task<int> Run(CliConsole console, Func<DatabaseOptions, Task<DatabaseBackup.Outcome>> action)
    {
        try
        {
            var outcome = await action(Options(console));
            await (outcome.Done ? console.Out : console.Err).WriteLineAsync(outcome.Message);
            return outcome.Done ? ExitCodes.Ok : ExitCodes.DomainFailure;
        }
        catch (ArgumentException e)
        {
            await console.Err.WriteLineAsync(e.Message);
            return ExitCodes.BadInput;
        }
    }
}
