namespace Explant.Core.Outcomes;

/// <summary>
/// ODI sections by name only (docs/clinical-rules.md §9 [S58]). The item wording is licensed (Fairbank; Mapi/ePROVIDE):
/// it never lives in code. A site with a licence loads it as configuration (<see cref="OdiLicensedTextOptions"/>).
/// Values start at 1 so an unset section is never mistaken for "pain intensity".
/// </summary>
public enum OdiSection
{
    PainIntensity = 1,
    PersonalCare,
    Lifting,
    Walking,
    Sitting,
    Standing,
    Sleeping,
    /// <summary>v2.1a section 8, answered "if applicable" [S58].</summary>
    SexLife,
    SocialLife,
    Travelling,
    /// <summary>The "modified" ODI puts employment/homemaking in place of sex life ⚠ [S58].</summary>
    EmploymentHomemaking,
}

/// <summary>Which questionnaire was used; stored with every response because section 8 differs (docs/clinical-rules.md §9) ⚠.</summary>
public enum OdiVersion
{
    V21a = 1,
    Modified,
}

/// <summary>Disability bands of docs/clinical-rules.md §9 [S58].</summary>
public enum OdiBand
{
    Minimal = 1,
    Moderate,
    Severe,
    Crippled,
    BedBoundOrExaggerating,
}

/// <summary>
/// ODI scoring settings (configuration section <see cref="SectionName"/>).
/// </summary>
public sealed record OdiScoringOptions
{
    public const string SectionName = "Outcomes:Odi";

    /// <summary>
    /// Fewest answered sections for which a score is reported. docs/clinical-rules.md §9: no published threshold ⚠,
    /// so 8 of 10 is a configurable suggested default, not a published rule [S58].
    /// </summary>
    public int MinimumAnsweredSections { get; init; } = 8;

    public IReadOnlyList<string> Validate() =>
        MinimumAnsweredSections is < 1 or > Odi.SectionCount
            ? [$"{SectionName}:MinimumAnsweredSections must be 1–{Odi.SectionCount}, not {MinimumAnsweredSections}"]
            : [];
}

/// <summary>
/// One completed ODI: ten positions, each 0–5 or unanswered (null). Section 8 of v2.1a is "if applicable", so an
/// unanswered section is a normal state, not an error [S58].
/// </summary>
public sealed class OdiAnswers
{
    private readonly int?[] _answers;

    public OdiAnswers(IReadOnlyList<int?> answers, OdiVersion version = OdiVersion.V21a)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count != Odi.SectionCount)
        {
            throw new ArgumentException($"an ODI has {Odi.SectionCount} sections, not {answers.Count}", nameof(answers));
        }
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i] is < 0 or > 5)
            {
                throw new ArgumentOutOfRangeException(nameof(answers), $"answer {i + 1}: {answers[i]} is not 0–5");
            }
        }
        if (!Enum.IsDefined(version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), $"{version} is not an ODI version");
        }
        _answers = [.. answers];
        Version = version;
    }

    public OdiVersion Version { get; }

    /// <summary>Position 1–10 → 0–5 or null when the section was not answered.</summary>
    public IReadOnlyList<int?> Answers => _answers;

    public int Answered => _answers.Count(a => a is not null);

    public int Sum => _answers.Sum(a => a ?? 0);

    /// <summary>
    /// Reads "a1,…,a10": exactly ten comma-separated positions, each a single digit 0–5 or "-" (unanswered).
    /// Anything else ("7", "+3", "03", "", "x") is refused and every bad position is named, 1-based.
    /// </summary>
    public static bool TryParse(string? text, out OdiAnswers? answers, out IReadOnlyList<string> errors, OdiVersion version = OdiVersion.V21a)
    {
        answers = null;
        var parts = (text ?? "").Split(',');
        if (parts.Length != Odi.SectionCount)
        {
            errors = [$"expected {Odi.SectionCount} answers (each 0–5 or '-') separated by commas, got {parts.Length}"];
            return false;
        }
        var values = new int?[Odi.SectionCount];
        var problems = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i].Trim();
            if (p == "-")
            {
                values[i] = null;
            }
            else if (p.Length == 1 && p[0] is >= '0' and <= '5')
            {
                values[i] = p[0] - '0';
            }
            else
            {
                problems.Add($"answer {i + 1}: '{parts[i]}' is not 0–5 or '-'");
            }
        }
        errors = problems;
        if (problems.Count > 0)
        {
            return false;
        }
        answers = new OdiAnswers(values, version);
        return true;
    }
}

/// <summary>A reported ODI: percentage with one decimal, the number of sections it rests on, and its band.</summary>
public sealed record OdiScore(decimal Percent, int Answered, int Sum, OdiBand Band)
{
    public string BandLabel => Odi.BandLabel(Band);

    /// <summary>Source id of the scoring rule (rule 38; docs/clinical-rules.md §9).</summary>
    public string Source => "S58";
}

/// <summary>Either a score or the reason none is reported (too few sections answered).</summary>
public sealed record OdiScoringResult(OdiScore? Score, string? NotScoredReason)
{
    public bool IsScored => Score is not null;
}

