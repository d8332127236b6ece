using UglyToad.PdfPig;

namespace Explant.Web.Tests.Infrastructure;

internal static class PdfText
{
    /// <summary>All words of all pages, single-spaced, as a reader would copy them.</summary>
    public static string Extract(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }
}
