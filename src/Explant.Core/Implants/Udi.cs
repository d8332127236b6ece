using System.Globalization;

namespace Explant.Core.Implants;

/// <summary>A GS1 UDI parse failure at a 1-based character position of the input.</summary>
public sealed class UdiFormatException(int position, string message) : FormatException($"position {position}: {message}")
{
    public int Position { get; } = position;
    public string Reason { get; } = message;
}

/// <summary>
/// A GS1 Unique Device Identifier (docs/clinical-rules.md §2, [S50][S51]): the DI (GTIN-14, AI 01) plus production
/// identifiers — production date (11), expiry (17), lot (10), serial (21). Accepts the bracketed human-readable
/// form "(01)…(17)…" and the machine form with FNC1 / GS (0x1D) separators, optionally with a "]d2"/"]C1" prefix.
/// </summary>
public sealed record Udi(string Gtin, DateOnly? ProductionDate, DateOnly? ExpirationDate, string? Lot, string? Serial)
{
    private const char GroupSeparator = '\u001D';

    /// <summary>The canonical human-readable form, AIs in the order 01, 11, 17, 10, 21.</summary>
    public string HumanReadable =>
        $"(01){Gtin}"
        + (ProductionDate is { } p ? $"(11){p:yyMMdd}" : "")
        + (ExpirationDate is { } e ? $"(17){FormatExpiry(e)}" : "")
        + (Lot is null ? "" : $"(10){Lot}")
        + (Serial is null ? "" : $"(21){Serial}");

    // Day "00" is stored as the end of that month ([S51] ⚠); printing it back as the last day is equivalent.
    private static string FormatExpiry(DateOnly d) => d.ToString("yyMMdd", CultureInfo.InvariantCulture);

    public static Udi Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var input = text.Trim();
        var offset = text.Length - text.TrimStart().Length;
        foreach (var prefix in new[] { "]d2", "]C1", "]Q3" })
        {
            if (input.StartsWith(prefix, StringComparison.Ordinal))
            {
                input = input[prefix.Length..];
                offset += prefix.Length;
                break;
            }
        }
        if (input.Length == 0)
        {
            throw new UdiFormatException(1, "empty UDI");
        }
        var fields = input[0] == '(' ? ReadBracketed(input, offset) : ReadElementString(input, offset);

