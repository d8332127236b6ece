namespace Explant.Core.Procedures;

/// <summary>The definition documents shipped in procedures/, embedded in this assembly.</summary>
public static class ShippedProcedures
{
    public sealed record Shipped(string FileName, string Text);

    public static IReadOnlyList<Shipped> All()
    {
        var assembly = typeof(ShippedProcedures).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("procedures/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: false);
                return new Shipped(n["procedures/".Length..], reader.ReadToEnd());
            })];
    }
}
