using System.Globalization;

namespace Explant.Core.Outcomes;

/// <summary>Where the pain is; back and leg are recorded separately (docs/clinical-rules.md §9).</summary>
public enum PainSite
{
    Back = 1,
    Leg,
}

/// <summary>A Numeric Rating Scale pain score: a whole number 0–10 (docs/clinical-rules.md §9, [S59]).</summary>
public readonly record struct NrsScore
{
    public const int Min = 0;
    public const int Max = 10;

    private NrsScore(int value) => Value = value;

    public int Value { get; }

    public static NrsScore Create(int value) =>
        value is < Min or > Max
            ? throw new ArgumentOutOfRangeException(nameof(value), value, $"NRS is {Min}–{Max}, not {value}")
            : new NrsScore(value);

    /// <summary>Whole numbers 0–10 only: "7.5", "11", "-1", "" and words are refused with a reason.</summary>
    public static bool TryParse(string? text, out NrsScore score, out string? error)
    {
        score = default;
        var t = text?.Trim() ?? "";
        if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v > Max)
        {
            error = $"'{text}' is not a whole number {Min}–{Max}";
            return false;
        }
        score = new NrsScore(v);
        error = null;
        return true;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Back and leg NRS taken at one contact; either may be missing, never out of range.</summary>
public sealed record NrsPain(NrsScore? Back, NrsScore? Leg)
{
    /// <summary>
    /// Validates raw entries and lists every bad one by site ("back: '11' is not a whole number 0–10"), so a form
    /// can show them all at once, as every validation error of the API does.
    /// </summary>
    public static bool TryCreate(string? back, string? leg, out NrsPain? pain, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        NrsScore? Read(string? raw, PainSite site)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                return null;
            }
            if (NrsScore.TryParse(raw, out var s, out var e))
            {
                return s;
            }
            problems.Add($"{site.ToString().ToLowerInvariant()}: {e}");
            return null;
        }
        var b = Read(back, PainSite.Back);
        var l = Read(leg, PainSite.Leg);
        errors = problems;
        pain = problems.Count == 0 ? new NrsPain(b, l) : null;
        return pain is not null;
    }

    public NrsScore? For(PainSite site) => site switch
    {
        PainSite.Back => Back,
        PainSite.Leg => Leg,
        _ => throw new ArgumentOutOfRangeException(nameof(site), site, "unknown pain site"),
    };
}
