using System.Text.Json;
using System.Text.Json.Serialization;

namespace Explant.Core.Procedures;

/// <summary>
/// The JSON shape of a parsed definition. `procedure validate --json` prints exactly this (an outside contract);
/// the API embeds it. Items are plain strings; where each fact came from is in <see cref="FactSources"/>.
/// </summary>
public sealed record ProcedureReport(
    string Code,
    string Name,
    string? Title,
    IReadOnlyList<ProcedureReport.SectionJson> Sections,
    ProcedureReport.FactsJson Facts,
    ProcedureReport.FactSourcesJson FactSources,
    IReadOnlyList<ParseMessage> Warnings)
{
    public sealed record SectionJson(string Heading, int Line, bool Known, IReadOnlyList<string> Items, string Text);

    public sealed record RangeJson(int Min, int Max);

    public sealed record FactsJson(
        RangeJson? DurationMinutes,
        RangeJson? StayDays,
        int? FastingHours,
        IReadOnlyList<string> Indications,
        IReadOnlyList<string> Risks,
        IReadOnlyList<string> Benefits,
        IReadOnlyList<string> Alternatives,
        IReadOnlyList<string> Personnel);

    public sealed record FactSourcesJson(
        int? DurationMinutes,
        int? StayDays,
        int? FastingHours,
        IReadOnlyList<KeyedItem> Indications,
        IReadOnlyList<KeyedItem> Risks,
        IReadOnlyList<KeyedItem> Benefits,
        IReadOnlyList<KeyedItem> Alternatives,
        IReadOnlyList<KeyedItem> Personnel);

    public static ProcedureReport From(ProcedureDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var f = doc.Facts;
        static IReadOnlyList<string> Keys(IReadOnlyList<KeyedItem> items) => [.. items.Select(i => i.Key)];
        static RangeJson? Range(IntRange? r) => r is { } v ? new RangeJson(v.Min, v.Max) : null;

        return new ProcedureReport(
            doc.Code,
            doc.Name,
            doc.Title,
            [.. doc.Sections.Select(s => new SectionJson(s.Heading, s.Line, s.Known, [.. s.Items.Select(i => i.Text)], s.Text))],
            new FactsJson(Range(f.DurationMinutes), Range(f.StayDays), f.FastingHours,
                Keys(f.Indications), Keys(f.Risks), Keys(f.Benefits), Keys(f.Alternatives), Keys(f.Personnel)),
            new FactSourcesJson(f.DurationLine, f.StayLine, f.FastingLine,
                f.Indications, f.Risks, f.Benefits, f.Alternatives, f.Personnel),
            doc.Warnings);
    }

    /// <summary>One serializer setting for CLI and API so both print the same field names.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
