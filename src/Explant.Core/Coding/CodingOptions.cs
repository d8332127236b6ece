namespace Explant.Core.Coding;

/// <summary>
/// Payer- and year-dependent coding facts (the ⚠ items of docs/clinical-rules.md §8), bound from the "Coding" configuration
/// section. Defaults are the values the source list (docs/clinical-rules.md) gives; nothing here is invented (no RVUs ship).
/// </summary>
public sealed record CodingOptions
{
    /// <summary>The X-modifiers CMS offers as alternatives to 59 (docs/clinical-rules.md §8 "59 / XS").</summary>
    public static readonly IReadOnlySet<string> DistinctProcedureModifiers = new HashSet<string>(StringComparer.Ordinal) { "59", "XE", "XP", "XS", "XU" };

    /// <summary>Rule 4 / R4 [S2]: 59 or an X-modifier (XS: separate structure) on the lower-valued code ⚠ payer preference.</summary>
    public string DistinctProcedureModifier { get; init; } = "59";

    /// <summary>Modifier 52 (reduced service) for a partial removal: "rare ⚠" [S5], so off unless the payer wants it.</summary>
    public bool ReducedServicesModifierForPartialRemoval { get; init; }

    /// <summary>
    /// Rule 10 ⚠: relative values by CPT code, loaded yearly from the CMS physician fee schedule. Empty by default: the
    /// only figure the sources give (≈ 20.72 for 22852, [S8] in docs/clinical-rules.md) is third-party and unverified, so none ships. With both codes of
    /// an R4 pair present, the engine places the 59/X-modifier itself; otherwise it asks the coder to.
    /// </summary>
    public Dictionary<string, decimal> RelativeValues { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Rule 7 ⚠ annual check: global periods by CPT code. 22852 = 090 [S3][S8]; the others are not in the source list (docs/clinical-rules.md).</summary>
    public Dictionary<string, string> GlobalPeriods { get; init; } = new(StringComparer.Ordinal) { ["22852"] = "090" };

    /// <summary>
    /// Rule 13: Z47.2 Excludes1 covers T84.6- (always dropped); extending it to T84.2- is coder practice ⚠, so by default
    /// Z47.2 stays next to a T84.2- code with a warning, and is dropped only when this is true.
    /// </summary>
    public bool DropZ472WithVertebralMechanicalComplication { get; init; }

    /// <summary>Problems with the configured values, each naming its key ("Coding:DistinctProcedureModifier").</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!DistinctProcedureModifiers.Contains(DistinctProcedureModifier ?? ""))
        {
            // Rule 9 [S7]: LT/RT/50 are never valid on these midline codes, so they cannot be configured here either.
            errors.Add($"Coding:DistinctProcedureModifier: '{DistinctProcedureModifier}' must be one of {string.Join(", ", DistinctProcedureModifiers)}");
        }
        if (RelativeValues is null)
        {
            errors.Add("Coding:RelativeValues: must be a map of CPT code to relative value (empty when none are loaded)");
        }
        if (GlobalPeriods is null)
        {
            errors.Add("Coding:GlobalPeriods: must be a map of CPT code to global-period indicator");
        }
        foreach (var code in (RelativeValues?.Keys ?? Enumerable.Empty<string>()).Select(k => ("RelativeValues", k))
            .Concat((GlobalPeriods?.Keys ?? Enumerable.Empty<string>()).Select(k => ("GlobalPeriods", k))))
        {
            // A key that is not a five-digit CPT code would never match a suggested line: the setting would silently do nothing.
            if (code.k.Length != 5 || !code.k.All(char.IsAsciiDigit))
            {
                errors.Add($"Coding:{code.Item1}:{code.k}: '{code.k}' is not a CPT code (five digits, e.g. 22852)");
            }
        }
        foreach (var (code, value) in RelativeValues ?? [])
        {
            if (value <= 0)
            {
                errors.Add($"Coding:RelativeValues:{code}: {value} must be positive");
            }
        }
        foreach (var (code, period) in GlobalPeriods ?? [])
        {
            if (period is not ("000" or "010" or "090" or "XXX" or "YYY" or "ZZZ" or "MMM"))
            {
                errors.Add($"Coding:GlobalPeriods:{code}: '{period}' is not a global-period indicator (000, 010, 090, XXX, YYY, ZZZ, MMM)");
            }
        }
        return errors;
    }
}
