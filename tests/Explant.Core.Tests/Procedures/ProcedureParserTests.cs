using Explant.Core.Procedures;

namespace Explant.Core.Tests.Procedures;

public sealed class ProcedureParserTests
{
    private const string SeedName = "Removal of Posterior Segmental Instrumentation (Spinal Instrumentation Removal)";

    private static ProcedureDocument Seed() => SeedText.ParseOk(TestFiles.Seed);

    private static string Describe(IEnumerable<ParseMessage> messages) =>
        string.Join(" | ", messages.Select(m => $"{m.Line}: {m.Message}"));

    // ---- the seed document -------------------------------------------------------------------------------

    [Fact]
    public void Seed_file_has_the_line_layout_these_tests_assume()
    {
        var lines = SeedText.Lines();
        Assert.Equal(60, lines.Count);
        Assert.Equal("CPT4 code", lines[1]);
        Assert.Equal("Indications", lines[8]);
        Assert.Equal("Patient Experience", lines[58]);
    }

    [Fact]
    public void Seed_parses_with_code_name_and_title()
    {
        var doc = Seed();
        Assert.Equal("22852", doc.Code);
        Assert.Equal(SeedName, doc.Name);
        Assert.Equal("Removal of posterior segmental instrumentation", doc.Title);
    }

    [Fact]
    public void Seed_has_the_fifteen_known_sections_in_document_order()
    {
        var doc = Seed();
        Assert.Equal(
            [
                ("CPT4 code", 2), ("Name of the Procedure", 3), ("Summary", 5), ("Purpose", 7), ("Indications", 9),
                ("Preparation", 15), ("Procedure Description", 20), ("Duration", 28), ("Setting", 30), ("Personnel", 32),
                ("Risks and Complications", 37), ("Benefits", 44), ("Recovery", 49), ("Alternatives", 55), ("Patient Experience", 59),
            ],
            doc.Sections.Select(s => (s.Heading, s.Line)));
        Assert.All(doc.Sections, s => Assert.True(s.Known, s.Heading));
        Assert.Equal(SectionHeadings.All.Order(StringComparer.Ordinal), doc.Sections.Select(s => s.Heading).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("CPT4 code", 2, 0, 0, 0)]
    [InlineData("Name of the Procedure", 3, 0, 1, 4)]
    [InlineData("Summary", 5, 0, 1, 6)]
    [InlineData("Purpose", 7, 0, 1, 8)]
    [InlineData("Indications", 9, 5, 0, 10)]
    [InlineData("Preparation", 15, 4, 0, 16)]
    [InlineData("Procedure Description", 20, 7, 0, 21)]
    [InlineData("Duration", 28, 0, 1, 29)]
    [InlineData("Setting", 30, 0, 1, 31)]
    [InlineData("Personnel", 32, 4, 0, 33)]
    [InlineData("Risks and Complications", 37, 6, 0, 38)]
    [InlineData("Benefits", 44, 4, 0, 45)]
    [InlineData("Recovery", 49, 5, 0, 50)]
    [InlineData("Alternatives", 55, 3, 0, 56)]
    [InlineData("Patient Experience", 59, 0, 1, 60)]
    public void Seed_section_has_its_line_items_and_paragraphs(string heading, int line, int items, int paragraphs, int firstContentLine)
    {
        var section = Seed().Section(heading);
        Assert.NotNull(section);
        Assert.Equal(line, section.Line);
        Assert.True(section.Known);
        Assert.Equal(items, section.Items.Count);
        Assert.Equal(paragraphs, section.Paragraphs.Count);
        var all = section.AllLines.ToList();
        if (firstContentLine == 0)
        {
            Assert.Empty(all);
            return;
        }
        // Content lines follow the heading one per line, without gaps, in order.
        Assert.Equal(Enumerable.Range(firstContentLine, items + paragraphs), all.Select(l => l.Line));
        var source = SeedText.Lines();
        foreach (var l in all)
        {
            var raw = source[l.Line - 1];
            Assert.Equal(raw.StartsWith("- ", StringComparison.Ordinal) ? raw[2..] : raw, l.Text);
        }
    }

    [Fact]
    public void Seed_bullet_texts_are_kept_without_the_marker()
    {
        var indications = Seed().Section("Indications")!;
        Assert.Equal(
            [
                "Persistent back pain or discomfort related to spinal hardware",
                "Infection at the site of the instrumentation",
                "Hardware malfunction or migration",
                "Completion of the intended support period",
                "Overlying skin irritation or breakdown",
            ],
            indications.Items.Select(i => i.Text));
        Assert.StartsWith("The procedure typically takes 1 to 3 hours", Seed().Section("Duration")!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_has_exactly_one_warning_the_resolved_code_at_line_2()
    {
        var outcome = ProcedureParser.Parse(TestFiles.Seed);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal(2, warning.Line);
        Assert.Contains("22852", warning.Message, StringComparison.Ordinal);
        Assert.Equal(outcome.Warnings, outcome.Document!.Warnings);
        Assert.Empty(outcome.Errors);
    }

    [Fact]
    public void Section_lookup_is_case_insensitive_and_unknown_is_null()
    {
        var doc = Seed();
        Assert.Same(doc.Section("Risks and Complications"), doc.Section("RISKS AND COMPLICATIONS"));
        Assert.Null(doc.Section("Contraindications"));
    }

    [Fact]
    public void Parsing_is_deterministic()
    {
        var a = ProcedureReport.From(Seed());
        var b = ProcedureReport.From(Seed());
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(a, ProcedureReport.JsonOptions),
            System.Text.Json.JsonSerializer.Serialize(b, ProcedureReport.JsonOptions));
    }

    [Theory]
    [InlineData("22850-removal-of-posterior-nonsegmental-instrumentation.txt", "22850", "Removal of Posterior Nonsegmental Instrumentation (eg, Harrington Rod)")]
    [InlineData("22855-removal-of-anterior-instrumentation.txt", "22855", "Removal of Anterior Instrumentation (Anterior Spinal Instrumentation Removal)")]
    public void Siblings_parse_with_their_written_code_and_no_warning(string file, string code, string name)
    {
        var outcome = ProcedureParser.Parse(File.ReadAllText(Path.Combine(TestFiles.ProceduresDir, file)));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var doc = outcome.Document!;
        Assert.Equal(code, doc.Code);
        Assert.Equal(name, doc.Name);
        Assert.Empty(outcome.Warnings);
        var cpt = doc.Section("CPT4 code")!;
        Assert.Equal(2, cpt.Line);
        Assert.Equal(code, Assert.Single(cpt.Paragraphs).Text);
        Assert.Equal(15, doc.Sections.Count);
        Assert.All(doc.Sections, s => Assert.True(s.Known));
        Assert.Equal(60, doc.Section("Patient Experience")!.Line);
        Assert.Equal(new IntRange(60, 180), doc.Facts.DurationMinutes);
        Assert.Equal(new IntRange(1, 3), doc.Facts.StayDays);
        Assert.Equal(8, doc.Facts.FastingHours);
        Assert.Equal(["pain", "infection", "malfunction", "support-complete", "skin-breakdown"], doc.Facts.Indications.Select(i => i.Key));
        Assert.Equal(6, doc.Facts.Risks.Count);
    }

    // ---- the CPT code ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("CPT4 code: 22852")]
    [InlineData("CPT4 CODE: 22852")]
    [InlineData("cpt4 code:22852")]
    [InlineData("CPT4 code:   22852   ")]
    public void Code_written_on_the_heading_line_wins_without_a_resolution_warning(string headingLine)
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(2, headingLine));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal("22852", outcome.Document!.Code);
        Assert.Empty(outcome.Warnings);
        Assert.Equal(2, outcome.Document.Section("CPT4 code")!.Line);
    }

