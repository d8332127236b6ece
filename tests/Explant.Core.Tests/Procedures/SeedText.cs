using Explant.Core.Procedures;

namespace Explant.Core.Tests.Procedures;

/// <summary>
/// Edits a document line by line with 1-based line numbers, as an editor shows them, so error tests can
/// say "insert at line 13" and then assert that the parser reports line 13.
/// </summary>
internal static class SeedText
{
    /// <summary>The seed's lines (60: the last one has no trailing newline).</summary>
    public static List<string> Lines(string? text = null) => [.. ProcedureParser.SplitLines(text ?? TestFiles.Seed)];

    public static string Join(IEnumerable<string> lines) => string.Join("\n", lines);

    /// <summary>Inserts lines so that the first inserted one becomes line <paramref name="line"/>.</summary>
    public static string Insert(int line, params string[] newLines) => Insert(TestFiles.Seed, line, newLines);

    public static string Insert(string text, int line, params string[] newLines)
    {
        var lines = Lines(text);
        lines.InsertRange(line - 1, newLines);
        return Join(lines);
    }

    public static string Replace(int line, string newText) => Replace(TestFiles.Seed, line, newText);

    public static string Replace(string text, int line, string newText)
    {
        var lines = Lines(text);
        lines[line - 1] = newText;
        return Join(lines);
    }

    /// <summary>Removes lines <paramref name="from"/>..<paramref name="to"/> inclusive.</summary>
    public static string Remove(int from, int to) => Remove(TestFiles.Seed, from, to);

    public static string Remove(string text, int from, int to)
    {
        var lines = Lines(text);
        lines.RemoveRange(from - 1, to - from + 1);
        return Join(lines);
    }

    /// <summary>Parses and insists on success, showing the errors when it fails.</summary>
    public static ProcedureDocument ParseOk(string text)
    {
        var outcome = ProcedureParser.Parse(text);
        Assert.True(outcome.Succeeded, "expected success, got errors: " + string.Join("; ", outcome.Errors.Select(e => $"{e.Line}: {e.Message}")));
        Assert.Empty(outcome.Errors);
        return outcome.Document!;
    }

    /// <summary>Parses and insists on failure (no document, at least one error).</summary>
    public static ParseOutcome ParseFails(string text)
    {
        var outcome = ProcedureParser.Parse(text);
        Assert.False(outcome.Succeeded, "expected errors, but the document parsed");
        Assert.Null(outcome.Document);
        Assert.NotEmpty(outcome.Errors);
        return outcome;
    }
}
