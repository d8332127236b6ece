using System.Globalization;
using Explant.Core.Documents;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Explant.Core.Reports;

/// <summary>
/// The monthly service report: headline figures, then each chart (PNG from <see cref="ReportCharts"/>) with its
/// definition and table. Long per-case tables are cut at <see cref="MaxRows"/> rows; the CSV has all of them.
/// Written on PDFsharp with the embedded font (as <see cref="FlowPdf"/>), adding images and ruled tables.
/// </summary>
public static class MonthlyReportPdf
{
    public const int MaxRows = 25;
    private const double Margin = 48;

    public static (DateOnly From, DateOnly To) Month(string yyyyMm)
    {
        if (!DateOnly.TryParseExact((yyyyMm ?? "") + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            throw new Data.ValidationException(new Dictionary<string, string[]> { ["month"] = [$"'{yyyyMm}' is not a month (YYYY-MM)"] });
        }
        return (first, first.AddMonths(1).AddDays(-1));
    }

    public static byte[] Render(ServiceReport report, string hospital, DateTime generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(report);
        EmbeddedFontResolver.EnsureInstalled();
        using var document = new PdfDocument();
        var month = report.Data.From.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        document.Info.Title = $"Explant service report, {month}";
        document.Info.Creator = "Explant";
        var title = new XFont(EmbeddedFontResolver.Family, 18, XFontStyleEx.Bold);
        var heading = new XFont(EmbeddedFontResolver.Family, 13, XFontStyleEx.Bold);
        var body = new XFont(EmbeddedFontResolver.Family, 10, XFontStyleEx.Regular);
        var cell = new XFont(EmbeddedFontResolver.Family, 7.5, XFontStyleEx.Regular);
        var cellBold = new XFont(EmbeddedFontResolver.Family, 7.5, XFontStyleEx.Bold);
        var small = new XFont(EmbeddedFontResolver.Family, 8, XFontStyleEx.Regular);
        var footer = $"{hospital} — service report {month} — generated {generatedUtc:yyyy-MM-dd HH:mm} UTC";

        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0;
        double width = 0;
        void NewPage()
        {
            if (gfx is not null)
            {
                gfx.DrawString($"{footer} — page {document.PageCount}", small, XBrushes.DimGray, new XPoint(Margin, page.Height.Point - Margin / 2));
                gfx.Dispose();
            }
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            width = page.Width.Point - 2 * Margin;
            y = Margin;
        }
        void Room(double h)
        {
            if (y + h > page.Height.Point - Margin - 12)
            {
                NewPage();
            }
        }
        void Text(string text, XFont font, double after = 4)
        {
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && gfx.MeasureString(candidate, font).Width > width)
                {
                    Room(font.Height);
                    gfx.DrawString(line, font, XBrushes.Black, new XPoint(Margin, y + font.Height * 0.8));
                    y += font.Height * 1.15;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }
            if (line.Length > 0)
            {
                Room(font.Height);
                gfx.DrawString(line, font, XBrushes.Black, new XPoint(Margin, y + font.Height * 0.8));
                y += font.Height * 1.15;
            }
            y += after;
        }
        string Fit(string s, XFont font, double w)
        {
            if (gfx.MeasureString(s, font).Width <= w)
            {
                return s;
            }
            while (s.Length > 1 && gfx.MeasureString(s + "…", font).Width > w)
            {
                s = s[..^1];
            }
            return s + "…";
        }
        void Table(ReportTable t)
        {
            var colWidth = width / t.Headers.Count;
            var rowHeight = cell.Height * 1.3;
            void Row(IReadOnlyList<string> cells, XFont font)
            {
                Room(rowHeight);
                for (var i = 0; i < cells.Count; i++)
                {
                    gfx.DrawString(Fit(cells[i], font, colWidth - 3), font, XBrushes.Black, new XPoint(Margin + i * colWidth, y + font.Height * 0.85));
                }
                y += rowHeight;
                gfx.DrawLine(XPens.LightGray, Margin, y - 1, Margin + width, y - 1);
            }
            Row(t.Headers, cellBold);
            foreach (var r in t.Rows.Take(MaxRows))
            {
                Row(r, cell);
            }
            if (t.Rows.Count > MaxRows)
            {
                Text($"… {t.Rows.Count - MaxRows} more rows in {t.Name}.csv", small);
            }
            y += 6;
        }

        NewPage();
        Text($"{hospital}: service report, {month}", title, 8);
        Text(FormattableString.Invariant($"Period {report.Data.From:yyyy-MM-dd} to {report.Data.To:yyyy-MM-dd}, by date of surgery (hospital time)."), body, 6);
        foreach (var h in report.Headlines())
        {
            Text("• " + h, body, 2);
        }
        y += 8;
        foreach (var t in report.Tables)
        {
            Room(heading.Height + 230);
            Text(t.Title, heading, 2);
            Text(t.Definition, small, 4);
            using (var png = new MemoryStream(ReportCharts.Png(report, t.Name, 1000, 450)))
            using (var image = XImage.FromStream(png))
            {
                var h = width * 450 / 1000;
                Room(h);
                gfx.DrawImage(image, Margin, y, width, h);
                y += h + 6;
            }
            Table(t);
        }
        gfx.DrawString($"{footer} — page {document.PageCount}", small, XBrushes.DimGray, new XPoint(Margin, page.Height.Point - Margin / 2));
        gfx.Dispose();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }
}
