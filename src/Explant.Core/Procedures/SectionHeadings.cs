namespace Explant.Core.Procedures;

/// <summary>The section headings of the definition format (the seed document's set).</summary>
public static class SectionHeadings
{
    public const string Name = "Name of the Procedure";
    public const string CptCode = "CPT4 code";
    public const string Summary = "Summary";
    public const string Purpose = "Purpose";
    public const string Indications = "Indications";
    public const string Preparation = "Preparation";
    public const string ProcedureDescription = "Procedure Description";
    public const string Duration = "Duration";
    public const string Setting = "Setting";
    public const string Personnel = "Personnel";
    public const string Risks = "Risks and Complications";
    public const string Benefits = "Benefits";
    public const string Recovery = "Recovery";
    public const string Alternatives = "Alternatives";
    public const string PatientExperience = "Patient Experience";

    public static readonly IReadOnlyList<string> All =
    [
        Name, CptCode, Summary, Purpose, Indications, Preparation, ProcedureDescription, Duration,
        Setting, Personnel, Risks, Benefits, Recovery, Alternatives, PatientExperience,
    ];

    /// <summary>Without these a definition cannot drive a pathway (consent needs risks, the record needs steps).</summary>
    public static readonly IReadOnlyList<string> Required = [Name, Indications, ProcedureDescription, Risks, Recovery];

    /// <summary>Matches a known heading case-insensitively; returns its canonical spelling.</summary>
    public static string? Match(string candidate)
    {
        var trimmed = candidate.Trim().TrimEnd(':').TrimEnd();
        return All.FirstOrDefault(h => string.Equals(h, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
