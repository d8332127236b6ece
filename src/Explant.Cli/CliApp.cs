using System.CommandLine;
using Explant.Core;
using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

/// <summary>Exit codes of every command: 0 ok, 1 domain failure, 2 bad input (README, "CLI").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int DomainFailure = 1;
    public const int BadInput = 2;
}

/// <summary>
/// `explant &lt;noun&gt; &lt;verb&gt;`. Output goes to the writers given, so tests run the real commands in-process.
/// Configuration comes from the environment (Database__Provider, ConnectionStrings__Explant, Database__SqlitePath),
/// the same keys the web app reads.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?>? settings = null)
    {
        var console = new CliConsole(stdout, stderr, settings);
        var root = new RootCommand("Explant: the perioperative pathway for removal of spinal instrumentation (CPT 22852, 22850, 22855).");
        root.Subcommands.Add(ProcedureCommands.Build(console));
        root.Subcommands.Add(DbCommands.Build(console));
        root.Subcommands.Add(UserCommands.Build(console));
        root.Subcommands.Add(DemoCommands.Build(console));
        root.Subcommands.Add(CaseCommands.BuildCase(console));
        root.Subcommands.Add(CaseCommands.BuildUdi(console));
        root.Subcommands.Add(ReadinessCommands.Build(console));
        root.Subcommands.Add(ScheduleCommand.Build(console));
        root.Subcommands.Add(OutcomeCommands.Build(console));
        root.Subcommands.Add(CodingCommands.Build(console));
        var demo = new Option<bool>("--demo")
        {
            Recursive = true,
            Description = "Work on the demo database of this clone (.demo/explant-demo.db, made by `demo seed` or the web app's --demo) in the demo hospital's zone.",
        };
        root.Options.Add(demo);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync(error.Message);
            }
            return ExitCodes.BadInput;
        }
        console.Demo = parse.GetValue(demo);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }
}

/// <summary>The writers and settings a command needs; builds the same service graph the web app uses.</summary>
public sealed class CliConsole(TextWriter stdout, TextWriter stderr, IDictionary<string, string?>? settings)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    /// <summary>Demo settings (<see cref="Core.Demo.DemoSettings"/>) over the environment; settings given by the host still win.</summary>
    public bool Demo { get; set; }

    public ServiceProvider BuildServices()
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(Demo ? Core.Demo.DemoSettings.Values : new Dictionary<string, string?>())
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IActor>(new FixedActor($"cli:{Environment.UserName}"));
        services.AddSingleton(TimeProvider.System);
        services.AddExplantCore(configuration);
        services.AddIdentityCore<ExplantUser>(IdentityRules.Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ExplantDbContext>();
        return services.BuildServiceProvider();
    }
}
