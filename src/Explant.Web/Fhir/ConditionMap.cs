using Explant.Core.Cases;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Condition: each indication of a case, ICD-10-CM coded when the coder's code is recorded (docs/clinical-rules.md §3 and §8).</summary>
internal static class ConditionMap
{
    public static FhirType Type { get; } = new("Condition", All,
    [
        new ReferenceParam<Condition>("patient", "Patient", "The patient", c => [c.Subject]),
        new TokenParam<Condition>("code", "ICD-10-CM code (http://hl7.org/fhir/sid/icd-10-cm)", c => Tokens.Of(c.Code)),
        new DateParam<Condition>("recorded-date", "When the case was opened", c => FhirDates.Of(c.RecordedDate)),
    ], PatientOf: (data, id) => data.PatientOfCasePrefix(id));

    public static string Id(SurgicalCase c, CaseIndication i) => $"{c.Id}-{i.Key}";

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        foreach (var c in await data.Cases())
        {
            var meta = await data.Meta(nameof(SurgicalCase), c.Id, c.Revision);
            list.AddRange(c.Indications.Select(i => Map(meta, c, i)));
        }
        return list;
    }

    private static Condition Map(Meta meta, SurgicalCase c, CaseIndication i)
    {
        var label = IndicationCodes.Find(i.Key)?.Label ?? i.Key;
        var closed = c.State is CaseState.Closed or CaseState.Cancelled or CaseState.Declined;
        var condition = new Condition
        {
            Id = Id(c, i),
            Meta = (Meta)meta.DeepCopy(),
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", closed ? "inactive" : "active"),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis")],
            Code = new CodeableConcept
            {
                Coding = i.IcdCode is { } code ? [new Coding(FhirRefs.Icd10Cm, code, FhirRefs.IcdTitle(code))] : [],
                Text = label,
            },
            Subject = FhirRefs.Patient(c.PatientId),
            RecordedDate = FhirDates.Instant(c.CreatedAtUtc),
        };
        if (i.Note is { Length: > 0 } note)
        {
            condition.Note = [new Annotation { Text = new Markdown(note) }];
        }
        return condition;
    }
}
