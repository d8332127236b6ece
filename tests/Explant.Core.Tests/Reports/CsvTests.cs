using System.Xml.Linq;
using Explant.Core.Reports;

namespace Explant.Core.Tests.Reports;

public sealed class CsvTests
{
    [Fact]
    public void Writes_rfc_4180_quoting_with_crlf()
    {
        var text = Csv.Write(["a", "b"], [["x,y", "say \"hi\""], ["line\nbreak", " padded"], ["", "plain"]]);
        Assert.Equal("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",\" padded\"\r\n,plain\r\n", text);
    }

    [Fact]
    public void Round_trips_awkward_fields()
    {
        IReadOnlyList<string> headers = ["reason", "n", "note"];
        IReadOnlyList<IReadOnlyList<string>> rows =
        [
            ["broken screw tip in S1 body, 8 mm", "1", "\"quoted\""],
            ["multi\r\nline", "", "trailing space "],
            ["Clavien–Dindo ≥ IIIa", "0", ","],
        ];
        var parsed = Csv.Parse(Csv.Write(headers, rows));
        Assert.Equal(rows.Count + 1, parsed.Count);
        Assert.Equal(headers, parsed[0]);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i], parsed[i + 1]);
        }
    }

    [Fact]
    public void Every_report_table_round_trips()
    {
        var report = HandCohort.Report();
        foreach (var table in report.Tables)
        {
            var parsed = Csv.Parse(table.ToCsv());
            Assert.Equal(table.Headers, parsed[0]);
            Assert.Equal(table.Rows.Count, parsed.Count - 1);
            for (var i = 0; i < table.Rows.Count; i++)
            {
                Assert.Equal(table.Rows[i], parsed[i + 1]);
            }
        }
        // The retained reason with a comma survives as one field.
        Assert.Contains(Csv.Parse(report.Table("retained").ToCsv()), r => r[1] == "broken screw tip in S1 body, 8 mm");
    }

    [Fact]
    public void Malformed_text_is_refused_and_rows_must_match_the_header()
    {
        Assert.Throws<FormatException>(() => Csv.Parse("a,\"b"));
        Assert.Throws<FormatException>(() => Csv.Parse("a,b\"c"));
        Assert.Throws<ArgumentException>(() => Csv.Write(["a", "b"], [["1"]]));
    }

    [Fact]
    public void Charts_render_as_svg_for_every_table()
    {
        var report = HandCohort.Report();
        foreach (var name in ServiceReport.TableNames)
        {
            var svg = ReportCharts.Svg(report, name);
            var root = XDocument.Parse(svg).Root!;
            Assert.Equal("svg", root.Name.LocalName);
        }
        var png = ReportCharts.Png(report, "complications", 400, 200);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
