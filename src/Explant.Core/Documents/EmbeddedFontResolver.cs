using PdfSharp.Fonts;

namespace Explant.Core.Documents;

/// <summary>
/// PDFsharp on Linux has no system font lookup; every PDF we make uses the DejaVu Sans faces embedded in this
/// assembly (licence: Documents/Fonts/LICENSE-DejaVu.txt), so output is identical on every machine.
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";
    private static readonly Lock Gate = new();
    private static bool installed;

    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (!installed)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
                installed = true;
            }
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular);

    public byte[] GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream($"fonts/{faceName}.ttf")
            ?? throw new InvalidOperationException($"font {faceName} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
