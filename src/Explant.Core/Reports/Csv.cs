using System.Text;

namespace Explant.Core.Reports;

/// <summary>
/// CSV as RFC 4180 describes it: CRLF line ends, a field is quoted when it holds a comma, a double quote, CR or LF
/// (or starts/ends with a space, so spreadsheet tools keep it), and a quote inside a quoted field is doubled.
/// </summary>
public static class Csv
{
    public static string Write(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        Line(sb, headers);
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
            {
                throw new ArgumentException($"a row has {row.Count} fields; the header has {headers.Count}", nameof(rows));
            }
            Line(sb, row);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(Field(fields[i] ?? ""));
        }
        sb.Append("\r\n");
    }

    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value.StartsWith(' ') || value.EndsWith(' ');
        return quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Parses RFC 4180 text (CRLF or LF line ends) into records of fields; a trailing line end adds no empty record.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<IReadOnlyList<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        var fieldStarted = false;
        while (i < text.Length)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    continue;
                }
                field.Append(ch);
                i++;
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    i++;
                    break;
                case '"':
                    throw new FormatException($"a double quote inside an unquoted field at character {i}");
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    i++;
                    break;
                case '\r' or '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    fieldStarted = false;
                    i += ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    i++;
                    break;
            }
        }
        if (quoted)
        {
            throw new FormatException("the text ends inside a quoted field");
        }
        if (fieldStarted || field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }
}
