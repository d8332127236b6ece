using System.Text;
using Explant.Core.Procedures;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Explant.Core.Tests.Procedures;

/// <summary>
/// Properties of the definition parser: layout noise never changes what it reads, and no text makes it throw
/// or return an outcome that is neither a document nor a list of errors.
/// </summary>
public sealed class ProcedureParserProperties
{
    // ---- generators --------------------------------------------------------------------------------------

    /// <summary>The seed re-laid out, with where each seed line ended up (1-based) so line numbers can be checked.</summary>
    private sealed record NoisyDocument(string Text, int[] LineMap)
    {
        public override string ToString() =>
            Text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
                .Replace("\uFEFF", "<BOM>", StringComparison.Ordinal);
    }

    private sealed record LineLayout(string[] BlanksBefore, string Trailing, string Ending);

    private static readonly string[] Endings = ["\n", "\r\n"];
    private static readonly string[] Whitespace = ["", " ", "\t", "  ", " \t ", "\t\t"];

    private static Gen<NoisyDocument> NoisySeed(bool blankLines = true)
    {
        var seedLines = SeedText.Lines();
        var blankLine = Gen.Elements(Whitespace);
        var blankCount = blankLines
            ? Gen.Frequency((6, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Choose(2, 3)))
            : Gen.Constant(0);
        var layout =
            from count in blankCount
            from blanks in Gen.ArrayOf(blankLine, count)
            from trailing in Gen.Frequency((3, Gen.Constant("")), (2, Gen.Elements(Whitespace)))
            from ending in Gen.Elements(Endings)
            select new LineLayout(blanks, trailing, ending);

        return
            from layouts in Gen.ArrayOf(layout, seedLines.Count)
            from bom in Gen.Elements(true, false)
            from finalNewlines in Gen.Choose(0, 2)
            select Render(seedLines, layouts, bom, finalNewlines);
    }

    private static NoisyDocument Render(List<string> seedLines, LineLayout[] layouts, bool bom, int finalNewlines)
    {
        var text = new StringBuilder(bom ? "\uFEFF" : "");
        var map = new int[seedLines.Count];
        var lineNo = 0;
        for (var i = 0; i < seedLines.Count; i++)
        {
            var layout = layouts[i];
            foreach (var blank in layout.BlanksBefore)
            {
                text.Append(blank).Append(layout.Ending);
                lineNo++;
            }
            lineNo++;
            map[i] = lineNo;
            text.Append(seedLines[i]).Append(layout.Trailing);
            if (i < seedLines.Count - 1)
            {
                text.Append(layout.Ending);
            }
        }
        for (var n = 0; n < finalNewlines; n++)
        {
            text.Append(layouts[^1].Ending);
        }
        return new NoisyDocument(text.ToString(), map);
    }

    private static readonly string[] Phrases =
    [
        "Infection", "Blood loss", "Persistent pain", "Fasting for 8 hours", "It takes 1 to 3 hours.",
        "in the hospital for one to three days", "45 to 90 minutes", "twelve to one hours", "3 to 1 days", "0 hours",
        "1.5 to 2.5 hours", "Removal of posterior segmental instrumentation", "Removal of anterior instrumentation",
        "Removal of Posterior Non-Segmental Instrumentation", "22852", "22853", "22850", "CPT 2285", "Surgeon", "Scrub nurse",
        "It takes a while.", "Contraindications", "Follow-up care:", "Notes", "x", "", "  ", ":", "-", "- ", "--", "* ", "\u2022",
        "Name of the Procedure: Removal of anterior instrumentation", "CPT4 code: 22855", "Duration: about 2 hours",
        "breakfast", "fast 7 h", "ward overnight 2 days", "\u00e9\u00e8 \u4e2d\u6587 \ud83d\ude00", "(", ")", "a.", "A B C D E",
    ];

    private static Gen<string> Heading() =>
        from heading in Gen.Elements(SectionHeadings.All.ToArray())
        from casing in Gen.Elements(0, 1, 2)
        from colon in Gen.Elements("", ":", " :", ": ")
        from inline in Gen.Frequency((4, Gen.Constant("")), (1, Gen.Elements(Phrases)))
        select (casing switch { 1 => heading.ToUpperInvariant(), 2 => heading.ToLowerInvariant(), _ => heading }) + colon + inline;

    private static Gen<string> NumberSentence() =>
        from template in Gen.Elements(
            "Fasting for {0} hours", "- Fasting for at least {0} h", "It takes {0} to {1} hours.", "{0}-{1} minutes",
            "- in the hospital for {0} to {1} days", "stay {0} days", "CPT4 code: {0}", "{0}")
        from a in Gen.Choose(0, 100000)
        from b in Gen.Choose(0, 100000)
        select string.Format(System.Globalization.CultureInfo.InvariantCulture, template, a, b);

