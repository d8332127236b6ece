using System.Globalization;

namespace Explant.Core.Validation;

/// <summary>
/// Reads the text fields of an HTML form into typed values for a command's input record, collecting every field that
/// is not what it claims to be (a number, a YYYY-MM-DD date, an enum NAME, a revision, an id). A blank field is null:
/// whether it is required is the command's decision, not the reader's. Parse failures are refused together by
/// <see cref="ThrowIfAny"/> (HTTP 400 / the form's ?error=…), never as an unhandled FormatException (500).
/// </summary>
public sealed class FormFields(Func<string, string?> read)
{
    private readonly Check check = new();

    /// <summary>Trimmed text, null when blank. Length limits belong to the command (it knows the field).</summary>
    public string? Text(string key) => read(key) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>
    /// A decimal with a '.' point. Thousands separators are refused rather than read: "70,5" typed for 70.5 kg would
    /// otherwise become 705.
    /// </summary>
    public decimal? Decimal(string key)
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        check.Add(key, $"'{Shorten(v)}' is not a number (use a '.' for decimals)");
        return null;
    }

    /// <summary>A whole number (digits with an optional sign); "1.5" or "two" is refused.</summary>
    public int? Int(string key)
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            return i;
        }
        check.Add(key, $"'{Shorten(v)}' is not a whole number");
        return null;
    }

    /// <summary>A yes/no field: "true"/"false" (select) or a checked box ("on"); blank is null.</summary>
    public bool? Bool(string key)
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (v is "true" or "on")
        {
            return true;
        }
        if (v is "false")
        {
            return false;
        }
        check.Add(key, $"'{Shorten(v)}' is not yes or no");
        return null;
    }

    public DateOnly? Date(string key)
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        check.Add(key, $"'{Shorten(v)}' is not a date (YYYY-MM-DD)");
        return null;
    }

    /// <summary>An enum member by name only (<see cref="EnumText"/>): "99" or "1" is refused, not stored as a number.</summary>
    public T? Enum<T>(string key) where T : struct, Enum
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (EnumText.TryParse<T>(v, out var value))
        {
            return value;
        }
        check.Add(key, $"'{Shorten(v)}': {EnumText.Choices<T>()}");
        return null;
    }

    /// <summary>The revision a form was rendered with (hidden field): digits only.</summary>
    public long? Revision(string key = "revision")
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
        {
            return r;
        }
        check.Add(key, $"'{Shorten(v)}' is not a revision of this record; reload the page");
        return null;
    }

    public Guid? Id(string key)
    {
        if (Text(key) is not { } v)
        {
            return null;
        }
        if (Guid.TryParseExact(v, "D", out var id))
        {
            return id;
        }
        check.Add(key, $"'{Shorten(v)}' is not an id");
        return null;
    }

    /// <summary>Refuses the post when a field could not be read, listing each one.</summary>
    public void ThrowIfAny() => check.ThrowIfAny();

    // Bad input is echoed back so the user sees what was refused, but never in full: it could be megabytes.
    private static string Shorten(string v) => v.Length <= 40 ? v : string.Concat(v.AsSpan(0, 40), "…");
}
