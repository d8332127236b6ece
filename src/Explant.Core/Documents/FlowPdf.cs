using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Explant.Core.Documents;

/// <summary>
/// A minimal flowing-text PDF writer (title, headings, paragraphs, bullets, page breaks) on PDFsharp.
/// Text is drawn as real text with an embedded font, so it can be searched, copied and read by screen readers.
/// </summary>
public sealed class FlowPdf : IDisposable
{
    private const double Margin = 56; // ≈ 2 cm
    private readonly PdfDocument document = new();
    private readonly XFont titleFont, headingFont, bodyFont, smallFont;
    private readonly string footer;
    private PdfPage? page;
    private XGraphics? gfx;
    private double y;

    public FlowPdf(string documentTitle, string footer)
    {
        EmbeddedFontResolver.EnsureInstalled();
        document.Info.Title = documentTitle;
        document.Info.Creator = "Explant";
        this.footer = footer;
        titleFont = new XFont(EmbeddedFontResolver.Family, 18, XFontStyleEx.Bold);
        headingFont = new XFont(EmbeddedFontResolver.Family, 13, XFontStyleEx.Bold);
        bodyFont = new XFont(EmbeddedFontResolver.Family, 11, XFontStyleEx.Regular);
        smallFont = new XFont(EmbeddedFontResolver.Family, 8, XFontStyleEx.Regular);
        NewPage();
    }

    private double Width => page!.Width.Point - 2 * Margin;
    private double Bottom => page!.Height.Point - Margin - 20;

    public void Title(string text) => Write(text, titleFont, indent: 0, spacingAfter: 12);

    public void Heading(string text)
    {
        // Keep a heading with at least two lines of what follows.
        if (y + headingFont.Height + 2 * bodyFont.Height > Bottom)
        {
            NewPage();
        }
        y += 6;
        Write(text, headingFont, indent: 0, spacingAfter: 4);
    }

    public void Paragraph(string text) => Write(text, bodyFont, indent: 0, spacingAfter: 6);

    public void Bullet(string text)
    {
        EnsureRoom(bodyFont.Height);
        gfx!.DrawString("\u2022", bodyFont, XBrushes.Black, new XPoint(Margin + 6, y + bodyFont.Height * 0.8));
        Write(text, bodyFont, indent: 20, spacingAfter: 3);
    }

    public byte[] ToBytes()
    {
        DrawFooter();
        gfx?.Dispose();
        gfx = null;
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private void Write(string text, XFont font, double indent, double spacingAfter)
    {
        foreach (var line in Wrap(text, font, Width - indent))
        {
            EnsureRoom(font.Height);
            gfx!.DrawString(line, font, XBrushes.Black, new XPoint(Margin + indent, y + font.Height * 0.8));
            y += font.Height * 1.15;
        }
        y += spacingAfter;
    }

    private IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var line = "";
        foreach (var word in words)
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx!.MeasureString(candidate, font).Width > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = candidate;
            }
        }
        if (line.Length > 0)
        {
            yield return line;
        }
    }

    private void EnsureRoom(double height)
    {
        if (y + height > Bottom)
        {
            NewPage();
        }
    }

    private void NewPage()
    {
        if (gfx is not null)
        {
            DrawFooter();
            gfx.Dispose();
        }
        page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(page);
        y = Margin;
    }

    private void DrawFooter()
    {
        var text = $"{footer}  \u2014  page {document.PageCount}";
        gfx!.DrawString(text, smallFont, XBrushes.DimGray, new XPoint(Margin, page!.Height.Point - Margin + 10));
    }

    public void Dispose()
    {
        gfx?.Dispose();
        document.Dispose();
    }
}
