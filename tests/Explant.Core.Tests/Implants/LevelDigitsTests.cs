using Explant.Core.Implants;

namespace Explant.Core.Tests.Implants;

/// <summary>Only ASCII digits name a level: "L٣" (Arabic-Indic three) is bad input, never an exception (a 500 on every level field).</summary>
public sealed class LevelDigitsTests
{
    [Theory]
    [InlineData("L\u0663")]
    [InlineData("T\u0661\u0662")]
    [InlineData("L\uFF13")]
    public void Non_ascii_digits_are_not_a_level(string text)
    {
        Assert.False(SpinalLevel.TryParse(text, out _));
        Assert.False(LevelRange.TryParse(text + "-L5", out _));
    }

    [Fact]
    public void Ascii_levels_still_parse() => Assert.True(SpinalLevel.TryParse("L3", out _));
}
