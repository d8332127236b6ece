using Explant.Core.Procedures;

namespace Explant.Core.Tests.Procedures;

public sealed class ProcedureFactsTests
{
    private static ProcedureFacts SeedFacts() => SeedText.ParseOk(TestFiles.Seed).Facts;

    private static string Describe(IEnumerable<ParseMessage> messages) =>
        string.Join(" | ", messages.Select(m => $"{m.Line}: {m.Message}"));

    // ---- the seed's facts --------------------------------------------------------------------------------

    [Fact]
    public void Seed_duration_is_60_to_180_minutes_from_line_29()
    {
        var facts = SeedFacts();
        Assert.Equal(new IntRange(60, 180), facts.DurationMinutes);
        Assert.Equal(29, facts.DurationLine);
    }

    [Fact]
    public void Seed_stay_is_1_to_3_days_from_line_50()
    {
        var facts = SeedFacts();
        Assert.Equal(new IntRange(1, 3), facts.StayDays);
        Assert.Equal(50, facts.StayLine);
    }

    [Fact]
    public void Seed_fasting_is_8_hours_from_line_16()
    {
        var facts = SeedFacts();
        Assert.Equal(8, facts.FastingHours);
        Assert.Equal(16, facts.FastingLine);
    }

    [Fact]
    public void Seed_indications_have_the_five_stable_keys_with_their_lines()
    {
        var items = SeedFacts().Indications;
        Assert.Equal(["pain", "infection", "malfunction", "support-complete", "skin-breakdown"], items.Select(i => i.Key));
        Assert.Equal([10, 11, 12, 13, 14], items.Select(i => i.Line));
        Assert.Equal("Hardware malfunction or migration", items[2].Text);
    }

    [Fact]
    public void Seed_risks_have_the_six_stable_keys_with_their_lines()
    {
        var items = SeedFacts().Risks;
        Assert.Equal(["infection", "blood-loss", "nerve-damage", "spinal-instability", "recurrence", "anesthesia-reaction"], items.Select(i => i.Key));
        Assert.Equal([38, 39, 40, 41, 42, 43], items.Select(i => i.Line));
        Assert.Equal("Adverse reactions to anesthesia", items[5].Text);
    }

    [Fact]
    public void Seed_alternatives_have_the_three_stable_keys_with_their_lines()
    {
        var items = SeedFacts().Alternatives;
        Assert.Equal(["conservative-care", "revision-surgery", "observation"], items.Select(i => i.Key));
        Assert.Equal([56, 57, 58], items.Select(i => i.Line));
    }

    [Fact]
    public void Seed_personnel_have_the_four_roles_with_their_lines()
    {
        var items = SeedFacts().Personnel;
        Assert.Equal(["surgeon", "anesthesiologist", "nurse", "surgical-technologist"], items.Select(i => i.Key));
        Assert.Equal([33, 34, 35, 36], items.Select(i => i.Line));
    }

    [Fact]
    public void Seed_benefits_are_keyed_without_warnings()
    {
        var items = SeedFacts().Benefits;
        Assert.Equal(["pain-relief", "infection-resolution", "quality-of-life", "expected-timing"], items.Select(i => i.Key));
        Assert.Equal([45, 46, 47, 48], items.Select(i => i.Line));
    }

    // ---- duration ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("The procedure typically takes 45 to 90 minutes.", 45, 90)]
    [InlineData("The procedure typically takes one to three hours.", 60, 180)]
    [InlineData("It usually takes two to four hours.", 120, 240)]
    [InlineData("It takes about 2 hours.", 120, 120)]
    [InlineData("It takes 1.5 to 2 hours.", 90, 120)]
    [InlineData("Expect 2-4 hrs in theatre.", 120, 240)]
    [InlineData("Expect 1 \u2013 3 hours.", 60, 180)]
    [InlineData("Between 30 and 40 patients a year; each operation takes 1 to 3 hours.", 60, 180)]
    [InlineData("THE PROCEDURE TAKES 45-90 MINS.", 45, 90)]
    public void Duration_is_read_in_minutes_from_hours_minutes_and_number_words(string sentence, int min, int max)
    {
        var facts = SeedText.ParseOk(SeedText.Replace(29, sentence)).Facts;
        Assert.Equal(new IntRange(min, max), facts.DurationMinutes);
        Assert.Equal(29, facts.DurationLine);
    }

