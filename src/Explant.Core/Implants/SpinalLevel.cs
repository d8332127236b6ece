using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Explant.Core.Implants;

/// <summary>
/// A vertebral level, C1 (cranial) to S2, then the ilium (docs/clinical-rules.md §2 levels). Ordered cranial → caudal so a
/// construct's span and its interposed levels follow from comparison. Transitional anatomy is recorded as written
/// in the operative note, with a free-text comment on the component.
/// </summary>
public readonly partial record struct SpinalLevel : IComparable<SpinalLevel>
{
    private static readonly (char Region, int Count)[] Regions = [('C', 7), ('T', 12), ('L', 5), ('S', 2)];

    /// <summary>0 = C1 … 25 = S2, 26 = ilium.</summary>
    public int Ordinal { get; }

    private SpinalLevel(int ordinal) => Ordinal = ordinal;

    public static readonly SpinalLevel Ilium = new(26);
    public static int Count => 27;

    public static IEnumerable<SpinalLevel> All => Enumerable.Range(0, Count).Select(i => new SpinalLevel(i));

    public bool IsIlium => Ordinal == 26;

    public static SpinalLevel Parse(string text) =>
        TryParse(text, out var level) ? level : throw new FormatException($"'{text}' is not a spinal level (C1–C7, T1–T12, L1–L5, S1–S2, ilium)");

    public static bool TryParse([NotNullWhen(true)] string? text, out SpinalLevel level)
    {
        level = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var t = text.Trim();
        if (t.Equals("ilium", StringComparison.OrdinalIgnoreCase) || t.Equals("iliac", StringComparison.OrdinalIgnoreCase))
        {
            level = Ilium;
            return true;
        }
        var m = LevelPattern().Match(t);
        if (!m.Success)
        {
            return false;
        }
        var region = char.ToUpperInvariant(m.Groups[1].Value[0]);
        var number = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        var offset = 0;
        foreach (var (r, count) in Regions)
        {
            if (r == region)
            {
                if (number < 1 || number > count)
                {
                    return false;
                }
                level = new SpinalLevel(offset + number - 1);
                return true;
            }
            offset += count;
        }
        return false;
    }

    public override string ToString()
    {
        if (IsIlium)
        {
            return "ilium";
        }
        var offset = 0;
        foreach (var (r, count) in Regions)
        {
            if (Ordinal < offset + count)
            {
                return $"{r}{Ordinal - offset + 1}";
            }
            offset += count;
        }
        return "?";
    }

    public int CompareTo(SpinalLevel other) => Ordinal.CompareTo(other.Ordinal);
    public static bool operator <(SpinalLevel a, SpinalLevel b) => a.Ordinal < b.Ordinal;
    public static bool operator >(SpinalLevel a, SpinalLevel b) => a.Ordinal > b.Ordinal;
    public static bool operator <=(SpinalLevel a, SpinalLevel b) => a.Ordinal <= b.Ordinal;
    public static bool operator >=(SpinalLevel a, SpinalLevel b) => a.Ordinal >= b.Ordinal;

    [GeneratedRegex(@"^([CTLScstls])\s*([0-9]{1,2})$")]
    private static partial Regex LevelPattern();
}

/// <summary>An inclusive range of levels, cranial first ("T10–L2"). A single level is a range of one.</summary>
public readonly record struct LevelRange(SpinalLevel From, SpinalLevel To)
{
    public static LevelRange Of(SpinalLevel a, SpinalLevel b) => a <= b ? new(a, b) : new(b, a);

    public static LevelRange Parse(string text) =>
        TryParse(text, out var range) ? range : throw new FormatException($"'{text}' is not a level range (e.g. L3-L5, T10–L2)");

    public static bool TryParse(string? text, out LevelRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var parts = text.Split(['-', '\u2013', '\u2014'], StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && SpinalLevel.TryParse(parts[0], out var single))
        {
            range = new(single, single);
            return true;
        }
        if (parts.Length == 2 && SpinalLevel.TryParse(parts[0], out var a) && SpinalLevel.TryParse(parts[1], out var b) && a <= b)
        {
            range = new(a, b);
            return true;
        }
        return false;
    }

    public bool Contains(SpinalLevel level) => level >= From && level <= To;
    public bool Overlaps(LevelRange other) => From <= other.To && other.From <= To;
    public bool Covers(LevelRange other) => From <= other.From && other.To <= To;

    /// <summary>Number of vertebral levels in the range (L3–L5 = 3).</summary>
    public int LevelCount => To.Ordinal - From.Ordinal + 1;

    public override string ToString() => From == To ? From.ToString() : $"{From}\u2013{To}";
}
