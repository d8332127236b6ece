using System.CommandLine;
using Explant.Core.Demo;

namespace Explant.Cli;

internal static class DemoCommands
{
    public static Command Build(CliConsole console)
    {
        var years = new Option<string?>("--years") { Description = $"Years of synthetic history in the cohort (1–{DemoSeed.MaxYears}, default {DemoSeed.DefaultYears}; about 150 cases a year)." };
        var seed = new Command("seed", "Make or refresh the demo database of this clone (.demo/explant-demo.db, never the real one): shipped definitions, one account per role (passwords printed), demo patients and cohort.");
        seed.Options.Add(years);
        seed.SetAction(async (parse, ct) =>
        {
            console.Demo = true;
            int n;
            try
            {
                n = DemoSeed.YearsSetting(parse.GetValue(years));
            }
            catch (Core.Data.ValidationException e)
            {
                await console.Err.WriteLineAsync($"--years: {string.Join("; ", e.Errors["years"])}");
                return ExitCodes.BadInput;
            }
            await using var services = console.BuildServices();
            var report = await DemoSeed.RunAsync(services, ct, line => console.Err.WriteLine($"demo: {line}"), n);
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
