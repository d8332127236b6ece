using System.Text;
using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;

namespace Explant.Core.Consent;

/// <summary>
/// Builds the consent text from the pinned definition version (risks, benefits, alternatives, patient
/// experience) and the patient's own plan. The text is frozen into the consent version when generated, so what
/// was signed can always be shown exactly. Sections start with "## " so pages can render headings.
/// </summary>
public static class ConsentDocument
{
    /// <summary>The line that names the case's surgeon in a generated document.</summary>
    public const string SurgeonLine = "Surgeon: ";

    /// <summary>The surgeon a generated document names, or null for a document without the line.</summary>
    public static string? NamedSurgeon(string document) =>
        (document ?? "").Split('\n').FirstOrDefault(l => l.StartsWith(SurgeonLine, StringComparison.Ordinal)) is { } line ? line[SurgeonLine.Length..].Trim() : null;

    public static string Build(SurgicalCase c, Patient patient, Construct construct, ProcedureDocument definition, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(construct);
        ArgumentNullException.ThrowIfNull(definition);
        var sb = new StringBuilder();
        void Line(string s = "") => sb.Append(s).Append('\n');
        void Heading(string s) { Line(); Line("## " + s); }
        static string Items(IEnumerable<string> items) => string.Join("\n", items.Select(i => "- " + i));

        Line($"# Consent to operation: {definition.Name}");
        Line($"Patient: {patient.DisplayName} · MRN {patient.Mrn} ({patient.Facility}) · born {patient.BirthDate:yyyy-MM-dd} · age {patient.AgeOn(today)}");
        Line($"Procedure: CPT {definition.Code}, definition version {c.ProcedureVersion} · case {c.Number} · plan revision {c.PlanRevision}");
        Line(SurgeonLine + c.Surgeon);

        Heading("What will be removed");
        var planned = construct.Components.Where(x => c.PlannedComponentIds.Contains(x.Id)).ToList();
        var kept = construct.Components.Where(x => !c.PlannedComponentIds.Contains(x.Id)).ToList();
        Line(c.RemoveAll
            ? $"All {planned.Count} components of the {Describe(construct)} construct:"
            : $"Part of the {Describe(construct)} construct (partial removal): {planned.Count} of {construct.Components.Count} components.");
        Line(Items(planned.Select(x => x.Describe())));
        if (kept.Count > 0)
        {
            Line("These stay in place:");
            Line(Items(kept.Select(x => x.Describe())));
        }
        if (construct.Span is { } span)
        {
            Line($"Levels involved: {span}.");
        }

        Heading("Why");
        Line(Items(c.Indications.Select(i => definition.Facts.Indications.FirstOrDefault(d => d.Key == i.Key)?.Text ?? i.Key)));

        Heading("Risks and complications");
        Line(Items(definition.Facts.Risks.Select(r => r.Text)));
        Heading("Benefits");
        Line(Items(definition.Facts.Benefits.Select(b => b.Text)));
        Heading("Alternatives");
        Line(Items(definition.Facts.Alternatives.Select(a => a.Text)));
        if (definition.Section(SectionHeadings.PatientExperience) is { } experience)
        {
            Heading("What you will experience");
            Line(experience.Text);
        }
        Heading("Declaration");
        Line("I have read this information, the alternatives were discussed with me, my questions were answered, and I agree to the operation described above. I can withdraw this consent at any time before the operation.");
        return sb.ToString();
    }

    private static string Describe(Construct c) =>
        string.Join(" ", new[] { c.Approach.ToString().ToLowerInvariant(), c.Manufacturer, c.SystemName }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
