using Explant.Core.Implants;

namespace Explant.Core.Coding;

/// <summary>New hardware placed in the same session: an insertion code (22840–22848) and the levels it spans.</summary>
public sealed record NewInstrumentation(string Code, LevelRange Levels);

/// <summary>
/// What the surgeon did, as far as CPT and ICD-10-CM care (docs/clinical-rules.md §8). <paramref name="Segmental"/> is ignored for an
/// anterior construct (rule 1: anterior is always 22855).
/// </summary>
public sealed record CodingRequest(
    Approach Approach,
    bool Segmental,
    LevelRange Levels,
    bool RemovedAll,
    bool ReinsertedSameLevels,
    NewInstrumentation? NewInstrumentation,
    IReadOnlyList<string> Indications);

/// <summary>One CPT line. One unit per session (rule 9 [S7]), so no unit count.</summary>
public sealed record CptLine(string Code, IReadOnlyList<string> Modifiers);

/// <summary>An ICD-10-CM suggestion for coder review (rule 12 ⚠), with the indication it came from and its source.</summary>
public sealed record IcdLine(string Code, string Title, string Indication, string Source);

/// <summary>
/// A rule that shaped the answer ("rule 2", "R5", "modifier 52": the rules of docs/clinical-rules.md §8), what it decided
/// and the sources behind it.
/// </summary>
public sealed record AppliedRule(string Rule, string Outcome, IReadOnlyList<string> Sources);

/// <summary>
/// The suggestion: CPT lines, ICD-10-CM suggestions, warnings for the coder, and the source ids of every fact used.
/// <see cref="GlobalPeriod"/> is the loaded global period of the removal or reinsertion code (rule 7 ⚠), or null.
/// </summary>
public sealed record CodingResult(
    IReadOnlyList<CptLine> Cpt,
    IReadOnlyList<IcdLine> Icd10,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Sources,
    string? GlobalPeriod,
    IReadOnlyList<AppliedRule> Rules);
