namespace Explant.Core.Outcomes;

/// <summary>
/// The place for a site's licensed ODI wording (configuration section <see cref="SectionName"/>). The product ships
/// none: the items are proprietary (Fairbank; Mapi Research Trust / ePROVIDE) and docs/clinical-rules.md §9 rules out putting
/// them in code or UI without a licence [S58]. Without text, screens show the section name and 0–5 only.
/// </summary>
public sealed class OdiLicensedTextOptions
{
    public const string SectionName = "Outcomes:Odi:LicensedText";

    /// <summary>The site's licence reference (e.g. the ePROVIDE agreement number); required once any text is loaded.</summary>
    public string? Licence { get; set; }

    /// <summary>Which questionnaire the text belongs to.</summary>
    public OdiVersion Version { get; set; } = OdiVersion.V21a;

    /// <summary>Optional text per section; a section without an entry is shown by name only.</summary>
    public Dictionary<OdiSection, OdiSectionText> Sections { get; set; } = [];

    public bool HasText(OdiSection section) => Sections.TryGetValue(section, out var t) && (t.Question is not null || t.Answers.Count > 0);

    /// <summary>Every problem with the loaded text, naming its configuration key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var allowed = Odi.Sections(Version);
        foreach (var (section, text) in Sections)
        {
            var key = $"{SectionName}:Sections:{section}";
            if (!allowed.Contains(section))
            {
                errors.Add($"{key}: not a section of ODI {Version}");
            }
            if (text.Answers.Count is not (0 or 6))
            {
                errors.Add($"{key}:Answers: an ODI section has 6 statements (scored 0–5), not {text.Answers.Count}");
            }
        }
        if (Sections.Values.Any(t => t.Question is not null || t.Answers.Count > 0) && string.IsNullOrWhiteSpace(Licence))
        {
            errors.Add($"{SectionName}:Licence: licensed ODI text is loaded without a licence reference");
        }
        return errors;
    }
}

/// <summary>A section's licensed heading and its six statements in score order (index 0 = score 0).</summary>
public sealed class OdiSectionText
{
    public string? Question { get; set; }
    public List<string> Answers { get; set; } = [];
}
