using Explant.Core.Cases;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// The PROM questionnaire (NRS back and leg pain, the ten ODI sections) and one QuestionnaireResponse per collected PROM.
/// The ODI items carry the section names only, never the licensed wording (docs/clinical-rules.md §9, [S58]).
/// </summary>
internal static class QuestionnaireMap
{
    public const string PromId = "explant-prom";

    public static string Canonical(FhirData data) => $"{data.BaseUrl}/Questionnaire/{PromId}";

    public static FhirType Questionnaires { get; } = new("Questionnaire", QuestionnaireAll,
    [
        new TokenParam<Questionnaire>("status", "active", q => Tokens.Code(q.Status)),
        new StringParam<Questionnaire>("name", "Computer-friendly name", q => [q.Name]),
    ]);

    public static FhirType Responses { get; } = new("QuestionnaireResponse", ResponseAll,
    [
        new ReferenceParam<QuestionnaireResponse>("patient", "Patient", "The patient who answered", r => [r.Subject]),
        new DateParam<QuestionnaireResponse>("authored", "When the PROM was collected", r => FhirDates.Of(r.Authored)),
        new TokenParam<QuestionnaireResponse>("status", "completed", r => Tokens.Code(r.Status)),
    ], PatientOf: (data, id) => data.PatientOfProm(id));

    private static Task<IEnumerable<Resource>> QuestionnaireAll(FhirData data) => System.Threading.Tasks.Task.FromResult<IEnumerable<Resource>>([Prom(data)]);

    private static Questionnaire Prom(FhirData data) => new()
    {
        Id = PromId,
        Meta = new Meta { VersionId = "1" },
        Url = Canonical(data),
        Name = "ExplantProm",
        Title = "Patient-reported outcomes after removal of spinal instrumentation",
        Status = PublicationStatus.Active,
        SubjectType = [ResourceType.Patient],
        Item =
        [
            new Questionnaire.ItemComponent { LinkId = "nrs-back", Text = "Back pain, 0 (none) to 10 (worst imaginable)", Type = Questionnaire.QuestionnaireItemType.Integer },
            new Questionnaire.ItemComponent { LinkId = "nrs-leg", Text = "Leg pain, 0 (none) to 10 (worst imaginable)", Type = Questionnaire.QuestionnaireItemType.Integer },
            new Questionnaire.ItemComponent
            {
                LinkId = "odi",
                Text = $"Oswestry Disability Index ({data.OdiVersion}), each section scored 0–5 — the licensed item wording is not reproduced",
                Type = Questionnaire.QuestionnaireItemType.Group,
                Item = [.. Odi.Sections(data.OdiVersion).Select((s, i) => new Questionnaire.ItemComponent
                {
                    LinkId = $"odi-{i + 1}", Text = Odi.SectionName(s), Type = Questionnaire.QuestionnaireItemType.Integer,
                })],
            },
        ],
    };

    private static async Task<IEnumerable<Resource>> ResponseAll(FhirData data)
    {
        var patientOf = (await data.Cases()).ToDictionary(c => c.Id, c => c.PatientId);
        var canonical = Canonical(data);
        var list = new List<Resource>();
        foreach (var p in await data.Proms())
        {
            if (patientOf.TryGetValue(p.CaseId, out var patient))
            {
                list.Add(Response(await data.Meta(nameof(PromResponse), p.Id, 1), p, patient, canonical));
            }
        }
        return list;
    }

    private static QuestionnaireResponse Response(Meta meta, PromResponse p, Guid patient, string canonical)
    {
        static QuestionnaireResponse.ItemComponent Answer(string linkId, int value) =>
            new() { LinkId = linkId, Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Integer(value) }] };
        var items = new List<QuestionnaireResponse.ItemComponent>();
        if (p.BackPain is { } back) { items.Add(Answer("nrs-back", back)); }
        if (p.LegPain is { } leg) { items.Add(Answer("nrs-leg", leg)); }
        var odi = p.Odi.Select((a, i) => (a, i)).Where(x => x.a is not null).Select(x => Answer($"odi-{x.i + 1}", x.a!.Value)).ToList();
        if (odi.Count > 0)
        {
            items.Add(new QuestionnaireResponse.ItemComponent { LinkId = "odi", Item = odi });
        }
        return new QuestionnaireResponse
        {
            Id = p.Id.ToString(),
            Meta = meta,
            Identifier = new Identifier(FhirRefs.CaseNumberSystem + ":prom", $"{p.CaseId}/{p.TimePoint}"),
            Questionnaire = canonical,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = FhirRefs.Patient(patient),
            Authored = FhirDates.Day(p.CollectedOn),
            Source = p.Source == PromSource.PatientLink ? FhirRefs.Patient(patient) : null,
            Item = items,
        };
    }
}
