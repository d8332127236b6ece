using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Code systems and references shared by the mappings. Code systems from docs/clinical-rules.md §14 ([S55]).</summary>
internal static class FhirRefs
{
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Snomed = "http://snomed.info/sct";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Gs1Issuer = "http://hl7.org/fhir/NamingSystem/gs1-di";
    public const string V2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";

    /// <summary>Explant's own identifier and code namespaces: local names, not clinical terminologies.</summary>
    public const string MrnSystemPrefix = "urn:explant:mrn:";
    public const string CaseNumberSystem = "urn:explant:case";
    public const string StaffSystem = "urn:explant:staff";
    public const string LabCodes = "urn:explant:lab";
    public const string PromCodes = "urn:explant:prom";

    public static ResourceReference Patient(Guid id, string? display = null) => new($"Patient/{id}", display);

    public static ResourceReference Device(Guid componentId) => new($"Device/{componentId}");

    public static ResourceReference Location(string roomId, string? display = null) => new($"Location/{roomId}", display);

    /// <summary>
    /// Surgeons are named by their account (an e-mail address, not a legal FHIR id), theatre staff by a short code: the id is
    /// a stable hash of the lower-cased name, so the same person has one Practitioner whichever record names them.
    /// </summary>
    public static string PractitionerId(string name) =>
        "pr-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name.Trim().ToLowerInvariant())))[..24];

    public static ResourceReference Practitioner(string name) => new($"Practitioner/{PractitionerId(name)}", name);

    public static string MrnSystem(string facility) => MrnSystemPrefix + Uri.EscapeDataString(facility);

    /// <summary>Removal (action), SNOMED CT 129303008 — docs/clinical-rules.md §14, device-action value set [S53].</summary>
    public static CodeableConcept RemovalAction => new(Snomed, "129303008", "Removal - action");

    /// <summary>The text of a definition version's ICD-10-CM candidate, when the code is one listed in docs/clinical-rules.md §3 and §8.</summary>
    public static string? IcdTitle(string code) =>
        Explant.Core.Cases.IndicationCodes.All.SelectMany(i => i.Candidates).FirstOrDefault(c => c.Code == code)?.Title;
}
