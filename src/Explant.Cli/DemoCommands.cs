using System.CommandLine;
using Explant.Core.Demo;

namespace Explant.Cli;

internal static class DemoCommands
{
    public static Command Build(CliConsole console)
    {
        var seed = new Command("seed", "Migrate, load the shipped definitions and create one demo account per role (passwords printed).");
        seed.SetAction(async (parse, ct) =>
        {
            await using var services = console.BuildServices();
            var report = await DemoSeed.RunAsync(services, ct);
            foreach (var line in report.Procedures)
            {
                await console.Out.WriteLineAsync($"procedure {line}");
            }
            await console.Out.WriteLineAsync(report.PatientsCreated > 0 ? $"demo patients created: {report.PatientsCreated}" : "demo patients already present");
            await console.Out.WriteLineAsync("demo accounts (passwords are new on every seed):");
            foreach (var c in report.Users)
            {
                await console.Out.WriteLineAsync($"  {c.Role,-17} {c.Email,-36} {c.Password}");
            }
            return ExitCodes.Ok;
        });
        return new Command("demo", "Demonstration data.") { seed };
    }
}
