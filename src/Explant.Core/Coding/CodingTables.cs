namespace Explant.Core.Coding;

/// <summary>A CPT code the coding engine can report, our own short paraphrase, its source, and for insertion codes the vertebral-segment range.</summary>
public sealed record CodingCpt(string Code, string Title, string Source, int? MinSegments = null, int? MaxSegments = null, bool Verified = true);

/// <summary>
/// CPT codes of docs/clinical-rules.md §8. Titles are our short paraphrases (CPT® is © AMA). Segment ranges come from the
/// descriptors; those marked ⚠ there are advisory only (a mismatch warns, never refuses).
/// </summary>
public static class CodingTables
{
    public const string Reinsertion = "22849";
    public const string RemovalPosteriorNonSegmental = "22850";
    public const string RemovalPosteriorSegmental = "22852";
    public const string RemovalAnterior = "22855";

    public static readonly IReadOnlyList<CodingCpt> Removal =
    [
        new(Reinsertion, "Reinsertion of spinal fixation device", "S1"),
        new(RemovalPosteriorNonSegmental, "Removal of posterior nonsegmental instrumentation", "S1"),
        new(RemovalPosteriorSegmental, "Removal of posterior segmental instrumentation", "S4"),
        new(RemovalAnterior, "Removal of anterior instrumentation", "S1"),
    ];

    /// <summary>Insertion add-on codes 22840–22848 (R2 [S1][S2]).</summary>
    public static readonly IReadOnlyList<CodingCpt> Insertion =
    [
        new("22840", "Posterior non-segmental instrumentation (add-on)", "S4"),
        // 22841 lies inside the R2 range but docs/clinical-rules.md §8 does not describe it: accepted, flagged for the coder.
        new("22841", "Spinal instrumentation code not described in the clinical rules (docs/clinical-rules.md §8)", "S1", Verified: false),
        new("22842", "Posterior segmental instrumentation, 3 to 6 vertebral segments (add-on)", "S4", 3, 6),
        new("22843", "Posterior segmental instrumentation, 7 to 12 vertebral segments (add-on)", "S3", 7, 12, Verified: false),
        new("22844", "Posterior segmental instrumentation, 13 or more vertebral segments (add-on)", "S3", 13, null, Verified: false),
        new("22845", "Anterior instrumentation, 2 to 3 vertebral segments (add-on)", "S4", 2, 3, Verified: false),
        new("22846", "Anterior instrumentation, 4 to 7 vertebral segments (add-on)", "S4", 4, 7, Verified: false),
        new("22847", "Anterior instrumentation, 8 or more vertebral segments (add-on)", "S4", 8, null, Verified: false),
        new("22848", "Pelvic fixation other than sacrum (add-on)", "S4", Verified: false),
    ];

    public static bool IsInsertion(string code) => Insertion.Any(c => c.Code == code);

    public static bool IsRemoval(string code) => code is RemovalPosteriorNonSegmental or RemovalPosteriorSegmental or RemovalAnterior;

    public static CodingCpt? Find(string code) => Removal.Concat(Insertion).FirstOrDefault(c => c.Code == code);
}
