using Explant.Core.Cases;
using Explant.Core.Recovery;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// Observation: the pre-operative lab results of a case, and the NRS back/leg pain and ODI total of each PROM response.
/// The source list (docs/clinical-rules.md) gives no LOINC codes, so the codes are Explant's own (urn:explant:lab, urn:explant:prom) with the text —
/// a site that maps them to LOINC adds the coding; we never invent one.
/// </summary>
internal static class ObservationMap
{
    public static FhirType Type { get; } = new("Observation", All,
    [
        new ReferenceParam<Observation>("patient", "Patient", "The patient", o => [o.Subject]),
        new TokenParam<Observation>("code", "urn:explant:lab|<LabKind> or urn:explant:prom|nrs-back, nrs-leg, odi", o => Tokens.Of(o.Code)),
        new TokenParam<Observation>("category", "laboratory | survey", o => Tokens.Of(o.Category)),
        new DateParam<Observation>("date", "When the sample was taken or the PROM collected", o => FhirDates.Of(o.Effective)),
    ], PatientOf: (data, id) => data.PatientOfCaseOrPromPrefix(id));

    private static readonly Dictionary<LabKind, string> LabNames = new()
    {
        [LabKind.Cbc] = "Complete blood count",
        [LabKind.Creatinine] = "Creatinine",
        [LabKind.PtInr] = "PT/INR",
        [LabKind.Aptt] = "aPTT",
        [LabKind.TypeAndScreen] = "Type and screen",
        [LabKind.Crp] = "C-reactive protein",
        [LabKind.Esr] = "Erythrocyte sedimentation rate",
        [LabKind.HbA1c] = "HbA1c",
        [LabKind.PregnancyTest] = "Pregnancy test",
    };

    private static CodeableConcept Category(string code, string display) =>
        new("http://terminology.hl7.org/CodeSystem/observation-category", code, display);

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        var cases = await data.Cases();
        foreach (var c in cases)
        {
            var meta = await data.Meta(nameof(SurgicalCase), c.Id, c.Revision);
            list.AddRange(c.Results.Select((r, i) => Lab(meta, c, r, i)));
        }
        var patientOf = cases.ToDictionary(c => c.Id, c => c.PatientId);
        foreach (var p in await data.Proms())
        {
            if (!patientOf.TryGetValue(p.CaseId, out var patient))
            {
                continue;
            }
            list.AddRange(Proms(await data.Meta(nameof(PromResponse), p.Id, 1), p, patient));
        }
        return list;
    }

    private static Observation Lab(Meta meta, SurgicalCase c, LabResult r, int index)
    {
        var o = new Observation
        {
            Id = $"{c.Id}-lab-{index}",
            Meta = (Meta)meta.DeepCopy(),
            Status = ObservationStatus.Final,
            Category = [Category("laboratory", "Laboratory")],
            Code = new CodeableConcept(FhirRefs.LabCodes, r.Kind.ToString(), LabNames.GetValueOrDefault(r.Kind, r.Kind.ToString()), LabNames.GetValueOrDefault(r.Kind, r.Kind.ToString())),
            Subject = FhirRefs.Patient(c.PatientId),
            Effective = new FhirDateTime(FhirDates.Day(r.TakenOn)),
        };
        if (r.Value is { } v)
        {
            o.Value = new Quantity { Value = v, Unit = r.Unit };
        }
        else
        {
            // Recorded as done without a number (e.g. type and screen): say so rather than leave the value silently empty.
            o.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-applicable", "Not Applicable");
        }
        return o;
    }

    private static IEnumerable<Observation> Proms(Meta meta, PromResponse p, Guid patient)
    {
        Observation Score(string code, string text, DataType value) => new()
        {
            Id = $"{p.Id}-{code}",
            Meta = (Meta)meta.DeepCopy(),
            Status = ObservationStatus.Final,
            Category = [Category("survey", "Survey")],
            Code = new CodeableConcept(FhirRefs.PromCodes, code, text, text),
            Subject = FhirRefs.Patient(patient),
            Effective = new FhirDateTime(FhirDates.Day(p.CollectedOn)),
            Value = value,
            DerivedFrom = [new ResourceReference($"QuestionnaireResponse/{p.Id}")],
            Note = [new Annotation { Text = new Markdown($"PROM time point: {p.TimePoint}") }],
        };
        if (p.BackPain is { } back)
        {
            yield return Score("nrs-back", "Back pain intensity, NRS 0–10", new Integer(back));
        }
        if (p.LegPain is { } leg)
        {
            yield return Score("nrs-leg", "Leg pain intensity, NRS 0–10", new Integer(leg));
        }
        if (p.OdiScore is { } odi)
        {
            yield return Score("odi", "Oswestry Disability Index total, percent", new Quantity { Value = odi, Unit = "%", System = FhirRefs.Ucum, Code = "%" });
        }
    }
}
