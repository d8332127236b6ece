namespace Explant.Core.Procedures;

/// <summary>A line-numbered message from the parser. Line numbers are 1-based, as an editor shows them.</summary>
public sealed record ParseMessage(int Line, string Message);

/// <summary>One section of a definition document, exactly as written, with the line of its heading.</summary>
public sealed record ProcedureSection(
    string Heading,
    int Line,
    bool Known,
    IReadOnlyList<SectionLine> Items,
    IReadOnlyList<SectionLine> Paragraphs)
{
    /// <summary>The section's free text joined into one string (for single-paragraph sections such as Summary).</summary>
    public string Text => string.Join(" ", Paragraphs.Select(p => p.Text));

    /// <summary>Bullets and paragraphs in document order.</summary>
    public IEnumerable<SectionLine> AllLines => Items.Concat(Paragraphs).OrderBy(l => l.Line);
}

/// <summary>A bullet or paragraph line with the line it came from, so every extracted fact stays traceable.</summary>
public sealed record SectionLine(int Line, string Text);

public readonly record struct IntRange(int Min, int Max);

/// <summary>A list entry of the definition (an indication, risk, benefit, alternative or team role) with a stable key.</summary>
public sealed record KeyedItem(string Key, string Text, int Line);

/// <summary>Facts extracted from the text. A fact the extractor could not read stays null (and a warning says why).</summary>
public sealed record ProcedureFacts(
    IntRange? DurationMinutes,
    int? DurationLine,
    IntRange? StayDays,
    int? StayLine,
    int? FastingHours,
    int? FastingLine,
    IReadOnlyList<KeyedItem> Indications,
    IReadOnlyList<KeyedItem> Risks,
    IReadOnlyList<KeyedItem> Benefits,
    IReadOnlyList<KeyedItem> Alternatives,
    IReadOnlyList<KeyedItem> Personnel);

/// <summary>A definition document that parsed without errors.</summary>
public sealed record ProcedureDocument(
    string Code,
    string Name,
    string? Title,
    IReadOnlyList<ProcedureSection> Sections,
    ProcedureFacts Facts,
    IReadOnlyList<ParseMessage> Warnings)
{
    public ProcedureSection? Section(string heading) =>
        Sections.FirstOrDefault(s => string.Equals(s.Heading, heading, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The outcome of parsing: a document, or the errors that prevented one. Warnings come with both.</summary>
public sealed record ParseOutcome(ProcedureDocument? Document, IReadOnlyList<ParseMessage> Errors, IReadOnlyList<ParseMessage> Warnings)
{
    public bool Succeeded => Document is not null && Errors.Count == 0;
}
