using ScottPlot;

namespace Explant.Core.Reports;

/// <summary>
/// The dashboard charts, drawn with ScottPlot 5: SVG for the page (<see cref="Svg"/>), PNG for the PDF
/// (<see cref="Png"/>). Each chart sits beside its table, which holds the exact figures.
/// </summary>
public static class ReportCharts
{
    public const int Width = 720;
    public const int Height = 360;

    /// <summary>
    /// The chart as SVG that scales with its box: a viewBox is added (ScottPlot writes only width and height), so on a
    /// phone the page's <c>svg { max-width: 100% }</c> shrinks the whole drawing instead of cutting its right side off.
    /// </summary>
    public static string Svg(ServiceReport report, string name, int width = Width, int height = Height)
    {
        var svg = Chart(report, name).GetSvgXml(width, height);
        var tagEnd = svg.IndexOf('>', svg.IndexOf("<svg", StringComparison.Ordinal));
        return svg[..tagEnd].Contains("viewBox", StringComparison.Ordinal)
            ? svg
            : svg[..tagEnd] + FormattableString.Invariant($" viewBox=\"0 0 {width} {height}\"") + svg[tagEnd..];
    }

    public static byte[] Png(ServiceReport report, string name, int width = Width, int height = Height) => Chart(report, name).GetImageBytes(width, height, ImageFormat.Png);

    public static Plot Chart(ServiceReport report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new Plot();
        switch (name)
        {
            case "utilisation": Utilisation(plot, report.Utilisation); break;
            case "durations": Durations(plot, report.Durations); break;
            case "length-of-stay": Stay(plot, report.Stay); break;
            case "complications": Rates(plot, report.Complications.Select(c => (c.Key, c.Rate)).ToList(), "Complication rate by type (95 % Wilson CI)", "% of operated cases"); break;
            case "proms": Proms(plot, report.Proms); break;
            case "indications": Rates(plot, report.Indications.Select(s => (s.Key, s.Share)).ToList(), "Indications mix (95 % Wilson CI)", "% of operated cases"); break;
            case "explants": Counts(plot, report.Explants.Outcomes.Select(o => (o.Outcome, o.Lines)).ToList(), "Explant reconciliation outcomes", "components"); break;
            case "retained": Counts(plot, report.Explants.Retained.Select(r => ($"{r.Outcome}: {Short(r.Reason)}", r.Lines)).ToList(), "Components retained and why", "components"); break;
            default: throw new Data.NotFoundException($"chart '{name}'");
        }
        return plot;
    }

    private static string Short(string s) => s.Length <= 28 ? s : s[..27] + "…";