    [Theory]
    [InlineData("22852")]
    [InlineData("- 22852")]
    [InlineData("CPT 22852")]
    public void Code_written_on_the_next_line_wins_without_a_resolution_warning(string codeLine)
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(3, codeLine));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal("22852", outcome.Document!.Code);
        Assert.Empty(outcome.Warnings);
        // Everything after the inserted line moved down by one.
        Assert.Equal(4, outcome.Document.Section("Name of the Procedure")!.Line);
    }

    [Fact]
    public void Written_code_differing_from_the_name_is_used_with_a_warning_at_its_line()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(2, "CPT4 code: 22850"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal("22850", outcome.Document!.Code);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal(2, warning.Line);
        Assert.Contains("22850", warning.Message, StringComparison.Ordinal);
        Assert.Contains("22852", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_code_on_the_heading_line_is_an_error_at_that_line()
    {
        var outcome = SeedText.ParseFails(SeedText.Replace(2, "CPT4 code: 22853"));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("22853", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_code_on_the_next_line_is_an_error_at_that_line()
    {
        var outcome = SeedText.ParseFails(SeedText.Insert(3, "22853"));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("22853", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_written_code_is_an_error_at_its_line()
    {
        var outcome = SeedText.ParseFails(SeedText.Insert(3, "to be assigned"));
        Assert.Equal(3, Assert.Single(outcome.Errors).Line);
    }

    [Fact]
    public void Missing_code_section_is_resolved_from_the_name_with_a_warning_at_line_1()
    {
        var outcome = ProcedureParser.Parse(SeedText.Remove(2, 2));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal("22852", outcome.Document!.Code);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Equal(1, warning.Line);
        Assert.Contains("22852", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_code_and_a_name_and_title_matching_no_code_is_an_error_at_the_code_heading()
    {
        var text = SeedText.Replace(SeedText.Replace(1, "Hardware removal"), 4, "Removal of spinal hardware");
        var outcome = SeedText.ParseFails(text);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("code", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Code_is_resolved_from_the_title_when_the_name_matches_nothing()
    {
        var doc = SeedText.ParseOk(SeedText.Replace(4, "Hardware removal, back"));
        Assert.Equal("22852", doc.Code);
        Assert.Equal("Hardware removal, back", doc.Name);
    }

    [Theory]
    [InlineData("Removal of Posterior Segmental Instrumentation", "22852")]
    [InlineData("removal of posterior non-segmental instrumentation (Harrington rod)", "22850")]
    [InlineData("Removal of Posterior Nonsegmental Instrumentation", "22850")]
    [InlineData("REMOVAL OF ANTERIOR INSTRUMENTATION", "22855")]
    [InlineData("Reinsertion of spinal fixation device", "22849")]
    [InlineData("Posterior segmental instrumentation", null)]
    [InlineData("Removal of posterior segmental instrumentations", null)]
    public void Code_table_resolves_names_by_whole_words(string name, string? code) =>
        Assert.Equal(code, CptCodeTable.ResolveFromName(name)?.Code);

    // ---- heading variants --------------------------------------------------------------------------------

    private static readonly int[] HeadingLines = [2, 3, 5, 7, 9, 15, 20, 28, 30, 32, 37, 44, 49, 55, 59];

    private static string RewriteHeadings(Func<string, string> rewrite)
    {
        var lines = SeedText.Lines();
        foreach (var n in HeadingLines)
        {
            lines[n - 1] = rewrite(lines[n - 1].TrimEnd(':'));
        }
        return SeedText.Join(lines);
    }

    private static string Shape(ProcedureDocument doc) =>
        string.Join("\n", doc.Sections.Select(s =>
            $"{s.Heading}@{s.Line}:{s.Known}:[{string.Join("|", s.Items.Select(i => $"{i.Line}={i.Text}"))}]:[{string.Join("|", s.Paragraphs.Select(p => $"{p.Line}={p.Text}"))}]"))
        + $"\n{doc.Code}\n{doc.Name}\n{doc.Facts.DurationMinutes}\n{doc.Facts.StayDays}\n{doc.Facts.FastingHours}\n"
        + string.Join("|", doc.Warnings.Select(w => $"{w.Line}={w.Message}"));

    public static TheoryData<string> HeadingStyles => ["upper", "lower", "colon", "upper-colon", "space-before-colon", "trailing-spaces"];

    [Theory]
    [MemberData(nameof(HeadingStyles))]
    public void Headings_match_case_insensitively_with_or_without_a_colon(string style)
    {
        Func<string, string> rewrite = style switch
        {
            "upper" => h => h.ToUpperInvariant(),
            "lower" => h => h.ToLowerInvariant(),
            "colon" => h => h + ":",
            "upper-colon" => h => h.ToUpperInvariant() + ":",
            "space-before-colon" => h => h + " :",
            "trailing-spaces" => h => h + ":  \t",
            _ => throw new ArgumentOutOfRangeException(nameof(style)),
        };
        var doc = SeedText.ParseOk(RewriteHeadings(rewrite));
        Assert.Equal(Shape(Seed()), Shape(doc));
    }

    [Fact]
    public void Inline_content_after_a_heading_colon_is_the_sections_first_paragraph()
    {
        // "Name of the Procedure: <name>" on one line, the name line removed.
        var text = SeedText.Remove(SeedText.Replace(3, "Name of the Procedure: " + SeedName), 4, 4);
        var doc = SeedText.ParseOk(text);
        Assert.Equal(SeedName, doc.Name);
        Assert.Equal(3, Assert.Single(doc.Section("Name of the Procedure")!.Paragraphs).Line);

        var duration = SeedText.ParseOk(SeedText.Remove(SeedText.Replace(28, "Duration: about 45 to 90 minutes"), 29, 29));
        Assert.Equal(new IntRange(45, 90), duration.Facts.DurationMinutes);
        Assert.Equal(28, duration.Facts.DurationLine);
    }

    [Fact]
    public void CRLF_BOM_trailing_whitespace_and_blank_lines_do_not_change_the_parse_but_blank_lines_shift_line_numbers()
    {
        var crlf = "\uFEFF" + string.Join("\r\n", SeedText.Lines().Select(l => l + " \t ")) + "\r\n\r\n";
        Assert.Equal(Shape(Seed()), Shape(SeedText.ParseOk(crlf)));

        var cr = string.Join("\r", SeedText.Lines());
        Assert.Equal(Shape(Seed()), Shape(SeedText.ParseOk(cr)));

        var spaced = SeedText.ParseOk(SeedText.Insert(9, "", "   ", "\t"));
        Assert.Equal(12, spaced.Section("Indications")!.Line);
        Assert.Equal(5, spaced.Section("Summary")!.Line);
    }

    [Theory]
    [InlineData("* Infection")]
    [InlineData("\u2022 Infection")]
    [InlineData("   - Infection")]
    public void Other_bullet_markers_and_indented_bullets_are_items(string bullet)
    {
        var doc = SeedText.ParseOk(SeedText.Replace(38, bullet));
        var first = doc.Section("Risks and Complications")!.Items[0];
        Assert.Equal(new SectionLine(38, "Infection"), first);
        Assert.Equal("infection", doc.Facts.Risks[0].Key);
    }

    [Fact]
    public void Empty_bullet_is_ignored_with_a_warning_at_its_line()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(39, "- "));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal(6, outcome.Document!.Section("Risks and Complications")!.Items.Count);
        Assert.Contains(outcome.Warnings, w => w.Line == 39 && w.Message.Contains("empty bullet", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_between_the_title_and_the_first_heading_is_ignored_with_a_warning()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(2, "Draft for review"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        Assert.Equal("Removal of posterior segmental instrumentation", outcome.Document!.Title);
        Assert.Contains(outcome.Warnings, w => w.Line == 2 && w.Message.Contains("before the first section heading", StringComparison.Ordinal));
        Assert.Equal(3, outcome.Document.Section("CPT4 code")!.Line);
    }

    // ---- errors name their lines -------------------------------------------------------------------------

    [Theory]
    [InlineData("Name of the Procedure", 3, 4)]
    [InlineData("Indications", 9, 14)]
    [InlineData("Procedure Description", 20, 27)]
    [InlineData("Risks and Complications", 37, 43)]
    [InlineData("Recovery", 49, 54)]
    public void Missing_required_section_is_an_error_at_line_1(string heading, int from, int to)
    {
        var outcome = SeedText.ParseFails(SeedText.Remove(from, to));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains(heading, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_missing_required_sections_are_reported_not_just_the_first()
    {
        var text = SeedText.Remove(SeedText.Remove(49, 54), 37, 43);
        var outcome = SeedText.ParseFails(text);
        Assert.Equal(2, outcome.Errors.Count);
        Assert.All(outcome.Errors, e => Assert.Equal(1, e.Line));
        Assert.Contains(outcome.Errors, e => e.Message.Contains("Risks and Complications", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.Message.Contains("Recovery", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Indications", 9, 10, 14)]
    [InlineData("Recovery", 49, 50, 54)]
    [InlineData("Risks and Complications", 37, 38, 43)]
    public void Required_section_without_content_is_an_error_at_its_heading(string heading, int line, int from, int to)
    {
        var outcome = SeedText.ParseFails(SeedText.Remove(from, to));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains(heading, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(13, "Indications", 9)]
    [InlineData(13, "INDICATIONS:", 9)]
    [InlineData(60, "Summary", 5)]
    [InlineData(30, "Duration", 28)]
    public void Duplicate_section_is_an_error_at_the_second_occurrence(int at, string heading, int firstLine)
    {
        var outcome = SeedText.ParseFails(SeedText.Insert(at, heading));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(at, error.Line);
        Assert.Contains("duplicate", error.Message, StringComparison.Ordinal);
        Assert.Contains($"line {firstLine}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_duplicates_are_two_errors_each_at_its_own_line()
    {
        var text = SeedText.Insert(SeedText.Insert(51, "Recovery"), 13, "Indications");
        var outcome = SeedText.ParseFails(text);
        Assert.Equal([13, 52], outcome.Errors.Select(e => e.Line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bullet_before_any_heading_is_an_error_at_its_line(int line)
    {
        var outcome = SeedText.ParseFails(SeedText.Insert(line, "- Stray bullet"));
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains("bullet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_sorted_by_line()
    {
        var text = SeedText.Insert(SeedText.Insert(SeedText.Remove(49, 54), 13, "Indications"), 2, "- Stray");
        var outcome = SeedText.ParseFails(text);
        Assert.Equal([1, 2, 14], outcome.Errors.Select(e => e.Line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t")]
    [InlineData("\uFEFF")]
    [InlineData("Just a title")]
    public void Empty_or_heading_less_text_fails_with_every_required_section_missing(string text)
    {
        var outcome = SeedText.ParseFails(text);
        Assert.All(outcome.Errors, e => Assert.Equal(1, e.Line));
        foreach (var required in SectionHeadings.Required)
        {
            Assert.Contains(outcome.Errors, e => e.Message.Contains(required, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Name_given_only_as_a_bullet_yields_a_document_or_an_error()
    {
        var outcome = ProcedureParser.Parse(SeedText.Replace(4, "- " + SeedName));
        if (outcome.Document is null)
        {
            Assert.Contains(outcome.Errors, e => e.Line == 3 || e.Line == 4);
        }
        else
        {
            Assert.Equal(SeedName, outcome.Document.Name);
        }
    }

    [Fact]
    public void Parse_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => ProcedureParser.Parse(null!));
    }

    // ---- unknown headings --------------------------------------------------------------------------------

    [Fact]
    public void Unknown_heading_after_content_is_a_warning_and_its_section_is_kept()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(44, "Contraindications", "- Active systemic infection"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var doc = outcome.Document!;

        var warning = Assert.Single(outcome.Warnings, w => w.Line == 44);
        Assert.Contains("Contraindications", warning.Message, StringComparison.Ordinal);

        var section = doc.Sections.Single(s => s.Heading == "Contraindications");
        Assert.False(section.Known);
        Assert.Equal(44, section.Line);
        Assert.Equal([new SectionLine(45, "Active systemic infection")], section.Items);

        // The known sections around it are untouched: Risks keeps its six items, Benefits moved down by two.
        Assert.Equal(6, doc.Section("Risks and Complications")!.Items.Count);
        Assert.Equal(6, doc.Facts.Risks.Count);
        Assert.Equal(46, doc.Section("Benefits")!.Line);
        Assert.Equal(16, doc.Sections.Count);
        Assert.Equal(2, outcome.Warnings.Count);
    }

    [Fact]
    public void Unknown_heading_with_a_colon_keeps_its_section_without_the_colon()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(55, "Follow-up care:", "- Wound check at two weeks"));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var doc = outcome.Document!;
        var section = doc.Sections.Single(s => !s.Known);
        Assert.Equal("Follow-up care", section.Heading);
        Assert.Equal(55, section.Line);
        Assert.Equal("Wound check at two weeks", Assert.Single(section.Items).Text);
        Assert.Contains(outcome.Warnings, w => w.Line == 55 && w.Message.Contains("Follow-up care", StringComparison.Ordinal));
        Assert.Equal(5, doc.Section("Recovery")!.Items.Count);
        Assert.Equal(57, doc.Section("Alternatives")!.Line);
        // Order of sections follows the document.
        Assert.Equal(["Recovery", "Follow-up care", "Alternatives"], doc.Sections.Skip(12).Take(3).Select(s => s.Heading));
    }

    [Fact]
    public void Unknown_heading_after_a_paragraph_section_is_kept()
    {
        var outcome = ProcedureParser.Parse(SeedText.Insert(7, "Background", "Hardware is removed in many patients."));
        Assert.True(outcome.Succeeded, Describe(outcome.Errors));
        var section = outcome.Document!.Sections.Single(s => s.Heading == "Background");
        Assert.False(section.Known);
        Assert.Equal("Hardware is removed in many patients.", section.Text);
        Assert.Contains(outcome.Warnings, w => w.Line == 7);
    }

    [Fact]
    public void Short_value_right_under_a_heading_is_content_not_a_heading()
    {
        var doc = SeedText.ParseOk(SeedText.Replace(31, "Hospital Operating Room"));
        var setting = doc.Section("Setting")!;
        Assert.Equal("Hospital Operating Room", Assert.Single(setting.Paragraphs).Text);
        Assert.Equal(15, doc.Sections.Count);
    }

    [Fact]
    public void Sentence_after_content_is_a_paragraph_not_a_heading()
    {
        var doc = SeedText.ParseOk(SeedText.Insert(30, "Longer operations are possible when many levels are involved."));
        Assert.Equal(2, doc.Section("Duration")!.Paragraphs.Count);
        Assert.Equal(15, doc.Sections.Count);
    }
}
