using Explant.Cli;
using Explant.Core.Data;
using Explant.Core.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Tests.Cli;

/// <summary>Issue #13 §8: the demo has its own database in this clone and the demo hospital's zone, in the web app and the CLI alike.</summary>
public sealed class DemoCliTests
{
    [Fact]
    public void The_demo_database_is_a_file_of_this_clone_never_the_default_one_real_data_uses()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Explant.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("the tests run inside the clone");
        }
        Assert.Equal(Path.Combine(root.FullName, ".demo", "explant-demo.db"), DemoSettings.DatabasePath);
        Assert.NotEqual(Path.GetFullPath(DatabaseOptions.DefaultSqlitePath), Path.GetFullPath(DemoSettings.DatabasePath));
    }

    [Fact]
    public async Task With_demo_the_cli_uses_the_demo_database_and_the_demo_hospitals_zone()
    {
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, null) { Demo = true };
        await using var demo = console.BuildServices();
        var database = demo.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        Assert.Equal($"Data Source={DemoSettings.DatabasePath}", database.ResolveConnectionString());
        Assert.Equal(DemoSettings.TimeZone, demo.GetRequiredService<HospitalTime>().Zone.Id);
        Assert.True(demo.GetRequiredService<IOptions<HospitalOptions>>().Value.Demo);

        await using var plain = new CliConsole(TextWriter.Null, TextWriter.Null, null).BuildServices();
        Assert.False(plain.GetRequiredService<IOptions<HospitalOptions>>().Value.Demo);
        Assert.NotEqual(DemoSettings.DatabasePath, plain.GetRequiredService<IOptions<DatabaseOptions>>().Value.SqlitePath);
    }

    [Fact]
    public async Task The_demo_option_is_accepted_by_every_command()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await CliApp.RunAsync(["procedure", "list", "--help", "--demo"], output, error));
        Assert.Contains("--demo", output.ToString(), StringComparison.Ordinal);
    }
}