/// <summary>
/// Oswestry Disability Index v2.1a scoring, rule 38 (docs/clinical-rules.md §9, [S58]).
/// </summary>
public static class Odi
{
    public const int SectionCount = 10;

    private static readonly OdiSection[] V21aSections =
    [
        OdiSection.PainIntensity, OdiSection.PersonalCare, OdiSection.Lifting, OdiSection.Walking, OdiSection.Sitting,
        OdiSection.Standing, OdiSection.Sleeping, OdiSection.SexLife, OdiSection.SocialLife, OdiSection.Travelling,
    ];

    private static readonly OdiSection[] ModifiedSections =
    [
        OdiSection.PainIntensity, OdiSection.PersonalCare, OdiSection.Lifting, OdiSection.Walking, OdiSection.Sitting,
        OdiSection.Standing, OdiSection.Sleeping, OdiSection.EmploymentHomemaking, OdiSection.SocialLife, OdiSection.Travelling,
    ];

    /// <summary>The ten sections in questionnaire order for a version (position 1 = index 0).</summary>
    public static IReadOnlyList<OdiSection> Sections(OdiVersion version) => version switch
    {
        OdiVersion.V21a => V21aSections,
        OdiVersion.Modified => ModifiedSections,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown ODI version"),
    };

    /// <summary>Section names of ODI v2.1a [S58] — names, never the licensed item text.</summary>
    public static string SectionName(OdiSection section) => section switch
    {
        OdiSection.PainIntensity => "Pain intensity",
        OdiSection.PersonalCare => "Personal care",
        OdiSection.Lifting => "Lifting",
        OdiSection.Walking => "Walking",
        OdiSection.Sitting => "Sitting",
        OdiSection.Standing => "Standing",
        OdiSection.Sleeping => "Sleeping",
        OdiSection.SexLife => "Sex life (if applicable)",
        OdiSection.SocialLife => "Social life",
        OdiSection.Travelling => "Travelling",
        OdiSection.EmploymentHomemaking => "Employment/homemaking",
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, "unknown ODI section"),
    };

    /// <summary>
    /// Score = sum / (5 × sections answered) × 100; each missing section lowers the denominator by 5 [S58].
    /// Reported to one decimal, <see cref="MidpointRounding.AwayFromZero"/> (<see cref="OutcomeMath.OneDecimal"/>).
    /// Fewer than <see cref="OdiScoringOptions.MinimumAnsweredSections"/> answered → no score, with the reason.
    /// </summary>
    public static OdiScoringResult Score(OdiAnswers answers, OdiScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(options);
        var bad = options.Validate();
        if (bad.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", bad), nameof(options));
        }
        var answered = answers.Answered;
        if (answered < options.MinimumAnsweredSections)
        {
            return new(null,
                $"ODI not scored: {answered} of {SectionCount} sections answered, at least {options.MinimumAnsweredSections} needed " +
                $"({OdiScoringOptions.SectionName}:MinimumAnsweredSections; docs/clinical-rules.md §9 ⚠ no authoritative threshold) [S58]");
        }
        // Exact in decimal: sum × 100 / (5 × answered) = 20 × sum / answered.
        var percent = OutcomeMath.OneDecimal(20m * answers.Sum / answered);
        return new(new OdiScore(percent, answered, answers.Sum, BandOf(percent)), null);
    }

    /// <summary>
    /// Bands [S58]: 0–20 minimal, 21–40 moderate, 41–60 severe, 61–80 crippled, 81–100 bed-bound or exaggerating.
    /// The bands are written as integer ranges; a one-decimal score is banded by upper-inclusive limits (≤ 20, ≤ 40, ≤ 60,
    /// ≤ 80, above). With at most 10 sections a score strictly between 20 and 21 (or 40 and 41, …) cannot occur
    /// (steps are 20/answered ≥ 2 points), so this reading agrees with every other one on real scores.
    /// </summary>
    public static OdiBand BandOf(decimal percent)
    {
        if (percent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "an ODI score is 0–100");
        }
        return percent switch
        {
            <= 20 => OdiBand.Minimal,
            <= 40 => OdiBand.Moderate,
            <= 60 => OdiBand.Severe,
            <= 80 => OdiBand.Crippled,
            _ => OdiBand.BedBoundOrExaggerating,
        };
    }

    /// <summary>Band words as docs/clinical-rules.md §9 gives them (also the CLI's JSON "band" value).</summary>
    public static string BandLabel(OdiBand band) => band switch
    {
        OdiBand.Minimal => "minimal",
        OdiBand.Moderate => "moderate",
        OdiBand.Severe => "severe",
        OdiBand.Crippled => "crippled",
        OdiBand.BedBoundOrExaggerating => "bed-bound or exaggerating",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, "unknown ODI band"),
    };
}

/// <summary>The one rounding rule of the outcome scores.</summary>
public static class OutcomeMath
{
    /// <summary>One decimal, halves away from zero (35.45 → 35.5, 35.55 → 35.6), not banker's rounding.</summary>
    public static decimal OneDecimal(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
