using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Explant.Cli;
using Explant.Core.Tests.Procedures;

namespace Explant.Core.Tests.Cli;

/// <summary>The outside contract of `explant procedure validate &lt;file&gt; [--json]`, run in-process.</summary>
public sealed partial class ProcedureValidateCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("explant-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private sealed record Run(int Exit, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static async Task<Run> RunCli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, new Dictionary<string, string?>());
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private string WriteTemp(string text, Encoding? encoding = null)
    {
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    [GeneratedRegex(@"^(?<file>.+):(?<line>[0-9]+): (?<message>\S.*)$")]
    private static partial Regex ErrorLine();

    // ---- valid document ----------------------------------------------------------------------------------

    [Fact]
    public async Task Valid_seed_with_json_prints_one_JSON_object_and_exits_0()
    {
        var run = await RunCli("procedure", "validate", TestFiles.SeedPath, "--json");

        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Stderr);
        Assert.EndsWith("\n", run.Stdout, StringComparison.Ordinal);
        Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using var json = JsonDocument.Parse(run.Stdout); // throws on anything but exactly one JSON value
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal("22852", root.GetProperty("code").GetString());
        Assert.Equal("Removal of Posterior Segmental Instrumentation (Spinal Instrumentation Removal)", root.GetProperty("name").GetString());

        var sections = root.GetProperty("sections");
        Assert.Equal(JsonValueKind.Array, sections.ValueKind);
        Assert.Equal(15, sections.GetArrayLength());
        var indications = sections.EnumerateArray().Single(s => s.GetProperty("heading").GetString() == "Indications");
        Assert.Equal(9, indications.GetProperty("line").GetInt32());
        Assert.True(indications.GetProperty("known").GetBoolean());
        Assert.Equal(5, indications.GetProperty("items").GetArrayLength());
        Assert.Equal("Infection at the site of the instrumentation", indications.GetProperty("items")[1].GetString());
        var duration = sections.EnumerateArray().Single(s => s.GetProperty("heading").GetString() == "Duration");
        Assert.Equal(28, duration.GetProperty("line").GetInt32());
        Assert.StartsWith("The procedure typically takes 1 to 3 hours", duration.GetProperty("text").GetString(), StringComparison.Ordinal);

        var facts = root.GetProperty("facts");
        Assert.Equal(60, facts.GetProperty("durationMinutes").GetProperty("min").GetInt32());
        Assert.Equal(180, facts.GetProperty("durationMinutes").GetProperty("max").GetInt32());
        Assert.Equal(1, facts.GetProperty("stayDays").GetProperty("min").GetInt32());
        Assert.Equal(3, facts.GetProperty("stayDays").GetProperty("max").GetInt32());
        Assert.Equal(8, facts.GetProperty("fastingHours").GetInt32());
        Assert.Equal(["pain", "infection", "malfunction", "support-complete", "skin-breakdown"], Strings(facts.GetProperty("indications")));
        Assert.Equal(["infection", "blood-loss", "nerve-damage", "spinal-instability", "recurrence", "anesthesia-reaction"], Strings(facts.GetProperty("risks")));
        Assert.Equal(["conservative-care", "revision-surgery", "observation"], Strings(facts.GetProperty("alternatives")));
        Assert.Equal(["surgeon", "anesthesiologist", "nurse", "surgical-technologist"], Strings(facts.GetProperty("personnel")));

        var sources = root.GetProperty("factSources");
        Assert.Equal(29, sources.GetProperty("durationMinutes").GetInt32());
        Assert.Equal(50, sources.GetProperty("stayDays").GetInt32());
        Assert.Equal(16, sources.GetProperty("fastingHours").GetInt32());

        var warning = Assert.Single(root.GetProperty("warnings").EnumerateArray());
        Assert.Equal(2, warning.GetProperty("line").GetInt32());
        Assert.Contains("22852", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static List<string?> Strings(JsonElement array)
    {
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        return [.. array.EnumerateArray().Select(e => e.GetString())];
    }

    [Fact]
    public async Task Json_of_a_CRLF_BOM_copy_equals_the_seeds_json()
    {
        var copy = WriteTemp(string.Join("\r\n", SeedText.Lines().Select(l => l + "  ")) + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var original = await RunCli("procedure", "validate", TestFiles.SeedPath, "--json");
        var variant = await RunCli("procedure", "validate", copy, "--json");
        Assert.Equal(0, variant.Exit);
        Assert.Equal(original.Stdout, variant.Stdout);
    }

    [Fact]
    public async Task Valid_seed_without_json_prints_a_summary_and_warnings_on_stderr()
    {
        var run = await RunCli("procedure", "validate", TestFiles.SeedPath);
        Assert.Equal(0, run.Exit);
        Assert.StartsWith("22852  Removal of Posterior Segmental Instrumentation", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("60-180 min", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1-3 days", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("8 h", run.Stdout, StringComparison.Ordinal);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"{TestFiles.SeedPath}:2: warning: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Siblings_validate_with_no_warnings()
    {
        foreach (var file in Directory.GetFiles(TestFiles.ProceduresDir, "*.txt"))
        {
            var run = await RunCli("procedure", "validate", file, "--json");
            Assert.Equal(0, run.Exit);
            using var json = JsonDocument.Parse(run.Stdout);
            Assert.Equal(Path.GetFileName(file)[..5], json.RootElement.GetProperty("code").GetString());
            Assert.Equal(file.Contains("22852", StringComparison.Ordinal) ? 1 : 0, json.RootElement.GetProperty("warnings").GetArrayLength());
        }
    }

    // ---- invalid documents -------------------------------------------------------------------------------

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Duplicate_heading_exits_2_with_FILE_LINE_message_on_stderr_and_nothing_on_stdout(bool json)
    {
        var path = WriteTemp(SeedText.Insert(13, "Indications"));
        var run = json ? await RunCli("procedure", "validate", path, "--json") : await RunCli("procedure", "validate", path);

        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        var match = ErrorLine().Match(line);
        Assert.True(match.Success, line);
        Assert.Equal(path, match.Groups["file"].Value);
        Assert.Equal("13", match.Groups["line"].Value);
        Assert.Contains("duplicate", match.Groups["message"].Value, StringComparison.Ordinal);
        Assert.Contains("Indications", match.Groups["message"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_Recovery_section_exits_2_with_an_error_at_line_1()
    {
        var path = WriteTemp(SeedText.Remove(49, 54));
        var run = await RunCli("procedure", "validate", path, "--json");

        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.Equal($"{path}:1: missing required section 'Recovery'", line);
    }

    [Fact]
    public async Task Several_errors_are_one_line_each_in_line_order()
    {
        var path = WriteTemp(SeedText.Insert(SeedText.Insert(SeedText.Remove(49, 54), 13, "Indications"), 2, "- Stray"));
        var run = await RunCli("procedure", "validate", path, "--json");

        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        var lines = run.StderrLines;
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(ErrorLine(), l));
        Assert.Equal(["1", "2", "14"], lines.Select(l => ErrorLine().Match(l).Groups["line"].Value));
        Assert.All(lines, l => Assert.Equal(path, ErrorLine().Match(l).Groups["file"].Value));
    }

    [Fact]
    public async Task Unknown_code_exits_2_naming_its_line()
    {
        var path = WriteTemp(SeedText.Replace(2, "CPT4 code: 22853"));
        var run = await RunCli("procedure", "validate", path, "--json");
        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"{path}:2: ", line, StringComparison.Ordinal);
        Assert.Contains("22853", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_failure_has_at_least_one_error_line()
    {
        var path = WriteTemp(SeedText.Replace(4, "- Removal of Posterior Segmental Instrumentation"));
        var run = await RunCli("procedure", "validate", path, "--json");
        if (run.Exit == 2)
        {
            Assert.NotEmpty(run.StderrLines);
            Assert.All(run.StderrLines, l => Assert.Matches(ErrorLine(), l));
        }
        else
        {
            Assert.Equal(0, run.Exit);
        }
    }

    // ---- bad invocations ---------------------------------------------------------------------------------

    [Fact]
    public async Task Missing_file_exits_2_with_a_message_on_stderr()
    {
        var path = Path.Combine(dir, "does-not-exist.txt");
        var run = await RunCli("procedure", "validate", path, "--json");
        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_option_exits_2()
    {
        var run = await RunCli("procedure", "validate", TestFiles.SeedPath, "--bogus");
        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        Assert.Contains("--bogus", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_file_argument_exits_2()
    {
        var run = await RunCli("procedure", "validate", "--json");
        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        Assert.NotEqual("", run.Stderr);
    }
}