    [Theory]
    [InlineData("It takes a while.")]
    [InlineData("Several hours, depending on the number of levels.")]
    [InlineData("It takes 3 to 1 hours.")]
    [InlineData("It takes 0 hours.")]
    [InlineData("The patient returns after 2 to 3 weeks.")]
    public void Unreadable_duration_is_null_with_a_warning_at_the_Duration_section(string sentence)
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(29, sentence));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var facts = outcome.Document!.Facts;
        Assert.Null(facts.DurationMinutes);
        Assert.Null(facts.DurationLine);
        Assert.Equal([2, 28], outcome.Warnings.Select(w => w.Line));
        Assert.Contains("duration", outcome.Warnings[1].Message, StringComparison.OrdinalIgnoreCase);
        // The other facts are unaffected.
        Assert.Equal(new IntRange(1, 3), facts.StayDays);
        Assert.Equal(8, facts.FastingHours);
    }

    [Fact]
    public void Missing_Duration_section_leaves_duration_null_with_a_warning()
    {
        var outcome = ProcedureParser.Parse(SeedText.Remove(28, 29));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Null(outcome.Document!.Facts.DurationMinutes);
        Assert.Contains(outcome.Warnings, w => w.Line == 1 && w.Message.Contains("Duration", StringComparison.Ordinal));
    }

    [Fact]
    public void Duration_with_mixed_units_is_read_whole_or_not_at_all()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(29, "The procedure typically takes 90 minutes to 3 hours."));
        var facts = outcome.Document!.Facts;
        if (facts.DurationMinutes is { } d)
        {
            Assert.Equal(new IntRange(90, 180), d);
        }
        else
        {
            Assert.Contains(outcome.Warnings, w => w.Line == 28 || w.Line == 29);
        }
    }

    // ---- stay --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("- Initial recovery in the hospital for one to three days", 1, 3)]
    [InlineData("- Most patients stay 2-4 days", 2, 4)]
    [InlineData("- An inpatient stay of about 2 days", 2, 2)]
    public void Stay_is_read_from_a_hospital_sentence_in_Recovery(string line, int min, int max)
    {
        var facts = SeedText.ParseOk(SeedText.Replace(50, line)).Facts;
        Assert.Equal(new IntRange(min, max), facts.StayDays);
        Assert.Equal(50, facts.StayLine);
    }

    [Fact]
    public void Stay_is_read_from_Setting_when_Recovery_does_not_state_it()
    {
        var text = SeedText.Replace(SeedText.Replace(50, "- Initial recovery on the ward"), 31,
            "The procedure is performed in a hospital; most patients stay 2 to 4 days.");
        var facts = SeedText.ParseOk(text).Facts;
        Assert.Equal(new IntRange(2, 4), facts.StayDays);
        Assert.Equal(31, facts.StayLine);
    }

    [Fact]
    public void Days_outside_a_stay_context_are_not_a_stay()
    {
        // "several weeks" / "3 days" without hospital, stay, ward... is not a length of stay.
        var outcome = ProcedureParser.Parse(SeedText.Replace(50, "- Keep the dressing dry for 3 days"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Null(outcome.Document!.Facts.StayDays);
        Assert.Null(outcome.Document.Facts.StayLine);
    }

    [Theory]
    [InlineData("- Initial recovery in the hospital for a few days")]
    [InlineData("- Initial recovery in the hospital until you can walk safely")]
    public void Unreadable_stay_is_null_with_a_warning_at_the_Recovery_section(string line)
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(50, line));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Null(outcome.Document!.Facts.StayDays);
        Assert.Null(outcome.Document.Facts.StayLine);
        Assert.Equal([2, 49], outcome.Warnings.Select(w => w.Line));
        Assert.Contains("stay", outcome.Warnings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fractional_stay_is_not_truncated()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(50, "- Initial recovery in the hospital for 1.5 to 2 days"));
        Assert.Null(outcome.Document!.Facts.StayDays);
        Assert.Contains(outcome.Warnings, w => w.Line == 49 || w.Line == 50);
    }

    // ---- fasting -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("- Fasting for 6 hrs before the procedure", 6)]
    [InlineData("- FAST FOR 12H BEFORE SURGERY", 12)]
    [InlineData("- Nothing by mouth: fasting for 10 hours", 10)]
    public void Fasting_hours_are_read_from_the_fasting_line(string line, int hours)
    {
        var facts = SeedText.ParseOk(SeedText.Replace(16, line)).Facts;
        Assert.Equal(hours, facts.FastingHours);
        Assert.Equal(16, facts.FastingLine);
    }

    [Theory]
    [InlineData("- Fasting from midnight before the procedure")]
    [InlineData("- Fasting as instructed by the anesthesia team")]
    public void Unreadable_fasting_is_null_with_a_warning_at_that_line(string line)
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(16, line));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Null(outcome.Document!.Facts.FastingHours);
        Assert.Null(outcome.Document.Facts.FastingLine);
        Assert.Equal([2, 16], outcome.Warnings.Select(w => w.Line));
        Assert.Contains("fasting", outcome.Warnings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_fasting_instruction_is_null_with_a_warning_at_the_Preparation_heading()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(16, "- Nothing to eat or drink before the procedure"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Null(outcome.Document!.Facts.FastingHours);
        Assert.Equal([2, 15], outcome.Warnings.Select(w => w.Line));
    }

    [Fact]
    public void Fasting_stated_in_words_is_never_misread()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(16, "- Fasting for at least eight hours before the procedure"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var facts = outcome.Document!.Facts;
        if (facts.FastingHours is null)
        {
            Assert.Contains(outcome.Warnings, w => w.Line == 16);
        }
        else
        {
            Assert.Equal(8, facts.FastingHours);
        }
    }

    [Fact]
    public void A_breakfast_line_is_not_a_fasting_instruction()
    {
        var text = SeedText.Insert(16, "- Blood thinners are stopped 48 hours before; eat breakfast as usual the day before");
        var facts = SeedText.ParseOk(text).Facts;
        Assert.Equal(8, facts.FastingHours);
        Assert.Equal(17, facts.FastingLine);
    }

    [Fact]
    public void Huge_fasting_number_does_not_throw()
    {
        var text = SeedText.Replace(16, "- Fasting for 99999999999 hours before the procedure");
        var exception = Record.Exception(() => ProcedureParser.Parse(text));
        Assert.Null(exception);
        var outcome = ProcedureParser.Parse(text);
        Assert.Null(outcome.Document!.Facts.FastingHours);
        Assert.Contains(outcome.Warnings, w => w.Line == 16);
    }

    // ---- keyed lists -------------------------------------------------------------------------------------

    [Fact]
    public void Unknown_list_entry_keeps_a_slug_key_with_a_warning_at_its_line()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(44, "- Death"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var risk = outcome.Document!.Facts.Risks[^1];
        Assert.Equal(new KeyedItem("death", "Death", 44), risk);
        Assert.Contains(outcome.Warnings, w => w.Line == 44 && w.Message.Contains("'death'", StringComparison.Ordinal));
    }

    [Fact]
    public void Repeated_key_gets_a_numbered_suffix_and_a_warning()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(44, "- Wound infection", "- Deep infection"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var keys = outcome.Document!.Facts.Risks.Select(r => r.Key).ToList();
        Assert.Equal(8, keys.Count);
        Assert.Equal(["infection-2", "infection-3"], keys[^2..]);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(outcome.Warnings, w => w.Line == 44 && w.Message.Contains("infection-2", StringComparison.Ordinal));
        Assert.Contains(outcome.Warnings, w => w.Line == 45 && w.Message.Contains("infection-3", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("- Dural tear with CSF leak", "dural-tear")]
    [InlineData("- Postoperative haematoma", "hematoma")]
    [InlineData("- Wound dehiscence", "wound-dehiscence")]
    public void Further_risks_have_stable_keys(string line, string key)
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(44, line));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal(key, outcome.Document!.Facts.Risks[^1].Key);
        Assert.Single(outcome.Warnings);
    }

    [Theory]
    [InlineData("- Scrub nurse", "surgical-technologist")]
    [InlineData("- Radiographer", "radiographer")]
    [InlineData("- Neuromonitoring staff", "neuromonitoring")]
    [InlineData("- CRNA", "anesthesiologist")]
    public void Further_personnel_have_team_roles(string line, string role)
    {
        // The new entry replaces the seed's four, so its key is not de-duplicated against theirs.
        var facts = SeedText.ParseOk(SeedText.Replace(SeedText.Remove(34, 36), 33, line)).Facts;
        var entry = Assert.Single(facts.Personnel);
        Assert.Equal(role, entry.Key);
        Assert.Equal(33, entry.Line);
    }

    [Fact]
    public void List_sections_written_as_paragraphs_are_keyed_by_paragraph()
    {
        var text = SeedText.Join(SeedText.Lines().Select((l, i) => i + 1 is >= 56 and <= 58 ? l[2..] : l));
        var facts = SeedText.ParseOk(text).Facts;
        Assert.Equal(["conservative-care", "revision-surgery", "observation"], facts.Alternatives.Select(a => a.Key));
        Assert.Equal([56, 57, 58], facts.Alternatives.Select(a => a.Line));
    }

    [Theory]
    [InlineData("Death", "death")]
    [InlineData("  Post-op  Ileus!! ", "post-op-ileus")]
    [InlineData("!!!", "item")]
    [InlineData("A very long description of a complication that goes on and on", "a-very-long-description-of-a-complicatio")]
    [InlineData("abcdefghij abcdefghij abcdefghij abcdef more words", "abcdefghij-abcdefghij-abcdefghij-abcdef")]
    public void Slug_is_lower_case_hyphenated_and_at_most_40_characters(string text, string slug)
    {
        var result = FactExtractor.Slug(text);
        Assert.Equal(slug, result);
        Assert.True(result.Length <= 40);
        Assert.False(result.EndsWith('-'));
    }
}