    private static void Utilisation(Plot plot, Utilisation u)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var room in u.Days.GroupBy(d => d.RoomId, StringComparer.Ordinal))
        {
            var days = room.Where(d => d.ActualShare is not null).ToList();
            var s = plot.Add.ScatterPoints(days.Select(d => d.Date.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray(), days.Select(d => d.ActualShare!.Value * 100).ToArray());
            s.Color = palette.GetColor(i++);
            s.MarkerSize = 5;
            s.LegendText = room.Key;
        }
        plot.Add.HorizontalLine(100, 1, Colors.Gray, LinePattern.Dashed);
        plot.Axes.DateTimeTicksBottom();
        plot.Title("Theatre utilisation per room-day (actual in-room ÷ open minutes)");
        plot.YLabel("% of open minutes");
        plot.ShowLegend(Alignment.LowerRight);
    }

    private static void Durations(Plot plot, Durations d)
    {
        var s = plot.Add.ScatterPoints(d.Rows.Select(r => (double)r.BookedMinutes).ToArray(), d.Rows.Select(r => (double)r.InRoomMinutes).ToArray());
        s.MarkerSize = 5;
        s.LegendText = "cases";
        if (d.Rows.Count > 0)
        {
            var max = d.Rows.Max(r => Math.Max(r.BookedMinutes, r.InRoomMinutes)) * 1.05;
            var line = plot.Add.Line(0, 0, max, max);
            line.LineColor = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "actual = booked";
        }
        plot.Title("Estimated (booked) vs actual in-room minutes");
        plot.XLabel("booked minutes");
        plot.YLabel("actual in-room minutes");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void Stay(Plot plot, LengthOfStay stay)
    {
        var bars = plot.Add.Bars(stay.Histogram.Select(h => (double)h.Days).ToArray(), stay.Histogram.Select(h => (double)h.Cases).ToArray());
        bars.LegendText = "discharged cases";
        // The most common expected range, drawn as its edges.
        var range = stay.Rows.Where(r => r.ExpectedMinDays is not null && r.ExpectedMaxDays is not null)
            .GroupBy(r => (r.ExpectedMinDays!.Value, r.ExpectedMaxDays!.Value)).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
        if (range is { } r)
        {
            var lo = plot.Add.VerticalLine(r.Item1 - 0.5, 1, Colors.Green, LinePattern.Dashed);
            lo.LegendText = $"expected {r.Item1}–{r.Item2} days";
            plot.Add.VerticalLine(r.Item2 + 0.5, 1, Colors.Green, LinePattern.Dashed);
        }
        plot.Axes.Margins(bottom: 0);
        IntegerTicks(plot.Axes.Left);
        IntegerTicks(plot.Axes.Bottom);
        plot.Title("Length of stay against the definition's range");
        plot.XLabel("days in hospital");
        plot.YLabel("cases");
        plot.ShowLegend(Alignment.UpperRight);
    }

    // Categories are drawn as horizontal bars: their names sit on the left axis in plain horizontal text, which the
    // layout measures, so a long name ("retained: fused solid, left in situ") is never cut off; rotated labels under
    // vertical bars were (the layout does not measure rotated text).
    private static void Rates(Plot plot, IReadOnlyList<(string Label, Proportion Rate)> rows, string title, string xLabel)
    {
        var positions = Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray();
        plot.Add.Bars(positions, rows.Select(r => r.Rate.Rate * 100).ToArray()).Horizontal = true;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Rate.Total == 0)
            {
                continue;
            }
            var ci = plot.Add.Line(rows[i].Rate.Lower * 100, i, rows[i].Rate.Upper * 100, i);
            ci.LineColor = Colors.Black;
            ci.LineWidth = 2;
            ci.MarkerSize = 0;
        }
        Categories(plot, rows.Select(r => r.Label).ToArray());
        plot.Title(title);
        plot.XLabel(xLabel);
    }

    private static void Counts(Plot plot, IReadOnlyList<(string Label, int Count)> rows, string title, string xLabel)
    {
        plot.Add.Bars(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), rows.Select(r => (double)r.Count).ToArray()).Horizontal = true;
        Categories(plot, rows.Select(r => r.Label).ToArray());
        IntegerTicks(plot.Axes.Bottom);
        plot.Title(title);
        plot.XLabel(xLabel);
    }

    /// <summary>Counts (cases, components, days) get whole-number ticks: "2.5 cases" is not a thing.</summary>
    private static void IntegerTicks(ScottPlot.IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    /// <summary>One category per bar, top to bottom in the table's order, named on the left axis.</summary>
    private static void Categories(Plot plot, string[] labels)
    {
        plot.Axes.Left.SetTicks(Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), labels);
        plot.Axes.Margins(left: 0);
        plot.Axes.SetLimitsY(Math.Max(labels.Length, 1) - 0.25, -0.75);   // inverted: the first row on top
    }

    private static void Proms(Plot plot, IReadOnlyList<PromPoint> points)
    {
        var odi = points.Select((p, i) => (i, p)).Where(x => x.p.Odi.Median is not null).ToList();
        var median = plot.Add.Scatter(odi.Select(x => (double)x.i).ToArray(), odi.Select(x => x.p.Odi.Median!.Value).ToArray());
        median.LegendText = "ODI median";
        median.MarkerSize = 7;
        foreach (var (i, p) in odi)
        {
            var iqr = plot.Add.Line(i, p.Odi.Q1!.Value, i, p.Odi.Q3!.Value);
            iqr.LineColor = median.Color;
            iqr.LineWidth = 6;
            iqr.MarkerSize = 0;
        }
        var mcid = points.Select((p, i) => (i, p)).Where(x => x.p.OdiMcid.Total > 0).ToList();
        if (mcid.Count > 0)
        {
            var share = plot.Add.Scatter(mcid.Select(x => (double)x.i).ToArray(), mcid.Select(x => x.p.OdiMcid.Rate * 100).ToArray());
            share.LegendText = "% reaching ODI MCID";
            share.LinePattern = LinePattern.Dashed;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray(), points.Select(p => p.TimePoint).ToArray());
        plot.Axes.SetLimitsY(0, 100);
        plot.Axes.SetLimitsX(-0.5, Math.Max(points.Count, 1) - 0.5);
        plot.Title("ODI by time point: median and IQR; share reaching the MCID");
        plot.YLabel("ODI (%) / % of patients");
        plot.ShowLegend(Alignment.UpperRight);
    }
}
