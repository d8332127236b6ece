using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>A system|code pair a token search parameter matches against (system null = any system).</summary>
internal readonly record struct Token(string? System, string? Code);

/// <summary>A half-open UTC interval [Start, End): a date, a dateTime or a period.</summary>
internal readonly record struct DateRange(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// One search parameter of one resource type. The same object answers the search and is what the
/// CapabilityStatement declares, so the two cannot drift apart.
/// </summary>
internal abstract class SearchParam(string name, SearchParamType type, string documentation)
{
    public string Name { get; } = name;
    public SearchParamType Type { get; } = type;
    public string Documentation { get; } = documentation;

    /// <summary>Whether the resource matches one value (already split at commas); throws FhirException 400 on a malformed value.</summary>
    public abstract bool Matches(Resource resource, string? modifier, string value);

    /// <summary>Parses the value without a resource, so a malformed value is refused even when nothing would be compared.</summary>
    public abstract void Check(string? modifier, string value);

    protected FhirException Bad(string message) => FhirException.BadSearch(Name, message);

    protected void NoModifier(string? modifier)
    {
        if (modifier is not null)
        {
            throw Bad($"modifier ':{modifier}' is not supported");
        }
    }
}

internal sealed class TokenParam<T>(string name, string documentation, Func<T, IEnumerable<Token>> values)
    : SearchParam(name, SearchParamType.Token, documentation) where T : Resource
{
    public override void Check(string? modifier, string value)
    {
        NoModifier(modifier);
        if (value.Length == 0 || value == "|")
        {
            throw Bad("empty token");
        }
    }

    public override bool Matches(Resource resource, string? modifier, string value)
    {
        Check(modifier, value);
        string? system = null;
        var code = value;
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        var anySystem = bar < 0;
        if (bar >= 0)
        {
            system = value[..bar];
            code = value[(bar + 1)..];
        }
        return values((T)resource).Any(t =>
            (anySystem || string.Equals(t.System ?? "", system, StringComparison.Ordinal))
            && (code.Length == 0 || string.Equals(t.Code, code, StringComparison.Ordinal)));
    }
}

internal sealed class StringParam<T>(string name, string documentation, Func<T, IEnumerable<string?>> values)
    : SearchParam(name, SearchParamType.String, documentation) where T : Resource
{
    public override void Check(string? modifier, string value)
    {
        if (modifier is not (null or "exact" or "contains"))
        {
            throw Bad($"modifier ':{modifier}' is not supported (exact, contains)");
        }
        if (value.Length == 0)
        {
            throw Bad("empty string");
        }
    }

    // FHIR string search: case- and accent-insensitive "starts with" by default (search.html#string).
    public override bool Matches(Resource resource, string? modifier, string value)
    {
        Check(modifier, value);
        return values((T)resource).Any(v => v is not null && modifier switch
        {
            "exact" => string.Equals(v, value, StringComparison.Ordinal),
            "contains" => CultureInfo.InvariantCulture.CompareInfo.IndexOf(v, value, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0,
            _ => CultureInfo.InvariantCulture.CompareInfo.IsPrefix(v, value, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace),
        });
    }
}

/// <summary>What a reference parameter knows without its resource type: its target and how a value names a resource.</summary>
internal abstract class ReferenceParamBase(string name, string target, string documentation) : SearchParam(name, SearchParamType.Reference, documentation)
{
    public string Target { get; } = target;

    /// <summary>"Patient/1", "1" or "https://host/fhir/Patient/1" all name Patient/1.</summary>
    public string Normalise(string value)
    {
        var parts = value.TrimEnd('/').Split('/');
        return parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : $"{Target}/{value}";
    }
}

internal sealed class ReferenceParam<T>(string name, string target, string documentation, Func<T, IEnumerable<ResourceReference?>> values)
    : ReferenceParamBase(name, target, documentation) where T : Resource
{
    public override void Check(string? modifier, string value)
    {
        if (modifier is not null && modifier != Target)
        {
            throw Bad($"modifier ':{modifier}' is not supported (only :{Target})");
        }
        if (value.Length == 0)
        {
            throw Bad("empty reference");
        }
    }

    public override bool Matches(Resource resource, string? modifier, string value)
    {
        Check(modifier, value);
        var wanted = Normalise(value);
        return values((T)resource).Any(r => string.Equals(r?.Reference, wanted, StringComparison.Ordinal));
    }
}

internal sealed partial class DateParam<T>(string name, string documentation, Func<T, IEnumerable<DateRange>> values)
    : SearchParam(name, SearchParamType.Date, documentation) where T : Resource
{
    [GeneratedRegex(@"^(eq|ne|lt|gt|le|ge)?(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();

    public override void Check(string? modifier, string value) => Parse(modifier, value);

    private (string Prefix, DateRange Range) Parse(string? modifier, string value)
    {
        NoModifier(modifier);
        var m = Syntax().Match(value);
        if (!m.Success || FhirDates.Range(m.Groups[2].Value) is not { } range)
        {
            throw Bad($"'{value}' is not a FHIR date (yyyy, yyyy-mm, yyyy-mm-dd or a dateTime, optionally after eq, ne, lt, gt, le or ge)");
        }
        return (m.Groups[1].Success ? m.Groups[1].Value : "eq", range);
    }

    public override bool Matches(Resource resource, string? modifier, string value)
    {
        var (prefix, p) = Parse(modifier, value);
        return values((T)resource).Any(r => prefix switch
        {
            "eq" => r.Start >= p.Start && r.End <= p.End,
            "ne" => !(r.Start >= p.Start && r.End <= p.End),
            "lt" => r.Start < p.Start,
            "gt" => r.End > p.End,
            "le" => r.Start < p.End,
            "ge" => r.End > p.Start,
            _ => false,
        });
    }
}

/// <summary>FHIR date/dateTime text to the interval it stands for (a day, a month, a year, or one second).</summary>
internal static class FhirDates
{
    public static DateRange? Range(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var inv = CultureInfo.InvariantCulture;
        try
        {
            switch (text.Length)
            {
                case 4:
                    var y = new DateTimeOffset(int.Parse(text, inv), 1, 1, 0, 0, 0, TimeSpan.Zero);
                    return new DateRange(y, y.AddYears(1));
                case 7:
                    var mo = DateTimeOffset.ParseExact(text + "-01", "yyyy-MM-dd", inv, DateTimeStyles.AssumeUniversal);
                    return new DateRange(mo, mo.AddMonths(1));
                case 10:
                    var d = DateTimeOffset.ParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.AssumeUniversal);
                    return new DateRange(d, d.AddDays(1));
                default:
                    var t = DateTimeOffset.Parse(text, inv, DateTimeStyles.AssumeUniversal);
                    return new DateRange(t, t.AddSeconds(1));
            }
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    public static IEnumerable<DateRange> Of(DataType? value) => value switch
    {
        Date d when Range(d.Value) is { } r => [r],
        FhirDateTime dt when Range(dt.Value) is { } r => [r],
        Instant i when i.Value is { } v => [new DateRange(v, v.AddSeconds(1))],
        Period p when Range(p.Start) is { } s => [new DateRange(s.Start, Range(p.End)?.End ?? DateTimeOffset.MaxValue)],
        Period p when Range(p.End) is { } e => [new DateRange(DateTimeOffset.MinValue, e.End)],
        _ => [],
    };

    public static IEnumerable<DateRange> Of(string? fhirDate) => Range(fhirDate) is { } r ? [r] : [];

    public static IEnumerable<DateRange> Of(DateTimeOffset? start, DateTimeOffset? end) =>
        start is null && end is null ? [] : [new DateRange(start ?? DateTimeOffset.MinValue, end is { } e ? e.AddSeconds(1) : DateTimeOffset.MaxValue)];

    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal);
}

/// <summary>Token helpers for the values resources carry.</summary>
internal static class Tokens
{
    public static IEnumerable<Token> Of(CodeableConcept? concept) =>
        concept?.Coding.Where(c => c.Code is not null).Select(c => new Token(c.System, c.Code)) ?? [];

    public static IEnumerable<Token> Of(IEnumerable<CodeableConcept> concepts) => concepts.SelectMany(Of);

    public static IEnumerable<Token> Of(IEnumerable<Identifier> identifiers) =>
        identifiers.Where(i => i.Value is not null).Select(i => new Token(i.System, i.Value));

    public static IEnumerable<Token> Code<TEnum>(TEnum? value) where TEnum : struct, Enum =>
        value is { } v && Hl7.Fhir.Utility.EnumUtility.GetLiteral(v) is { } literal ? [new Token(null, literal)] : [];
}
