using Explant.Cli;

namespace Explant.Core.Tests.Cli;

/// <summary>Runs the real CLI in-process against a throw-away SQLite file.</summary>
public abstract class CliHarness : IDisposable
{
    protected CliHarness(string prefix)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        // The two-year demo cohort is seeded and checked in DemoCohortTests; CLI tests need only the demo patients.
        Settings = new() { ["Database:SqlitePath"] = Path.Combine(Dir, "explant.db"), ["Demo:Cohort"] = "false" };
    }

    protected string Dir { get; }
    protected Dictionary<string, string?> Settings { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, Settings);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
