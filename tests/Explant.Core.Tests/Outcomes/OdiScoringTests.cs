using Explant.Core.Outcomes;

namespace Explant.Core.Tests.Outcomes;

/// <summary>Rule 38 [S58]: ODI = sum / (5 × answered) × 100, one decimal (halves away from zero), bands, minimum answered.</summary>
public sealed class OdiScoringTests
{
    private static readonly OdiScoringOptions Defaults = new();

    private static OdiAnswers Parse(string text)
    {
        Assert.True(OdiAnswers.TryParse(text, out var answers, out var errors), string.Join("; ", errors));
        return answers!;
    }

    private static OdiScore Scored(string text, OdiScoringOptions? options = null)
    {
        var result = Odi.Score(Parse(text), options ?? Defaults);
        Assert.True(result.IsScored, result.NotScoredReason);
        return result.Score!;
    }

    // Hand-computed: percent = 20 × sum / answered, then rounded to one decimal.
    [Theory]
    [InlineData("0,0,0,0,0,0,0,0,0,0", 0, 10, "0.0")]
    [InlineData("5,5,5,5,5,5,5,5,5,5", 50, 10, "100.0")]
    [InlineData("2,2,2,2,2,2,2,2,2,2", 20, 10, "40.0")]
    [InlineData("3,2,1,2,3,1,2,1,3,3", 21, 10, "42.0")]
    [InlineData("1,2,1,2,1,2,1,2,2,2", 16, 10, "32.0")]        // docs/clinical-rules.md §9: 16/50 → 32 %
    [InlineData("1,2,1,2,1,2,1,-,3,3", 16, 9, "35.6")]         // 16/45 = 35.555… → 35.6 (a truncating worked example would print 35.5)
    [InlineData("1,1,1,1,1,1,1,-,1,1", 9, 9, "20.0")]          // 9/45 exactly 20
    [InlineData("1,1,1,1,1,1,1,-,1,2", 10, 9, "22.2")]         // 10/45 = 22.222… → 22.2
    [InlineData("5,5,5,5,5,5,5,-,5,4", 44, 9, "97.8")]         // 44/45 = 97.777… → 97.8
    [InlineData("1,1,1,1,1,1,1,-,-,1", 8, 8, "20.0")]          // 8/40
    [InlineData("1,1,1,1,1,1,1,-,-,2", 9, 8, "22.5")]          // 9/40 exactly 22.5
    [InlineData("0,0,0,0,0,0,0,-,-,1", 1, 8, "2.5")]           // 1/40
    [InlineData("3,3,3,3,3,3,3,-,-,2", 23, 8, "57.5")]         // 23/40
    [InlineData("-,4,4,4,4,4,4,4,4,-", 32, 8, "80.0")]         // missing at both ends
    public void Score_is_sum_over_five_times_answered(string answers, int sum, int answered, string percent)
    {
        var score = Scored(answers);
        Assert.Equal(sum, score.Sum);
        Assert.Equal(answered, score.Answered);
        Assert.Equal(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture), score.Percent);
        Assert.Equal("S58", score.Source);
    }

    [Fact]
    public void Seven_sections_are_scored_when_the_site_lowers_the_minimum_to_7()
    {
        // 8/35 = 22.857… → 22.9
        var score = Scored("1,1,1,1,1,1,-,-,-,2", new OdiScoringOptions { MinimumAnsweredSections = 7 });
        Assert.Equal(7, score.Answered);
        Assert.Equal(22.9m, score.Percent);
    }

    [Fact]
    public void A_missing_section_changes_the_denominator_not_the_numerator()
    {
        // Same sum, one section fewer: the score must rise (16/50 → 16/45), never stay at 32 (missing counted as 0).
        var all = Scored("1,2,1,2,1,2,1,2,2,2");
        var oneMissing = Scored("1,2,1,2,1,2,1,-,3,3");
        Assert.Equal(all.Sum, oneMissing.Sum);
        Assert.True(oneMissing.Percent > all.Percent);
        Assert.NotEqual(32.0m, oneMissing.Percent);
    }

    [Theory]
    [InlineData("35.45", "35.5")]
    [InlineData("35.55", "35.6")]
    [InlineData("22.25", "22.3")]
    [InlineData("35.44", "35.4")]
    [InlineData("35.549", "35.5")]
    public void Rounding_is_one_decimal_with_halves_away_from_zero(string raw, string rounded)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(decimal.Parse(rounded, c), OutcomeMath.OneDecimal(decimal.Parse(raw, c)));
    }

    [Theory]
    [InlineData("0", OdiBand.Minimal)]
    [InlineData("20", OdiBand.Minimal)]
    [InlineData("20.1", OdiBand.Moderate)]
    [InlineData("21", OdiBand.Moderate)]
    [InlineData("40", OdiBand.Moderate)]
    [InlineData("40.1", OdiBand.Severe)]
    [InlineData("41", OdiBand.Severe)]
    [InlineData("60", OdiBand.Severe)]
    [InlineData("61", OdiBand.Crippled)]
    [InlineData("80", OdiBand.Crippled)]
    [InlineData("80.1", OdiBand.BedBoundOrExaggerating)]
    [InlineData("81", OdiBand.BedBoundOrExaggerating)]
    [InlineData("100", OdiBand.BedBoundOrExaggerating)]
    public void Bands_follow_the_sourced_table_with_upper_inclusive_limits(string percent, OdiBand band) =>
        Assert.Equal(band, Odi.BandOf(decimal.Parse(percent, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(OdiBand.Minimal, "minimal")]
    [InlineData(OdiBand.Moderate, "moderate")]
    [InlineData(OdiBand.Severe, "severe")]
    [InlineData(OdiBand.Crippled, "crippled")]
    [InlineData(OdiBand.BedBoundOrExaggerating, "bed-bound or exaggerating")]
    public void Band_labels_are_the_sourced_words(OdiBand band, string label) => Assert.Equal(label, Odi.BandLabel(band));

    [Theory]
    [InlineData("1,1,1,1,1,1,1,1,1,1", OdiBand.Minimal)]       // 20.0
    [InlineData("2,1,1,1,1,1,1,1,1,1", OdiBand.Moderate)]      // 22.0
    [InlineData("2,2,2,2,2,2,2,2,2,2", OdiBand.Moderate)]      // 40.0
    [InlineData("3,2,2,2,2,2,2,2,2,2", OdiBand.Severe)]        // 42.0
    [InlineData("3,3,3,3,3,3,3,3,3,3", OdiBand.Severe)]        // 60.0
    [InlineData("4,3,3,3,3,3,3,3,3,3", OdiBand.Crippled)]      // 62.0
    [InlineData("4,4,4,4,4,4,4,4,4,4", OdiBand.Crippled)]      // 80.0
    [InlineData("5,4,4,4,4,4,4,4,4,4", OdiBand.BedBoundOrExaggerating)] // 82.0
    public void Scored_answers_land_in_the_band_of_their_rounded_score(string answers, OdiBand band) =>
        Assert.Equal(band, Scored(answers).Band);

    [Fact]
    public void Default_minimum_is_8_of_10_answered()
    {
        Assert.Equal(8, new OdiScoringOptions().MinimumAnsweredSections);

        Assert.True(Odi.Score(Parse("1,1,1,1,1,1,1,1,-,-"), Defaults).IsScored);
        var seven = Odi.Score(Parse("1,1,1,1,1,1,1,-,-,-"), Defaults);
        Assert.False(seven.IsScored);
        Assert.Null(seven.Score);
        Assert.Contains("7 of 10", seven.NotScoredReason, StringComparison.Ordinal);
        Assert.Contains("at least 8", seven.NotScoredReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 9, false)]
    [InlineData(10, 10, true)]
    [InlineData(5, 5, true)]
    [InlineData(5, 4, false)]
    [InlineData(1, 1, true)]
    public void The_configured_minimum_is_inclusive(int minimum, int answered, bool scored)
    {
        var answers = new OdiAnswers([.. Enumerable.Range(0, 10).Select(i => i < answered ? (int?)2 : null)]);
        Assert.Equal(scored, Odi.Score(answers, new OdiScoringOptions { MinimumAnsweredSections = minimum }).IsScored);
    }

    [Fact]
    public void Nothing_answered_is_never_scored() =>
        Assert.False(Odi.Score(Parse("-,-,-,-,-,-,-,-,-,-"), new OdiScoringOptions { MinimumAnsweredSections = 1 }).IsScored);

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void A_minimum_outside_1_to_10_is_refused(int minimum)
    {
        var options = new OdiScoringOptions { MinimumAnsweredSections = minimum };
        Assert.Single(options.Validate());
        Assert.Throws<ArgumentException>(() => Odi.Score(Parse("1,1,1,1,1,1,1,1,1,1"), options));
    }

    [Theory]
    [InlineData("1,2,3", "expected 10 answers")]
    [InlineData("1,1,1,1,1,1,1,1,1,1,1", "got 11")]
    [InlineData("", "got 1")]
    [InlineData("1,1,7,1,1,1,1,1,1,1", "answer 3: '7' is not 0–5 or '-'")]
    [InlineData("1,1,1,1,1,1,1,1,1,x", "answer 10: 'x' is not 0–5 or '-'")]
    [InlineData("1,,1,1,1,1,1,1,1,1", "answer 2: '' is not 0–5 or '-'")]
    [InlineData("+1,1,1,1,1,1,1,1,1,1", "answer 1: '+1'")]
    [InlineData("1,1,1,1,03,1,1,1,1,1", "answer 5: '03'")]
    [InlineData("1,1,1,1,1,1,1,1,1,2.0", "answer 10: '2.0'")]
    [InlineData("1,1,1,1,1,1,-1,1,1,1", "answer 7: '-1'")]
    public void Bad_answers_are_refused_naming_the_position(string text, string expected)
    {
        Assert.False(OdiAnswers.TryParse(text, out var answers, out var errors));
        Assert.Null(answers);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_position_is_named()
    {
        Assert.False(OdiAnswers.TryParse("6,1,1,1,9,1,1,1,1,z", out _, out var errors));
        Assert.Equal(["answer 1: '6' is not 0–5 or '-'", "answer 5: '9' is not 0–5 or '-'", "answer 10: 'z' is not 0–5 or '-'"], errors);
    }

    [Fact]
    public void Answers_out_of_range_cannot_be_constructed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OdiAnswers([1, 1, 1, 1, 1, 1, 1, 1, 1, 6]));
        Assert.Throws<ArgumentException>(() => new OdiAnswers([1, 1, 1]));
    }

    [Fact]
    public void Sections_are_named_in_order_and_the_modified_version_swaps_section_8()
    {
        var v21a = Odi.Sections(OdiVersion.V21a);
        var modified = Odi.Sections(OdiVersion.Modified);
        Assert.Equal(10, v21a.Count);
        Assert.Equal(OdiSection.PainIntensity, v21a[0]);
        Assert.Equal(OdiSection.SexLife, v21a[7]);
        Assert.Equal(OdiSection.Travelling, v21a[9]);
        Assert.Equal(OdiSection.EmploymentHomemaking, modified[7]);
        Assert.Equal(v21a.Where((_, i) => i != 7), modified.Where((_, i) => i != 7));
        Assert.Equal("Sex life (if applicable)", Odi.SectionName(OdiSection.SexLife));
    }

    [Fact]
    public void Licensed_text_is_optional_but_needs_six_statements_and_a_licence_when_given()
    {
        var none = new OdiLicensedTextOptions();
        Assert.Empty(none.Validate());
        Assert.False(none.HasText(OdiSection.Walking));

        var partial = new OdiLicensedTextOptions
        {
            Sections = { [OdiSection.Walking] = new OdiSectionText { Question = "(site text)", Answers = ["a", "b", "c"] } },
        };
        var errors = partial.Validate();
        Assert.Contains(errors, e => e.Contains("Sections:Walking:Answers", StringComparison.Ordinal) && e.Contains("not 3", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(":Licence", StringComparison.Ordinal));

        var wrongVersion = new OdiLicensedTextOptions
        {
            Licence = "site-licence-1",
            Version = OdiVersion.V21a,
            Sections = { [OdiSection.EmploymentHomemaking] = new OdiSectionText { Question = "(site text)" } },
        };
        Assert.Contains(wrongVersion.Validate(), e => e.Contains("not a section of ODI V21a", StringComparison.Ordinal));

        var good = new OdiLicensedTextOptions
        {
            Licence = "site-licence-1",
            Sections = { [OdiSection.Walking] = new OdiSectionText { Question = "(site text)", Answers = ["0", "1", "2", "3", "4", "5"] } },
        };
        Assert.Empty(good.Validate());
        Assert.True(good.HasText(OdiSection.Walking));
    }
}
