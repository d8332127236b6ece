using System.Text.Json;
using Explant.Cli;

namespace Explant.Core.Tests.Cli;

/// <summary>The example inputs under examples/ that the README's commands use still work with those commands.</summary>
public sealed class ExamplesCliTests
{
    internal static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException($"examples/{name} is not in the clone");
    }

    [Fact]
    public async Task The_coding_example_is_coded_as_a_posterior_segmental_removal()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await CliApp.RunAsync(["coding", "suggest", "--input", Example("coding-request.json"), "--json"], output, error));
        Assert.Equal("", error.ToString());
        var cpt = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("cpt");
        Assert.Equal("22852", Assert.Single(cpt.EnumerateArray()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_scheduling_example_is_planned_with_every_mandatory_case_placed()
    {
        var plan = Path.Combine(Path.GetTempPath(), $"explant-example-{Guid.NewGuid():N}.json");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await CliApp.RunAsync(["schedule", "--input", Example("schedule-week.json"), "--output", plan, "--solver", "greedy"], output, error));
            using var written = JsonDocument.Parse(await File.ReadAllTextAsync(plan));
            var placed = written.RootElement.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("caseId").GetString()).ToList();
            Assert.Superset(new HashSet<string?> { "C1", "C2", "C4", "C5", "C7" }, placed.ToHashSet());
            Assert.Equal(0, written.RootElement.GetProperty("unscheduled").GetArrayLength());
            // Without --json the command says what it did in one line (issue #13 §8).
            var total = JsonDocument.Parse(await File.ReadAllTextAsync(Example("schedule-week.json"))).RootElement.GetProperty("cases").GetArrayLength();
            var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Matches($"^Scheduled {placed.Count} of {total} cases in [0-9]+ rooms? over [0-9]+ days?; none unscheduled \\(feasible, objective [0-9]+, lower bound [0-9]+\\)\\.$", line);
            Assert.Equal("", error.ToString());
        }
        finally
        {
            File.Delete(plan);
        }
    }
}
