using Explant.Core.Procedures;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>PlanDefinition: every stored version of a procedure definition, its steps (Procedure Description) as actions.</summary>
internal static class PlanDefinitionMap
{
    public static FhirType Type { get; } = new("PlanDefinition", All,
    [
        new TokenParam<PlanDefinition>("status", "active (the newest version of a code) | retired", p => Tokens.Code(p.Status)),
        new TokenParam<PlanDefinition>("version", "The definition version", p => p.Version is null ? [] : [new Token(null, p.Version)]),
        new TokenParam<PlanDefinition>("topic", "The CPT code of the procedure", p => Tokens.Of(p.Topic)),
    ]);

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var definitions = await data.Definitions();
        var newest = definitions.GroupBy(d => d.Code).ToDictionary(g => g.Key, g => g.Max(d => d.Version));
        var list = new List<Resource>();
        foreach (var d in definitions)
        {
            var steps = d.Parse().Section(SectionHeadings.ProcedureDescription)?.AllLines.Select(l => l.Text).ToList() ?? [];
            list.Add(new PlanDefinition
            {
                Id = d.Id.ToString(),
                // Versions are immutable: the version number is the resource version too.
                Meta = new Meta { VersionId = d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), LastUpdated = data.Utc(d.ImportedAtUtc) },
                Url = $"{data.BaseUrl}/PlanDefinition/cpt-{d.Code}",
                Identifier = [new Identifier("urn:explant:procedure-definition", $"{d.Code}-v{d.Version}")],
                Version = d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Name = $"Cpt{d.Code}",
                Title = d.Name,
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/plan-definition-type", "clinical-protocol", "Clinical Protocol"),
                Status = d.Version == newest[d.Code] ? PublicationStatus.Active : PublicationStatus.Retired,
                Date = FhirDates.Instant(d.ImportedAtUtc),
                Topic = [new CodeableConcept(FhirRefs.Cpt, d.Code)],
                Action = [.. steps.Select((s, i) => new PlanDefinition.ActionComponent { Prefix = $"{i + 1}.", Title = s })],
            });
        }
        return list;
    }
}
