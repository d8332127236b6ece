using System.CommandLine;
using Explant.Core.Demo;

namespace Explant.Cli;

internal static class DemoCommands
{
    public static Command Build(CliConsole console)
    {
        var seed = new Command("seed", "Make or refresh the demo database of this clone (.demo/explant-demo.db, never the real one): shipped definitions, one account per role (passwords printed), demo patients and cohort.");
        seed.SetAction(async (parse, ct) =>
        {
            console.Demo = true;
            await using var services = console.BuildServices();
            var report = await DemoSeed.RunAsync(services, ct, line => console.Err.WriteLine($"demo: {line}"));
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
