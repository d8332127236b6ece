using System.Security.Cryptography;
using System.Text;

namespace Explant.Core.Procedures;

/// <summary>
/// One stored version of a definition document. Versions are immutable: changed text becomes a new version,
/// so a case can pin the exact text its consent was generated from.
/// </summary>
public sealed class ProcedureDefinition
{
    private ProcedureDefinition() { }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public int Version { get; private set; }
    public string Name { get; private set; } = "";
    public string ContentHash { get; private set; } = "";
    public string SourceText { get; private set; } = "";
    public string SourceName { get; private set; } = "";
    public DateTime ImportedAtUtc { get; private set; }
    public string ImportedBy { get; private set; } = "";

    /// <summary>The HTTP entity tag of this version: its content hash never changes, so it identifies it exactly.</summary>
    public string ETag => $"\"{Code}-v{Version}-{ContentHash[..12]}\"";

    internal static ProcedureDefinition Create(ProcedureDocument doc, string text, string sourceName, int version, DateTime importedAtUtc, string importedBy)
    {
        if (importedAtUtc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("import time must be UTC", nameof(importedAtUtc));
        }
        return new ProcedureDefinition
        {
            Id = Guid.CreateVersion7(),
            Code = doc.Code,
            Version = version,
            Name = doc.Name,
            ContentHash = HashOf(text),
            SourceText = text,
            SourceName = sourceName,
            ImportedAtUtc = importedAtUtc,
            ImportedBy = importedBy,
        };
    }

    // Every readiness evaluation, estimate and daily list needs the parsed document; the parse is deterministic, so one
    // parse per distinct text serves every request (keyed by the text itself: two databases may hold different texts
    // under the same code and version). Definitions are few, so the cache stays small.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ProcedureDocument> ParsedCache = new(StringComparer.Ordinal);

    /// <summary>Parses the stored text again (cached per text); the parser is deterministic, so this equals what was validated on import.</summary>
    public ProcedureDocument Parse() =>
        ParsedCache.TryGetValue(SourceText, out var cached) ? cached
        : ParsedCache.GetOrAdd(SourceText, text => ProcedureParser.Parse(text).Document
            ?? throw new InvalidOperationException($"stored definition {Code} v{Version} no longer parses"));

    /// <summary>
    /// Hash of the normalised text (BOM, line endings and trailing spaces removed): re-importing the same
    /// document saved by another editor is not a new version.
    /// </summary>
    public static string HashOf(string text)
    {
        var normalised = string.Join('\n', ProcedureParser.SplitLines(text).Select(l => l.TrimEnd())).TrimEnd('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }
}
