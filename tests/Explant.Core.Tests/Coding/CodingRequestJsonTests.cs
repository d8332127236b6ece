using System.Text.Json.Nodes;
using Explant.Core.Coding;
using Explant.Core.Implants;

namespace Explant.Core.Tests.Coding;

/// <summary>The `coding suggest` input contract: strict fields, every error named by its JSON path.</summary>
public sealed class CodingRequestJsonTests
{
    internal const string Example =
        """{"approach":"posterior","segmental":true,"levels":"L3-L5","removedAll":true,"reinsertedSameLevels":false,"newInstrumentation":null,"indications":["infection"]}""";

    /// <summary>The example with one change: a JSON value to set, or null to remove the field. Path "a.b" reaches into objects.</summary>
    internal static string With(string path, string? json)
    {
        var root = JsonNode.Parse(Example)!.AsObject();
        var parts = path.Split('.');
        var parent = root;
        foreach (var p in parts[..^1])
        {
            parent[p] ??= new JsonObject();
            parent = parent[p]!.AsObject();
        }
        if (json is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(json);
        }
        return root.ToJsonString();
    }

    [Fact]
    public void The_example_parses_into_the_request()
    {
        var r = CodingRequestJson.Parse(Example);
        Assert.Equal(Approach.Posterior, r.Approach);
        Assert.True(r.Segmental);
        Assert.Equal(LevelRange.Parse("L3-L5"), r.Levels);
        Assert.True(r.RemovedAll);
        Assert.False(r.ReinsertedSameLevels);
        Assert.Null(r.NewInstrumentation);
        Assert.Equal(["infection"], r.Indications);
    }

    [Fact]
    public void New_instrumentation_is_read_with_its_levels()
    {
        var r = CodingRequestJson.Parse(With("newInstrumentation", """{"code":"22842","levels":"L5-S1"}"""));
        Assert.Equal(new NewInstrumentation("22842", LevelRange.Parse("L5-S1")), r.NewInstrumentation);
    }

    [Fact]
    public void Segmental_may_be_left_out_for_an_anterior_construct_only()
    {
        var anterior = CodingRequestJson.Parse(With("segmental", null).Replace("posterior", "anterior", StringComparison.Ordinal));
        Assert.Equal(Approach.Anterior, anterior.Approach);
        var e = Assert.Throws<CodingInputException>(() => CodingRequestJson.Parse(With("segmental", null)));
        Assert.Equal("$.segmental", Assert.Single(e.Errors).Path);
    }

    [Theory]
    [InlineData("approach", "\"lateral\"", "$.approach")]
    [InlineData("approach", "\"Posterior\"", "$.approach")]
    [InlineData("approach", null, "$.approach")]
    [InlineData("segmental", "\"true\"", "$.segmental")]
    [InlineData("segmental", "null", "$.segmental")]
    [InlineData("levels", "\"L5-L3\"", "$.levels")]
    [InlineData("levels", "\"L6\"", "$.levels")]
    [InlineData("levels", "\"\"", "$.levels")]
    [InlineData("levels", "35", "$.levels")]
    [InlineData("levels", null, "$.levels")]
    [InlineData("removedAll", "1", "$.removedAll")]
    [InlineData("removedAll", null, "$.removedAll")]
    [InlineData("reinsertedSameLevels", null, "$.reinsertedSameLevels")]
    [InlineData("newInstrumentation", null, "$.newInstrumentation")]
    [InlineData("newInstrumentation", "\"22842\"", "$.newInstrumentation")]
    [InlineData("newInstrumentation", """{"code":"22849","levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("newInstrumentation", """{"code":"22852","levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("newInstrumentation", """{"code":"22839","levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("newInstrumentation", """{"code":22842,"levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("newInstrumentation", """{"levels":"L1-L2"}""", "$.newInstrumentation.code")]
    [InlineData("newInstrumentation", """{"code":"22842","levels":"L1-X2"}""", "$.newInstrumentation.levels")]
    [InlineData("newInstrumentation", """{"code":"22842"}""", "$.newInstrumentation.levels")]
    [InlineData("newInstrumentation", """{"code":"22842","levels":"L1-L2","side":"left"}""", "$.newInstrumentation.side")]
    [InlineData("indications", """["infection","gout"]""", "$.indications[1]")]
    [InlineData("indications", """["pain",7]""", "$.indications[1]")]
    [InlineData("indications", """["pain","pain"]""", "$.indications[1]")]
    [InlineData("indications", "\"infection\"", "$.indications")]
    [InlineData("indications", null, "$.indications")]
    [InlineData("modifiers", """["LT"]""", "$.modifiers")]
    public void A_bad_field_is_named_by_its_json_path(string field, string? value, string path)
    {
        var e = Assert.Throws<CodingInputException>(() => CodingRequestJson.Parse(With(field, value)));
        var error = Assert.Single(e.Errors);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(path + ": ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_listed_not_just_the_first()
    {
        var e = Assert.Throws<CodingInputException>(() => CodingRequestJson.Parse(
            """{"approach":"lateral","segmental":true,"levels":"L5-L3","removedAll":true,"reinsertedSameLevels":false,"newInstrumentation":null,"indications":["x"],"extra":1}"""));
        Assert.Equal(["$.extra", "$.approach", "$.levels", "$.indications[0]"], e.Errors.Select(x => x.Path));
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("\"posterior\"", "$")]
    [InlineData("{", "$ (line 1)")]
    [InlineData("", "$ (line 1)")]
    public void Input_that_is_not_an_object_is_named_at_the_root(string json, string path)
    {
        var e = Assert.Throws<CodingInputException>(() => CodingRequestJson.Parse(json));
        Assert.Equal(path, Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void A_repeated_field_is_refused()
    {
        var e = Assert.Throws<CodingInputException>(() => CodingRequestJson.Parse(Example.Replace("\"levels\":\"L3-L5\"", "\"levels\":\"L3-L5\",\"levels\":\"L1-L2\"", StringComparison.Ordinal)));
        Assert.Equal("$.levels", Assert.Single(e.Errors).Path);
    }
}
