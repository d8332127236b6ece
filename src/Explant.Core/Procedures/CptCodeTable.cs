using System.Text.RegularExpressions;

namespace Explant.Core.Procedures;

public sealed record CptCode(string Code, string ShortDescriptor, string Source);

/// <summary>
/// The removal-family codes the catalog accepts, with their short descriptors (docs/clinical-rules.md §8, [S1][S3][S4]).
/// CPT® is © AMA; only the short titles are held here.
/// </summary>
public static partial class CptCodeTable
{
    public static readonly IReadOnlyList<CptCode> Codes =
    [
        new("22849", "Reinsertion of spinal fixation device", "S1"),
        new("22850", "Removal of posterior nonsegmental instrumentation", "S1"),
        new("22852", "Removal of posterior segmental instrumentation", "S4"),
        new("22855", "Removal of anterior instrumentation", "S1"),
    ];

    public static CptCode? Find(string code) => Codes.FirstOrDefault(c => c.Code == code);

    /// <summary>
    /// Resolves a code from a procedure name by its descriptor. Hyphens and case are ignored so that
    /// "non-segmental" matches "nonsegmental"; "posterior segmental" must not match "posterior nonsegmental",
    /// which whole-word comparison guarantees.
    /// </summary>
    public static CptCode? ResolveFromName(string name)
    {
        var normalised = " " + Normalise(name) + " ";
        return Codes.FirstOrDefault(c => normalised.Contains(" " + Normalise(c.ShortDescriptor) + " ", StringComparison.Ordinal));
    }

    private static string Normalise(string text) =>
        NonLetters().Replace(text.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal), " ").Trim();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonLetters();
}