    private static Gen<string> CharSoup(int maxLength)
    {
        var chars = Gen.Elements(
            'a', 'b', 'Z', ' ', ' ', '\t', '\n', '\n', '\r', '-', '-', '*', ':', '.', '1', '2', '8', '\uFEFF', '\u2022', '\u00e9', '\0', '\uD83D');
        return from length in Gen.Choose(0, maxLength)
               from cs in Gen.ArrayOf(chars, length)
               select new string(cs);
    }

    private static Gen<string> SoupLine() => Gen.Frequency(
        (3, Heading()),
        (3, Gen.Elements(Phrases)),
        (2, Gen.Elements(Phrases).Select(p => "- " + p)),
        (2, NumberSentence()),
        (1, CharSoup(12)));

    private static Gen<string> LineSoupDocument() =>
        from count in Gen.Choose(0, 40)
        from lines in Gen.ArrayOf(SoupLine(), count)
        from ending in Gen.Elements("\n", "\r\n", "\r")
        from bom in Gen.Elements("", "\uFEFF")
        select bom + string.Join(ending, lines);

    private abstract record Mutation;
    private sealed record Delete(int Line) : Mutation;
    private sealed record Duplicate(int Line) : Mutation;
    private sealed record Swap(int A, int B) : Mutation;
    private sealed record InsertLine(int Line, string Text) : Mutation;
    private sealed record ReplaceLine(int Line, string Text) : Mutation;

    /// <summary>The seed with a few lines deleted, duplicated, swapped, inserted or replaced: near-valid documents.</summary>
    private static Gen<string> MutatedSeed()
    {
        var count = SeedText.Lines().Count;
        var index = Gen.Choose(0, count - 1);
        var mutation = Gen.OneOf(
            index.Select(i => (Mutation)new Delete(i)),
            index.Select(i => (Mutation)new Duplicate(i)),
            from a in index from b in index select (Mutation)new Swap(a, b),
            from i in index from t in SoupLine() select (Mutation)new InsertLine(i, t),
            from i in index from t in SoupLine() select (Mutation)new ReplaceLine(i, t));
        return
            from n in Gen.Choose(1, 4)
            from mutations in Gen.ArrayOf(mutation, n)
            select Apply(mutations);
    }

    private static string Apply(Mutation[] mutations)
    {
        var lines = SeedText.Lines();
        foreach (var m in mutations)
        {
            if (lines.Count == 0)
            {
                break;
            }
            int At(int i) => Math.Min(i, lines.Count - 1);
            switch (m)
            {
                case Delete d:
                    lines.RemoveAt(At(d.Line));
                    break;
                case Duplicate d:
                    lines.Insert(At(d.Line), lines[At(d.Line)]);
                    break;
                case Swap s:
                    (lines[At(s.A)], lines[At(s.B)]) = (lines[At(s.B)], lines[At(s.A)]);
                    break;
                case InsertLine ins:
                    lines.Insert(At(ins.Line), ins.Text);
                    break;
                case ReplaceLine r:
                    lines[At(r.Line)] = r.Text;
                    break;
                default:
                    throw new InvalidOperationException(m.ToString());
            }
        }
        return SeedText.Join(lines);
    }

    private static Gen<string> AnyText() => Gen.OneOf(CharSoup(200), LineSoupDocument(), MutatedSeed());

    // ---- fingerprints ------------------------------------------------------------------------------------

    /// <summary>Everything the parser read, with line numbers passed through <paramref name="line"/> (or dropped).</summary>
    private static string Fingerprint(ParseOutcome outcome, Func<int, int>? line)
    {
        string L(int n) => line is null ? "" : $"@{line(n)}";
        string Lines(int? n) => n is { } v ? L(v) : "@-";
        var sb = new StringBuilder();
        sb.AppendLine($"succeeded={outcome.Succeeded}");
        foreach (var e in outcome.Errors)
        {
            sb.AppendLine($"error{L(e.Line)} {e.Message}");
        }
        foreach (var w in outcome.Warnings)
        {
            sb.AppendLine($"warning{L(w.Line)} {w.Message}");
        }
        if (outcome.Document is { } doc)
        {
            sb.AppendLine($"code={doc.Code} name={doc.Name} title={doc.Title}");
            foreach (var s in doc.Sections)
            {
                sb.AppendLine($"section{L(s.Line)} {s.Heading} known={s.Known}");
                foreach (var i in s.Items)
                {
                    sb.AppendLine($"  item{L(i.Line)} {i.Text}");
                }
                foreach (var p in s.Paragraphs)
                {
                    sb.AppendLine($"  para{L(p.Line)} {p.Text}");
                }
            }
            var f = doc.Facts;
            sb.AppendLine($"duration={f.DurationMinutes}{(line is null ? "" : Lines(f.DurationLine))}");
            sb.AppendLine($"stay={f.StayDays}{(line is null ? "" : Lines(f.StayLine))}");
            sb.AppendLine($"fasting={f.FastingHours}{(line is null ? "" : Lines(f.FastingLine))}");
            foreach (var (kind, items) in new[]
            {
                ("indication", f.Indications), ("risk", f.Risks), ("benefit", f.Benefits), ("alternative", f.Alternatives), ("personnel", f.Personnel),
            })
            {
                foreach (var k in items)
                {
                    sb.AppendLine($"{kind}{L(k.Line)} {k.Key}={k.Text}");
                }
            }
        }
        return sb.ToString();
    }

