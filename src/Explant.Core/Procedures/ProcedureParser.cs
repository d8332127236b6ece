using System.Text.RegularExpressions;

namespace Explant.Core.Procedures;

/// <summary>
/// Reads the plain sectioned definition format (see procedures/*.txt). It never throws on bad text:
/// every problem becomes an error or warning with its 1-based line, and the caller decides what to do.
/// </summary>
public static partial class ProcedureParser
{
    private sealed class SectionBuilder(string heading, int line, bool known)
    {
        public string Heading { get; } = heading;
        public int Line { get; } = line;
        public bool Known { get; } = known;
        public List<SectionLine> Items { get; } = [];
        public List<SectionLine> Paragraphs { get; } = [];
        public bool IsEmpty => Items.Count == 0 && Paragraphs.Count == 0;

        public ProcedureSection Build() => new(Heading, Line, Known, Items, Paragraphs);
    }

    /// <summary>Splits text into lines the way every editor would: BOM dropped, CRLF/CR/LF all end a line.</summary>
    public static IReadOnlyList<string> SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        return text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
    }

    public static ParseOutcome Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text);
        var errors = new List<ParseMessage>();
        var warnings = new List<ParseMessage>();
        var sections = new List<SectionBuilder>();
        SectionBuilder? current = null;
        string? title = null;
        var justOpenedHeading = false;

        for (var i = 0; i < lines.Count; i++)
        {
            var lineNo = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (TryBullet(line, out var bullet))
            {
                if (current is null)
                {
                    errors.Add(new(lineNo, "bullet before any section heading"));
                    continue;
                }
                if (bullet.Length == 0)
                {
                    warnings.Add(new(lineNo, $"empty bullet in section '{current.Heading}' ignored"));
                    continue;
                }
                current.Items.Add(new(lineNo, bullet));
                justOpenedHeading = false;
                continue;
            }

            if (TryKnownHeading(line, out var heading, out var inline))
            {
                var duplicate = sections.FirstOrDefault(s => s.Heading == heading);
                if (duplicate is not null)
                {
                    errors.Add(new(lineNo, $"duplicate section '{heading}' (first at line {duplicate.Line})"));
                }
                current = new SectionBuilder(heading, lineNo, known: true);
                if (duplicate is null)
                {
                    sections.Add(current);
                }
                if (inline.Length > 0)
                {
                    current.Paragraphs.Add(new(lineNo, inline));
                }
                justOpenedHeading = inline.Length == 0;
                continue;
            }

            if (title is null && current is null)
            {
                title = line;
                continue;
            }

            if (current is null)
            {
                warnings.Add(new(lineNo, "text before the first section heading ignored"));
                continue;
            }

            if (!justOpenedHeading && LooksLikeHeading(line, current))
            {
                var unknown = line.TrimEnd(':').TrimEnd();
                warnings.Add(new(lineNo, $"unknown section heading '{unknown}' (kept, not interpreted)"));
                current = new SectionBuilder(unknown, lineNo, known: false);
                sections.Add(current);
                justOpenedHeading = true;
                continue;
            }

            current.Paragraphs.Add(new(lineNo, line));
            justOpenedHeading = false;
        }

        foreach (var required in SectionHeadings.Required)
        {
            var section = sections.FirstOrDefault(s => s.Heading == required);
            if (section is null)
            {
                errors.Add(new(1, $"missing required section '{required}'"));
            }
            else if (section.IsEmpty)
            {
                errors.Add(new(section.Line, $"required section '{required}' is empty"));
            }
        }

        var built = sections.Select(s => s.Build()).ToList();
        var nameSection = built.FirstOrDefault(s => s.Heading == SectionHeadings.Name);
        var name = (nameSection?.Paragraphs.FirstOrDefault() ?? nameSection?.Items.FirstOrDefault())?.Text;
        var code = ResolveCode(built, name, title, errors, warnings);

        if (errors.Count == 0 && (code is null || name is null))
        {
            // Defensive: a failed parse must always say why.
            errors.Add(new(nameSection?.Line ?? 1, name is null ? "the procedure name could not be read" : "the CPT code could not be determined"));
        }
        if (errors.Count > 0 || code is null || name is null)
        {
            return new ParseOutcome(null, Sorted(errors), Sorted(warnings));
        }

        var facts = FactExtractor.Extract(built, warnings);
        var document = new ProcedureDocument(code, name, title, built, facts, Sorted(warnings));
        return new ParseOutcome(document, [], document.Warnings);
    }

    private static List<ParseMessage> Sorted(List<ParseMessage> messages) =>
        [.. messages.OrderBy(m => m.Line)];

    private static string? ResolveCode(
        IReadOnlyList<ProcedureSection> sections, string? name, string? title,
        List<ParseMessage> errors, List<ParseMessage> warnings)
    {
        var cptSection = sections.FirstOrDefault(s => s.Heading == SectionHeadings.CptCode);
        var written = cptSection?.Paragraphs.FirstOrDefault() ?? cptSection?.Items.FirstOrDefault();
        var fromName = (name is null ? null : CptCodeTable.ResolveFromName(name))
            ?? (title is null ? null : CptCodeTable.ResolveFromName(title));

        if (written is not null)
        {
            var match = FiveDigits().Match(written.Text);
            if (!match.Success)
            {
                errors.Add(new(written.Line, $"cannot read a CPT code from '{written.Text}'"));
                return null;
            }
            var known = CptCodeTable.Find(match.Value);
            if (known is null)
            {
                errors.Add(new(written.Line,
                    $"unknown CPT code {match.Value} (known: {string.Join(", ", CptCodeTable.Codes.Select(c => c.Code))})"));
                return null;
            }
            if (fromName is not null && fromName.Code != known.Code)
            {
                warnings.Add(new(written.Line,
                    $"CPT code {known.Code} differs from the code the procedure name suggests ({fromName.Code}); the written code is used"));
            }
            return known.Code;
        }

        var line = cptSection?.Line ?? 1;
        if (fromName is null)
        {
            errors.Add(new(line, "unknown code: the CPT4 code is not given and the procedure name matches no known code"));
            return null;
        }
        var where = cptSection is null ? "no CPT4 code section" : "CPT4 code section is empty";
        warnings.Add(new(line, $"{where}; code {fromName.Code} resolved from the procedure name ('{fromName.ShortDescriptor}', source {fromName.Source})"));
        return fromName.Code;
    }

    private static bool TryBullet(string line, out string text)
    {
        foreach (var marker in BulletMarkers)
        {
            if (line == marker.TrimEnd())
            {
                text = "";
                return true;
            }
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                text = line[marker.Length..].Trim();
                return true;
            }
        }
        text = "";
        return false;
    }

    private static readonly string[] BulletMarkers = ["- ", "* ", "\u2022 "];

    /// <summary>A known heading alone on its line, or followed by a colon and inline content ("CPT4 code: 22852").</summary>
    private static bool TryKnownHeading(string line, out string heading, out string inline)
    {
        inline = "";
        var whole = SectionHeadings.Match(line);
        if (whole is not null)
        {
            heading = whole;
            return true;
        }
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var head = SectionHeadings.Match(line[..colon]);
            if (head is not null)
            {
                heading = head;
                inline = line[(colon + 1)..].Trim();
                return true;
            }
        }
        heading = "";
        return false;
    }

    private static readonly HashSet<string> MinorWords = new(StringComparer.Ordinal) { "and", "of", "the", "or", "to", "for", "in", "a", "an", "on", "with" };

    /// <summary>
    /// An unknown heading is a short line that reads like a title: "Contraindications", "Follow-up Care:".
    /// Only considered after a section already has content, so a short value right under a heading
    /// (a name, a setting) is never mistaken for one.
    /// </summary>
    private static bool LooksLikeHeading(string line, SectionBuilder current)
    {
        if (current.Heading is SectionHeadings.Name or SectionHeadings.CptCode)
        {
            return false;
        }
        var words = line.TrimEnd(':').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (line.EndsWith(':') && words.Length is > 0 and <= 8)
        {
            return true;
        }
        if (words.Length is 0 or > 4 || ".!?;,)".Contains(line[^1], StringComparison.Ordinal))
        {
            return false;
        }
        return words.All(w => MinorWords.Contains(w) || (char.IsUpper(w[0]) && w.All(c => char.IsLetter(c) || c == '-')));
    }

    [GeneratedRegex(@"\b\d{5}\b")]
    private static partial Regex FiveDigits();
}
