using Explant.Core.Tests.Cli;

namespace Explant.Core.Tests.Outcomes;

/// <summary>
/// The exact contract of `explant outcomes odi --answers a1,…,a10 [--json]`: stdout {"score":N,"answered":K,"band":"…"}
/// with one decimal always; exit 2 naming the bad position; exit 1 when too few sections are answered.
/// </summary>
public sealed class OutcomeCliTests() : CliHarness("explant-cli-outcomes-")
{
    [Theory]
    [InlineData("3,2,1,2,3,1,2,1,3,3", "{\"score\":42.0,\"answered\":10,\"band\":\"severe\"}")]
    [InlineData("0,0,0,0,0,0,0,0,0,0", "{\"score\":0.0,\"answered\":10,\"band\":\"minimal\"}")]
    [InlineData("5,5,5,5,5,5,5,5,5,5", "{\"score\":100.0,\"answered\":10,\"band\":\"bed-bound or exaggerating\"}")]
    [InlineData("1,2,1,2,1,2,1,-,3,3", "{\"score\":35.6,\"answered\":9,\"band\":\"moderate\"}")]
    [InlineData("1,1,1,1,1,1,1,-,-,2", "{\"score\":22.5,\"answered\":8,\"band\":\"moderate\"}")]
    [InlineData("-,4,4,4,4,4,4,4,4,-", "{\"score\":80.0,\"answered\":8,\"band\":\"crippled\"}")]
    [InlineData("1,1,1,1,1,1,1,1,1,1", "{\"score\":20.0,\"answered\":10,\"band\":\"minimal\"}")]
    public async Task Json_is_exactly_the_contract(string answers, string expected)
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--answers", answers, "--json");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal(expected, output.TrimEnd('\r', '\n'));
        Assert.Equal(expected + Environment.NewLine, output);
    }

    [Fact]
    public async Task Without_json_a_readable_line()
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--answers", "3,2,1,2,3,1,2,1,3,3");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal("ODI 42.0 % (severe): 21 of 50 points, 10 of 10 sections answered [S58]" + Environment.NewLine, output);
    }

    [Theory]
    [InlineData("1,1,7,1,1,1,1,1,1,1", "answer 3: '7' is not 0–5 or '-'")]
    [InlineData("x,1,1,1,1,1,1,1,1,1", "answer 1: 'x' is not 0–5 or '-'")]
    [InlineData("1,1,1,1,1,1,1,1,1,6", "answer 10: '6' is not 0–5 or '-'")]
    [InlineData("1,1,1,1,1,1,1,1,1", "--answers: expected 10 answers (each 0–5 or '-') separated by commas, got 9")]
    [InlineData("1,1,1,1,1,1,1,1,1,1,1", "got 11")]
    public async Task Bad_input_exits_2_naming_the_position(string answers, string message)
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--answers", answers, "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_answers_option_exits_2()
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("--answers", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_section_left_blank_is_read_as_unanswered_not_as_an_option()
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--answers", "-,2,2,2,2,2,2,2,2,2", "--json");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Equal("{\"score\":40.0,\"answered\":9,\"band\":\"moderate\"}", output.TrimEnd());
    }

    [Fact]
    public async Task Too_few_answered_exits_1_with_the_reason()
    {
        var (exit, output, error) = await Run("outcomes", "odi", "--answers", "1,1,1,1,1,1,1,-,-,-", "--json");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("7 of 10 sections answered, at least 8 needed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eight_answered_is_enough_by_default()
    {
        var (exit, output, _) = await Run("outcomes", "odi", "--answers", "1,1,1,1,1,1,1,1,-,-", "--json");
        Assert.Equal(0, exit);
        Assert.Equal("{\"score\":20.0,\"answered\":8,\"band\":\"minimal\"}", output.TrimEnd());
    }

    [Fact]
    public async Task The_minimum_comes_from_configuration()
    {
        Settings["Outcomes:Odi:MinimumAnsweredSections"] = "10";
        var (exit, _, error) = await Run("outcomes", "odi", "--answers", "1,1,1,1,1,1,1,1,1,-", "--json");
        Assert.Equal(1, exit);
        Assert.Contains("at least 10 needed", error, StringComparison.Ordinal);

        Settings["Outcomes:Odi:MinimumAnsweredSections"] = "0";
        var (bad, _, badError) = await Run("outcomes", "odi", "--answers", "1,1,1,1,1,1,1,1,1,1", "--json");
        Assert.Equal(2, bad);
        Assert.Contains("Outcomes:Odi:MinimumAnsweredSections", badError, StringComparison.Ordinal);
    }
}