    private static readonly ParseOutcome SeedOutcome = ProcedureParser.Parse(TestFiles.Seed);

    // ---- (a) layout noise --------------------------------------------------------------------------------

    [Property(MaxTest = 200)]
    public Property Blank_lines_line_endings_BOM_and_trailing_whitespace_do_not_change_what_is_read() =>
        Prop.ForAll(Arb.From(NoisySeed()), noisy =>
        {
            var outcome = ProcedureParser.Parse(noisy.Text);
            Assert.True(outcome.Succeeded);
            Assert.Equal(Fingerprint(SeedOutcome, null), Fingerprint(outcome, null));
        });

    [Property(MaxTest = 200)]
    public Property Line_numbers_follow_the_lines_they_came_from_under_layout_noise() =>
        Prop.ForAll(Arb.From(NoisySeed()), noisy =>
        {
            var outcome = ProcedureParser.Parse(noisy.Text);
            Assert.Equal(Fingerprint(SeedOutcome, n => noisy.LineMap[n - 1]), Fingerprint(outcome, n => n));
        });

    [Property(MaxTest = 200)]
    public Property Hash_is_invariant_under_endings_BOM_and_trailing_whitespace() =>
        // Blank lines are content for the hash, so this noise adds none: only what HashOf promises to ignore.
        Prop.ForAll(Arb.From(NoisySeed(blankLines: false)), noisy =>
            Assert.Equal(ProcedureDefinition.HashOf(TestFiles.Seed), ProcedureDefinition.HashOf(noisy.Text)));

    // ---- (b) never throws --------------------------------------------------------------------------------

    [Property(MaxTest = 500)]
    public Property Parse_never_throws_on_any_text() =>
        Prop.ForAll(Arb.From(AnyText()), text =>
        {
            var outcome = ProcedureParser.Parse(text);
            Assert.NotNull(outcome);
            Assert.NotNull(outcome.Errors);
            Assert.NotNull(outcome.Warnings);
            Assert.All(outcome.Errors.Concat(outcome.Warnings), m =>
            {
                Assert.InRange(m.Line, 1, Math.Max(1, ProcedureParser.SplitLines(text).Count));
                Assert.False(string.IsNullOrWhiteSpace(m.Message));
            });
            _ = ProcedureDefinition.HashOf(text);
        });

    // ---- (c) either a document or errors -----------------------------------------------------------------

    private static void AssertDocumentXorErrors(string text)
    {
        var outcome = ProcedureParser.Parse(text);
        if (outcome.Succeeded)
        {
            Assert.NotNull(outcome.Document);
            Assert.Empty(outcome.Errors);
            Assert.Equal(outcome.Document.Warnings, outcome.Warnings);
            Assert.Matches("^[0-9]{5}$", outcome.Document.Code);
            Assert.NotNull(CptCodeTable.Find(outcome.Document.Code));
            foreach (var required in SectionHeadings.Required)
            {
                Assert.NotNull(outcome.Document.Section(required));
            }
        }
        else
        {
            Assert.Null(outcome.Document);
            Assert.NotEmpty(outcome.Errors);
        }
        Assert.Equal(outcome.Errors.OrderBy(e => e.Line).Select(e => e.Line), outcome.Errors.Select(e => e.Line));
        Assert.Equal(outcome.Warnings.OrderBy(e => e.Line).Select(e => e.Line), outcome.Warnings.Select(e => e.Line));
    }

    [Property(MaxTest = 500)]
    public Property Outcome_is_a_document_or_errors_never_both_never_neither() =>
        Prop.ForAll(Arb.From(Gen.OneOf(CharSoup(200), LineSoupDocument())), AssertDocumentXorErrors);

    [Property(MaxTest = 500)]
    public Property Outcome_is_a_document_or_errors_for_near_valid_documents() =>
        Prop.ForAll(Arb.From(MutatedSeed()), AssertDocumentXorErrors);

    [Property(MaxTest = 300)]
    public Property Succeeded_parses_are_stable_when_reparsed() =>
        Prop.ForAll(Arb.From(MutatedSeed()), text =>
        {
            var first = ProcedureParser.Parse(text);
            var second = ProcedureParser.Parse(text);
            Assert.Equal(Fingerprint(first, n => n), Fingerprint(second, n => n));
        });
}
