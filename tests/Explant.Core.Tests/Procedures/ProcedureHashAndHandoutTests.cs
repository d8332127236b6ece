using System.Text;
using Explant.Core.Procedures;

namespace Explant.Core.Tests.Procedures;

public sealed class ProcedureHashAndHandoutTests
{
    // ---- ProcedureDefinition.HashOf ----------------------------------------------------------------------

    private static string Lf => SeedText.Join(SeedText.Lines());

    public static TheoryData<string, string> SameDocumentVariants()
    {
        var lines = SeedText.Lines();
        return new()
        {
            { "as shipped", TestFiles.Seed },
            { "CRLF", string.Join("\r\n", lines) },
            { "CR", string.Join("\r", lines) },
            { "BOM", "\uFEFF" + Lf },
            { "BOM + CRLF + final newline", "\uFEFF" + string.Join("\r\n", lines) + "\r\n" },
            { "trailing spaces", string.Join("\n", lines.Select(l => l + "   ")) },
            { "trailing tabs and spaces", string.Join("\n", lines.Select((l, i) => l + (i % 2 == 0 ? "\t" : " \t "))) },
            { "final newlines", Lf + "\n\n\n" },
            { "mixed endings", string.Concat(lines.Select((l, i) => l + (i % 3 == 0 ? "\r\n" : "\n"))) },
        };
    }

    [Theory]
    [MemberData(nameof(SameDocumentVariants))]
    public void Hash_ignores_BOM_line_endings_and_trailing_whitespace(string variant, string text)
    {
        Assert.False(string.IsNullOrEmpty(variant));
        Assert.Equal(ProcedureDefinition.HashOf(Lf), ProcedureDefinition.HashOf(text));
    }

    [Theory]
    [InlineData(29, "The procedure typically takes 1 to 4 hours, depending on the complexity and number of segments involved.")]
    [InlineData(38, "- infection")]
    [InlineData(38, "-  Infection")]
    [InlineData(38, " - Infection")]
    [InlineData(2, "CPT4 code: 22852")]
    public void Hash_changes_when_the_wording_changes(int line, string replacement)
    {
        Assert.NotEqual(ProcedureDefinition.HashOf(Lf), ProcedureDefinition.HashOf(SeedText.Replace(line, replacement)));
    }

    [Fact]
    public void Hash_changes_when_a_line_is_added_or_removed()
    {
        var original = ProcedureDefinition.HashOf(Lf);
        Assert.NotEqual(original, ProcedureDefinition.HashOf(SeedText.Insert(44, "- Death")));
        Assert.NotEqual(original, ProcedureDefinition.HashOf(SeedText.Remove(43, 43)));
    }

    [Fact]
    public void Hash_is_lower_case_hex_SHA256()
    {
        var hash = ProcedureDefinition.HashOf(TestFiles.Seed);
        Assert.Equal(64, hash.Length);
        Assert.All(hash, c => Assert.True(c is (>= '0' and <= '9') or (>= 'a' and <= 'f'), $"'{c}'"));
        // The normalised form is the lines, right-trimmed, joined by LF, without trailing newlines.
        Assert.Equal(ProcedureDefinition.HashOf("a\nb"), ProcedureDefinition.HashOf("\uFEFFa \r\nb\t\r\n\r\n"));
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("a\nb"))),
            ProcedureDefinition.HashOf("a\r\nb  \r\n"));
    }

    // ---- PatientHandout ----------------------------------------------------------------------------------

    private static PatientHandout SeedHandout(int version = 3) =>
        PatientHandout.From(SeedText.ParseOk(TestFiles.Seed), version);

    [Fact]
    public void Handout_has_the_plain_language_headings_in_order()
    {
        var handout = SeedHandout();
        Assert.Equal(
            [
                PatientHandout.WhatItIs, PatientHandout.WhyItIsDone, PatientHandout.HowToPrepare, PatientHandout.WhatHappens,
                PatientHandout.Risks, PatientHandout.Benefits, PatientHandout.Recovery, PatientHandout.Alternatives,
                PatientHandout.Experience,
            ],
            handout.Sections.Select(s => s.Heading));
        Assert.Equal("What is this operation?", handout.Sections[0].Heading);
    }

    [Fact]
    public void Handout_carries_the_definitions_own_text()
    {
        var handout = SeedHandout();
        var doc = SeedText.ParseOk(TestFiles.Seed);
        HandoutSection S(string heading) => handout.Sections.Single(s => s.Heading == heading);

        Assert.Equal(doc.Name, handout.Title);
        Assert.Equal("22852", handout.Code);
        Assert.Equal(3, handout.Version);

        Assert.Equal([doc.Section("Summary")!.Text], S(PatientHandout.WhatItIs).Paragraphs);
        Assert.Empty(S(PatientHandout.WhatItIs).Bullets);
        Assert.Equal([doc.Section("Purpose")!.Text], S(PatientHandout.WhyItIsDone).Paragraphs);
        Assert.Equal(doc.Section("Indications")!.Items.Select(i => i.Text), S(PatientHandout.WhyItIsDone).Bullets);
        Assert.Equal(4, S(PatientHandout.HowToPrepare).Bullets.Count);
        Assert.Equal("Fasting for at least 8 hours before the procedure", S(PatientHandout.HowToPrepare).Bullets[0]);
        Assert.Equal([doc.Section("Duration")!.Text, doc.Section("Setting")!.Text], S(PatientHandout.WhatHappens).Paragraphs);
        Assert.Equal(7, S(PatientHandout.WhatHappens).Bullets.Count);
        Assert.Equal(doc.Section("Risks and Complications")!.Items.Select(i => i.Text), S(PatientHandout.Risks).Bullets);
        Assert.Equal(4, S(PatientHandout.Benefits).Bullets.Count);
        Assert.Equal(5, S(PatientHandout.Recovery).Bullets.Count);
        Assert.Equal(3, S(PatientHandout.Alternatives).Bullets.Count);
        Assert.Equal([doc.Section("Patient Experience")!.Text], S(PatientHandout.Experience).Paragraphs);

        Assert.Contains("22852", handout.Footnote, StringComparison.Ordinal);
        Assert.Contains("version 3", handout.Footnote, StringComparison.Ordinal);
    }

    [Fact]
    public void Handout_omits_sections_the_definition_does_not_have()
    {
        var doc = SeedText.ParseOk(SeedText.Remove(59, 60));
        var handout = PatientHandout.From(doc, 1);
        Assert.DoesNotContain(handout.Sections, s => s.Heading == PatientHandout.Experience);
        Assert.Equal(8, handout.Sections.Count);
    }

    [Fact]
    public void Handout_PDF_is_a_PDF_document()
    {
        var bytes = SeedHandout().ToPdf();
        Assert.True(bytes.Length > 1000, $"only {bytes.Length} bytes");
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
        Assert.Contains("%%EOF", Encoding.ASCII.GetString(bytes, bytes.Length - 32, 32), StringComparison.Ordinal);
    }
}
