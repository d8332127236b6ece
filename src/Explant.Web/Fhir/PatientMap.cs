using Explant.Core.Patients;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Patient: the MRN of its facility (identifier type MR), name, gender and date of birth.</summary>
internal static class PatientMap
{
    public static FhirType Type { get; } = new("Patient", All,
    [
        new TokenParam<Hl7.Fhir.Model.Patient>("identifier", "The MRN (system urn:explant:mrn:<facility>, or the value alone)", p => Tokens.Of(p.Identifier)),
        new StringParam<Hl7.Fhir.Model.Patient>("name", "Family or given name, starts with (case-insensitive)", p => p.Name.SelectMany(n => n.Given.Prepend(n.Family))),
        new DateParam<Hl7.Fhir.Model.Patient>("birthdate", "Date of birth", p => FhirDates.Of(p.BirthDate)),
    ]);

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        foreach (var p in await data.Patients())
        {
            list.Add(await Map(data, p));
        }
        return list;
    }

    public static async Task<Hl7.Fhir.Model.Patient> Map(FhirData data, Explant.Core.Patients.Patient p) => new()
    {
        Id = p.Id.ToString(),
        Meta = await data.Meta(nameof(Explant.Core.Patients.Patient), p.Id, p.Revision),
        Identifier =
        [
            new Identifier
            {
                Use = Identifier.IdentifierUse.Usual,
                Type = new CodeableConcept(FhirRefs.V2IdentifierType, "MR", "Medical record number"),
                System = FhirRefs.MrnSystem(p.Facility),
                Value = p.Mrn,
                Assigner = new ResourceReference { Display = p.Facility },
            },
        ],
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = p.FamilyName, Given = [p.GivenName] }],
        Gender = p.Sex switch
        {
            Sex.Female => AdministrativeGender.Female,
            Sex.Male => AdministrativeGender.Male,
            Sex.Other => AdministrativeGender.Other,
            _ => AdministrativeGender.Unknown,
        },
        BirthDate = FhirDates.Day(p.BirthDate),
    };
}