        string? gtin = null, lot = null, serial = null;
        DateOnly? production = null, expiry = null;
        foreach (var (ai, value, position, aiPosition) in fields)
        {
            void Once(object? existing)
            {
                if (existing is not null)
                {
                    throw new UdiFormatException(position, $"AI ({ai}) appears twice");
                }
            }
            switch (ai)
            {
                case "01":
                    Once(gtin);
                    gtin = ValidateGtin(value, position + 0);
                    break;
                case "11":
                    Once(production);
                    production = ParseDate(value, position, ai);
                    break;
                case "17":
                    Once(expiry);
                    expiry = ParseDate(value, position, ai);
                    break;
                case "10":
                    Once(lot);
                    lot = ValidateVariable(value, position, ai);
                    break;
                case "21":
                    Once(serial);
                    serial = ValidateVariable(value, position, ai);
                    break;
                default:
                    throw new UdiFormatException(aiPosition, $"unknown application identifier ({ai}); expected 01, 11, 17, 10 or 21");
            }
        }
        if (gtin is null)
        {
            throw new UdiFormatException(offset + 1, "missing the device identifier (01) GTIN-14");
        }
        return new Udi(gtin, production, expiry, lot, serial);
    }

    private static int FixedLength(string ai) => ai switch
    {
        "01" => 14,
        "11" or "17" => 6,
        _ => -1,
    };

    /// <summary>"(01)095…(17)141120(10)…" — every value runs to the next '(' or the end.</summary>
    private static List<(string Ai, string Value, int Position, int AiPosition)> ReadBracketed(string s, int offset)
    {
        var result = new List<(string, string, int, int)>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] != '(')
            {
                throw new UdiFormatException(offset + i + 1, $"expected '(' to open an application identifier, found '{s[i]}'");
            }
            var close = s.IndexOf(')', i);
            if (close < 0)
            {
                throw new UdiFormatException(offset + i + 1, "unclosed '(' in application identifier");
            }
            var ai = s[(i + 1)..close];
            if (ai.Length is < 2 or > 4 || !ai.All(char.IsAsciiDigit))
            {
                throw new UdiFormatException(offset + i + 2, $"'{ai}' is not an application identifier");
            }
            var next = s.IndexOf('(', close + 1);
            var end = next < 0 ? s.Length : next;
            result.Add((ai, s[(close + 1)..end], offset + close + 2, offset + i + 2));
            i = end;
        }
        return result;
    }

    /// <summary>The barcode data form: fixed-length AIs run on, variable ones end at GS (or an FNC1 written as GS).</summary>
    private static List<(string Ai, string Value, int Position, int AiPosition)> ReadElementString(string s, int offset)
    {
        var result = new List<(string, string, int, int)>();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == GroupSeparator)
            {
                i++;
                continue;
            }
            if (i + 2 > s.Length)
            {
                throw new UdiFormatException(offset + i + 1, "truncated application identifier");
            }
            var ai = s.Substring(i, 2);
            if (!ai.All(char.IsAsciiDigit))
            {
                throw new UdiFormatException(offset + i + 1, $"'{ai}' is not an application identifier");
            }
            var valueStart = i + 2;
            var length = FixedLength(ai);
            if (length < 0 && ai is not ("10" or "21"))
            {
                throw new UdiFormatException(offset + i + 1, $"unknown application identifier ({ai}); expected 01, 11, 17, 10 or 21");
            }
            int valueEnd;
            if (length > 0)
            {
                valueEnd = valueStart + length;
                if (valueEnd > s.Length)
                {
                    throw new UdiFormatException(offset + valueStart + 1, $"AI ({ai}) needs {length} characters, found {s.Length - valueStart}");
                }
            }
            else
            {
                var gs = s.IndexOf(GroupSeparator, valueStart);
                valueEnd = gs < 0 ? s.Length : gs;
            }
            result.Add((ai, s[valueStart..valueEnd], offset + valueStart + 1, offset + i + 1));
            i = valueEnd;
        }
        return result;
    }

    private static string ValidateGtin(string value, int position)
    {
        if (value.Length != 14)
        {
            throw new UdiFormatException(position, $"GTIN must have 14 digits, found {value.Length} characters");
        }
        for (var k = 0; k < value.Length; k++)
        {
            if (!char.IsAsciiDigit(value[k]))
            {
                throw new UdiFormatException(position + k, $"GTIN digit expected, found '{value[k]}'");
            }
        }
        var expected = CheckDigit(value.AsSpan(0, 13));
        if (value[13] - '0' != expected)
        {
            throw new UdiFormatException(position + 13, $"GTIN check digit is {value[13]}, expected {expected}");
        }
        return value;
    }

    /// <summary>GS1 mod-10: weights 3,1,3… from the rightmost data digit ([S51], rule 34).</summary>
    public static int CheckDigit(ReadOnlySpan<char> data)
    {
        var sum = 0;
        for (var k = 0; k < data.Length; k++)
        {
            var digit = data[data.Length - 1 - k] - '0';
            sum += digit * (k % 2 == 0 ? 3 : 1);
        }
        return (10 - sum % 10) % 10;
    }

    private static DateOnly ParseDate(string value, int position, string ai)
    {
        if (value.Length != 6 || !value.All(char.IsAsciiDigit))
        {
            throw new UdiFormatException(position, $"AI ({ai}) date must be YYMMDD, found '{value}'");
        }
        var yy = int.Parse(value[..2], CultureInfo.InvariantCulture);
        var mm = int.Parse(value[2..4], CultureInfo.InvariantCulture);
        var dd = int.Parse(value[4..], CultureInfo.InvariantCulture);
        // GS1's sliding century window is ⚠ unverified (docs/clinical-rules.md §2): implants in service were labelled
        // after 2000, so YY is read as 20YY.
        var year = 2000 + yy;
        if (mm is < 1 or > 12)
        {
            throw new UdiFormatException(position + 2, $"AI ({ai}) month {mm:00} is not a month");
        }
        var daysInMonth = DateTime.DaysInMonth(year, mm);
        if (dd == 0 && ai == "17")
        {
            return new DateOnly(year, mm, daysInMonth);
        }
        if (dd < 1 || dd > daysInMonth)
        {
            throw new UdiFormatException(position + 4, $"AI ({ai}) day {dd:00} does not exist in {year}-{mm:00}");
        }
        return new DateOnly(year, mm, dd);
    }

    private static string ValidateVariable(string value, int position, string ai)
    {
        if (value.Length is 0 or > 20)
        {
            throw new UdiFormatException(position, $"AI ({ai}) must have 1 to 20 characters, found {value.Length}");
        }
        for (var k = 0; k < value.Length; k++)
        {
            // GS1 AI encodable character set 82 is printable ASCII; control characters are never valid.
            if (value[k] < 0x21 || value[k] > 0x7E)
            {
                throw new UdiFormatException(position + k, $"character '{value[k]}' is not allowed in AI ({ai})");
            }
            if (value[k] is '(' or ')')
            {
                // GS1 allows them, but the bracketed form we store could not be read back unambiguously.
                throw new UdiFormatException(position + k, $"parentheses in AI ({ai}) cannot be stored in the bracketed human-readable form; enter the value from the device record");
            }
        }
        return value;
    }
}
