using System.Text.Json;
using Explant.Cli;

namespace Explant.Core.Tests.Cli;

/// <summary>`readiness hold`, `readiness fasting` and `readiness case`: exit codes, stdout/stderr and the JSON contract.</summary>
public sealed class ReadinessCliTests() : CliHarness("explant-cli-readiness-")
{
    /// <summary>Stdout must be exactly one JSON object (nothing before or after it).</summary>
    private static JsonElement OneObject(string output)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(output));
        using var doc = JsonDocument.ParseValue(ref reader);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.False(reader.Read(), "more than one JSON value on stdout");
        return doc.RootElement.Clone();
    }

    // ---- readiness hold ----------------------------------------------------------------------------------

    [Fact]
    public async Task Hold_for_apixaban_prints_one_json_object()
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "apixaban", "--surgery-date", "2026-12-07", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = OneObject(output);
        Assert.Equal("apixaban", json.GetProperty("drug").GetString());
        Assert.Equal("DOAC", json.GetProperty("class").GetString());
        Assert.Equal(2, json.GetProperty("omittedDays").GetInt32());
        Assert.Equal("2026-12-04", json.GetProperty("lastDoseDate").GetString());
        Assert.Equal(48, json.GetProperty("resumeAfterHours").GetInt32());
        Assert.Equal(72, json.GetProperty("resumeAfterHoursMax").GetInt32());
        Assert.Equal("S32", json.GetProperty("source").GetString());
        Assert.Equal("2026-12-07", json.GetProperty("surgeryDate").GetString());
        Assert.Equal("high", json.GetProperty("bleedRisk").GetString());
        Assert.False(json.GetProperty("needsReview").GetBoolean());
    }

    [Fact]
    public async Task Hold_for_a_brand_name_reports_the_generic_agent()
    {
        var (exit, output, _) = await Run("readiness", "hold", "--drug", "Eliquis", "--surgery-date", "2026-12-07", "--json");
        Assert.Equal(0, exit);
        var json = OneObject(output);
        Assert.Equal("apixaban", json.GetProperty("drug").GetString());
        Assert.Equal("2026-12-04", json.GetProperty("lastDoseDate").GetString());
    }

    [Fact]
    public async Task Hold_for_dabigatran_without_crcl_exits_2_naming_the_option()
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "dabigatran", "--surgery-date", "2026-12-07", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--crcl", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30", 4, "2026-12-02")]
    [InlineData("49.9", 4, "2026-12-02")]
    [InlineData("50", 2, "2026-12-04")]
    [InlineData("80", 2, "2026-12-04")]
    public async Task Hold_for_dabigatran_with_crcl(string crcl, int omitted, string lastDose)
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "dabigatran", "--surgery-date", "2026-12-07", "--crcl", crcl, "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = OneObject(output);
        Assert.Equal(omitted, json.GetProperty("omittedDays").GetInt32());
        Assert.Equal(lastDose, json.GetProperty("lastDoseDate").GetString());
        Assert.Equal("S33", json.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Hold_with_low_bleed_risk_for_a_doac_needs_review_with_null_dates()
    {
        var (exit, output, _) = await Run("readiness", "hold", "--drug", "rivaroxaban", "--surgery-date", "2026-12-07", "--bleed-risk", "low", "--json");
        Assert.Equal(0, exit);
        var json = OneObject(output);
        Assert.True(json.GetProperty("needsReview").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("omittedDays").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("lastDoseDate").ValueKind);
        Assert.Equal("low", json.GetProperty("bleedRisk").GetString());
    }

    [Fact]
    public async Task Hold_for_an_unknown_drug_exits_2()
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "heparin", "--surgery-date", "2026-12-07", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--drug", error, StringComparison.Ordinal);
        Assert.Contains("heparin", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13-07")]
    [InlineData("07/12/2026")]
    [InlineData("2026-12-7")]
    [InlineData("tomorrow")]
    public async Task Hold_with_a_bad_date_exits_2_naming_the_option(string date)
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "apixaban", "--surgery-date", date, "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--surgery-date", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bleed-risk", "medium")]
    [InlineData("--crcl", "0")]
    [InlineData("--crcl", "-5")]
    [InlineData("--crcl", "500")]
    public async Task Hold_with_implausible_options_exits_2_naming_the_option(string option, string value)
    {
        var (exit, output, error) = await Run("readiness", "hold", "--drug", "dabigatran", "--surgery-date", "2026-12-07", option, value, "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hold_without_the_required_options_exits_2()
    {
        Assert.Equal(2, (await Run("readiness", "hold", "--surgery-date", "2026-12-07")).Exit);
        Assert.Equal(2, (await Run("readiness", "hold", "--drug", "apixaban")).Exit);
    }

    [Fact]
    public async Task Hold_as_text_names_the_last_dose_and_source()
    {
        var (exit, output, _) = await Run("readiness", "hold", "--drug", "warfarin", "--surgery-date", "2026-12-07");
        Assert.Equal(0, exit);
        Assert.Contains("warfarin (vitamin K antagonist)", output, StringComparison.Ordinal);
        Assert.Contains("[S34]", output, StringComparison.Ordinal);
        Assert.Contains("5 days", output, StringComparison.Ordinal);
    }

    // ---- readiness fasting -------------------------------------------------------------------------------

    [Fact]
    public async Task Fasting_prints_every_category_with_its_last_intake()
    {
        var (exit, output, error) = await Run("readiness", "fasting", "--surgery-time", "2026-12-07T07:30", "--time-zone", "America/Chicago", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var json = OneObject(output);
        Assert.Equal("2026-12-07T07:30", json.GetProperty("surgeryTime").GetString());
        Assert.Equal("America/Chicago", json.GetProperty("timeZone").GetString());
        Assert.Equal("22852", json.GetProperty("procedure").GetString());
        var categories = json.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("category").GetString()!);
        Assert.Equal(["breast-milk", "carbohydrate-drink", "clear-liquids", "fatty-meal", "light-meal"], categories.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2026-12-07T05:30", categories["clear-liquids"].GetProperty("lastIntake").GetString());
        Assert.Equal("2026-12-07T05:30", categories["carbohydrate-drink"].GetProperty("lastIntake").GetString());
        Assert.Equal("2026-12-07T03:30", categories["breast-milk"].GetProperty("lastIntake").GetString());
        Assert.Equal("2026-12-06T23:30", categories["light-meal"].GetProperty("lastIntake").GetString());
        Assert.Equal(8, categories["light-meal"].GetProperty("hours").GetInt32());
        Assert.Equal("S0", categories["light-meal"].GetProperty("source").GetString());
        Assert.Contains("stricter", categories["light-meal"].GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.Equal("2026-12-06T23:30", categories["fatty-meal"].GetProperty("lastIntake").GetString());
    }

    [Fact]
    public async Task Fasting_across_spring_forward_counts_real_hours()
    {
        var (exit, output, _) = await Run("readiness", "fasting", "--surgery-time", "2026-03-08T07:30", "--time-zone", "America/Chicago", "--json");
        Assert.Equal(0, exit);
        var light = OneObject(output).GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == "light-meal");
        Assert.Equal("2026-03-07T22:30", light.GetProperty("lastIntake").GetString());
    }

    [Fact]
    public async Task Fasting_at_a_time_that_does_not_exist_exits_2()
    {
        var (exit, output, error) = await Run("readiness", "fasting", "--surgery-time", "2026-03-08T02:30", "--time-zone", "America/Chicago", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--surgery-time", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--surgery-time", "2026-12-07 07:30")]
    [InlineData("--surgery-time", "2026-12-07")]
    [InlineData("--time-zone", "Mars/Olympus_Mons")]
    [InlineData("--procedure", "99999")]
    public async Task Fasting_with_bad_input_exits_2_naming_the_option(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--surgery-time"] = "2026-12-07T07:30", ["--time-zone"] = "America/Chicago", [option] = value };
        var (exit, output, error) = await Run(["readiness", "fasting", .. args.SelectMany(kv => new[] { kv.Key, kv.Value }), "--json"]);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    // ---- readiness case ----------------------------------------------------------------------------------

    [Fact]
    public async Task Readiness_for_a_case_that_does_not_exist_exits_1()
    {
        Assert.Equal(0, (await Run("db", "migrate")).Exit);
        var (exit, output, error) = await Run("readiness", "case", "999");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("case 999 not found", error, StringComparison.Ordinal);
        Assert.Equal(1, (await Run("readiness", "case", "999", "--json")).Exit);
    }

    [Fact]
    public async Task Readiness_for_the_demo_cases_reports_ready_and_provisional_cases()
    {
        Assert.Equal(0, (await Run("demo", "seed")).Exit);

        var ready = await Run("readiness", "case", "5", "--json");
        Assert.Equal(0, ready.Exit);
        var json = OneObject(ready.Out);
        Assert.Equal(5, json.GetProperty("caseNumber").GetInt32());
        Assert.True(json.GetProperty("ready").GetBoolean());
        Assert.Equal(0, json.GetProperty("openBlocking").GetInt32());
        Assert.False(json.GetProperty("provisional").GetBoolean());
        var items = json.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("ruleId").GetString()!);
        Assert.Equal("Met", items["asa"].GetProperty("status").GetString());
        Assert.Equal("Met", items["ct-fusion"].GetProperty("status").GetString());
        Assert.All(items.Values, i => Assert.False(i.GetProperty("isOpen").GetBoolean()));

        var provisional = OneObject((await Run("readiness", "case", "1", "--json")).Out);
        Assert.True(provisional.GetProperty("provisional").GetBoolean());
        Assert.False(provisional.GetProperty("ready").GetBoolean());
        Assert.True(provisional.GetProperty("openBlocking").GetInt32() > 0);

        var text = await Run("readiness", "case", "2");
        Assert.Equal(0, text.Exit);
        Assert.Contains("blocking item(s) open", text.Out, StringComparison.Ordinal);
    }
}
