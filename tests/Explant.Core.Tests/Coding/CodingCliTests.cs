using System.Text.Json;
using Explant.Core.Tests.Cli;

namespace Explant.Core.Tests.Coding;

/// <summary>`coding suggest --input case.json [--json]`: the outside contract (exact JSON shape, exit codes, JSON paths on stderr).</summary>
public sealed class CodingCliTests() : CliHarness("explant-cli-coding-")
{
    private string Input(string json)
    {
        var path = Path.Combine(Dir, $"case-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static JsonElement OneObject(string output)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(output));
        using var doc = JsonDocument.ParseValue(ref reader);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.False(reader.Read(), "more than one JSON value on stdout");
        return doc.RootElement.Clone();
    }

    private static string[] Names(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task The_example_gives_22852_and_T84_63XA_in_the_exact_contract_shape()
    {
        var (exit, output, error) = await Run("coding", "suggest", "--input", Input(CodingRequestJsonTests.Example), "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = OneObject(output);
        Assert.Equal(["cpt", "icd10", "warnings", "sources"], Names(json).Take(4));

        var cpt = Assert.Single(json.GetProperty("cpt").EnumerateArray());
        Assert.Equal(["code", "modifiers"], Names(cpt));
        Assert.Equal("22852", cpt.GetProperty("code").GetString());
        Assert.Equal(0, cpt.GetProperty("modifiers").GetArrayLength());

        var icd = Assert.Single(json.GetProperty("icd10").EnumerateArray());
        Assert.Equal(["code", "title", "indication", "source"], Names(icd));
        Assert.Equal("T84.63XA", icd.GetProperty("code").GetString());
        Assert.Equal("Infection and inflammatory reaction due to internal fixation device of spine", icd.GetProperty("title").GetString());
        Assert.Equal("infection", icd.GetProperty("indication").GetString());
        Assert.Equal("S9", icd.GetProperty("source").GetString());

        var warnings = json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.NotEmpty(warnings);
        Assert.Contains(warnings, w => w.Contains("090", StringComparison.Ordinal));
        var sources = json.GetProperty("sources").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Contains("S4", sources);
        Assert.Contains("S1", sources);
        Assert.Contains("S9", sources);
        Assert.Equal("090", json.GetProperty("globalPeriod").GetString());
    }

    [Fact]
    public async Task Overlapping_new_instrumentation_reports_only_the_insertion_code()
    {
        var (exit, output, _) = await Run("coding", "suggest", "--input",
            Input(CodingRequestJsonTests.With("newInstrumentation", """{"code":"22842","levels":"L3-L5"}""")), "--json");
        Assert.Equal(0, exit);
        var json = OneObject(output);
        var cpt = Assert.Single(json.GetProperty("cpt").EnumerateArray());
        Assert.Equal("22842", cpt.GetProperty("code").GetString());
        Assert.Contains(json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("rule 2 (R2)", StringComparison.Ordinal));
        Assert.Contains(json.GetProperty("sources").EnumerateArray(), s => s.GetString() == "S2");
    }

    [Fact]
    public async Task Configured_relative_values_and_XS_place_the_modifier_on_the_lower_valued_code()
    {
        Settings["Coding:DistinctProcedureModifier"] = "XS";
        Settings["Coding:RelativeValues:22852"] = "2";
        Settings["Coding:RelativeValues:22840"] = "1";
        var (exit, output, _) = await Run("coding", "suggest", "--input",
            Input(CodingRequestJsonTests.With("levels", "\"L2-L4\"").Replace("null", """{"code":"22840","levels":"L5-S1"}""", StringComparison.Ordinal)), "--json");
        Assert.Equal(0, exit);
        var cpt = OneObject(output).GetProperty("cpt").EnumerateArray().ToList();
        Assert.Equal(["22852", "22840"], cpt.Select(c => c.GetProperty("code").GetString()));
        Assert.Equal(0, cpt[0].GetProperty("modifiers").GetArrayLength());
        Assert.Equal(["XS"], cpt[1].GetProperty("modifiers").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_laterality_modifier_in_configuration_exits_2_naming_the_setting()
    {
        Settings["Coding:DistinctProcedureModifier"] = "LT";
        var (exit, output, error) = await Run("coding", "suggest", "--input", Input(CodingRequestJsonTests.Example), "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("Coding:DistinctProcedureModifier", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("levels", "\"L5-L3\"", "$.levels")]
    [InlineData("levels", null, "$.levels")]
    [InlineData("approach", "\"lateral\"", "$.approach")]
    [InlineData("newInstrumentation", """{"code":"22852","levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("indications", """["infection","gout"]""", "$.indications[1]")]
    [InlineData("removedAll", null, "$.removedAll")]
    [InlineData("surgeon", "\"Dr X\"", "$.surgeon")]
    public async Task Bad_input_exits_2_naming_the_field_on_stderr(string field, string? value, string path)
    {
        var (exit, output, error) = await Run("coding", "suggest", "--input", Input(CodingRequestJsonTests.With(field, value)), "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(path + ":", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_input_file_exits_2_naming_the_option()
    {
        var (exit, output, error) = await Run("coding", "suggest", "--input", Path.Combine(Dir, "nope.json"), "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("--input:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_input_the_command_exits_2()
    {
        var (exit, _, error) = await Run("coding", "suggest", "--json");
        Assert.Equal(2, exit);
        Assert.Contains("--input", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_json_it_prints_a_readable_text_form()
    {
        var (exit, output, error) = await Run("coding", "suggest", "--input", Input(CodingRequestJsonTests.Example));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.False(output.TrimStart().StartsWith('{'));
        Assert.Contains("22852", output, StringComparison.Ordinal);
        Assert.Contains("Removal of posterior segmental instrumentation", output, StringComparison.Ordinal);
        Assert.Contains("T84.63XA", output, StringComparison.Ordinal);
        Assert.Contains("global period 090", output, StringComparison.Ordinal);
        Assert.Contains("Sources: S1, S3, S4", output, StringComparison.Ordinal);
    }
}
