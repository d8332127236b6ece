using System.Xml.Linq;
using Explant.Core.Reports;

namespace Explant.Core.Tests.Reports;

/// <summary>Issue #13 §1: the reports read on a tablet and a phone (words for columns, charts that scale, whole-number counts).</summary>
public sealed class ReportChartsTests
{
    private readonly ServiceReport report = HandCohort.Report();

    [Fact]
    public void Every_column_has_a_label_in_words_and_the_csv_keeps_its_names()
    {
        foreach (var table in report.Tables)
        {
            Assert.Equal(table.Headers.Count, table.Labels.Count);
            Assert.All(table.Labels, l => Assert.DoesNotContain("_", l, StringComparison.Ordinal));
            Assert.All(table.Labels, l => Assert.True(char.IsUpper(l[0]) || char.IsDigit(l[0]), l));
            Assert.Equal(table.Labels.Count, table.Labels.Distinct(StringComparer.Ordinal).Count());
            Assert.StartsWith(string.Join(",", table.Headers), table.ToCsv(), StringComparison.Ordinal);   // programs keep the names
        }
        Assert.Equal(["Case", "Surgery date", "Stay (days)", "Expected from (days)", "Expected to (days)", "Against range"], report.Table("length-of-stay").Labels);
        Assert.Equal("New column", ReportTable.Label("new_column"));
    }

    [Theory]
    [InlineData("complications")]
    [InlineData("indications")]
    [InlineData("explants")]
    [InlineData("retained")]
    public void Category_names_are_horizontal_text_on_the_left_axis(string name)
    {
        var plot = ReportCharts.Chart(report, name);
        plot.GetSvgXml(ReportCharts.Width, ReportCharts.Height);
        var names = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToList();
        Assert.Equal(report.Table(name).Rows.Select(r => name == "retained" ? r[0] + ": " : r[0]).ToList(),
            names.Select(n => name == "retained" ? n[..(n.IndexOf(':', StringComparison.Ordinal) + 2)] : n).ToList());
        Assert.Equal(0, plot.Axes.Left.TickLabelStyle.Rotation);
    }

    [Fact]
    public void Every_chart_scales_with_its_box()
    {
        foreach (var name in ServiceReport.TableNames)
        {
            var root = XDocument.Parse(ReportCharts.Svg(report, name)).Root!;
            Assert.Equal($"0 0 {ReportCharts.Width} {ReportCharts.Height}", (string?)root.Attribute("viewBox"));
        }
        var small = XDocument.Parse(ReportCharts.Svg(report, "explants", 400, 200)).Root!;
        Assert.Equal("0 0 400 200", (string?)small.Attribute("viewBox"));
    }

    [Theory]
    [InlineData("explants", "bottom")]
    [InlineData("retained", "bottom")]
    [InlineData("length-of-stay", "left")]
    [InlineData("length-of-stay", "bottom")]
    public void Charts_of_counts_tick_whole_numbers_only(string name, string axis)
    {
        // A handful of components or cases: left alone, the axis would tick 0.5, 1.0, 1.5 …
        var plot = ReportCharts.Chart(report, name);
        plot.GetSvgXml(ReportCharts.Width, ReportCharts.Height);   // lays the axes out
        var ticks = (axis == "left" ? (ScottPlot.IAxis)plot.Axes.Left : plot.Axes.Bottom).TickGenerator.Ticks.Where(t => t.IsMajor).ToList();
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position));
        Assert.All(ticks, t => Assert.DoesNotContain(".", t.Label, StringComparison.Ordinal));
    }
}
