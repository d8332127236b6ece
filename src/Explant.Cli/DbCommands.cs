using System.CommandLine;
using Explant.Core.Data;

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
        return new Command("db", "Database maintenance.") { migrate };
    }
}
