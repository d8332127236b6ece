using Explant.Core.Cases;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Encounter: the surgical stay, from check-in on the day of surgery to discharge (length of stay in days).</summary>
internal static class EncounterMap
{
    public static FhirType Type { get; } = new("Encounter", All,
    [
        new ReferenceParam<Encounter>("patient", "Patient", "The patient", e => [e.Subject]),
        new DateParam<Encounter>("date", "The stay (check-in to discharge)", e => FhirDates.Of(e.Period)),
        new TokenParam<Encounter>("status", "in-progress | finished", e => Tokens.Code(e.Status)),
    ], PatientOf: (data, id) => data.PatientOfCase(id));

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var recoveries = await data.RecoveryByCase();
        var cases = (await data.Cases()).ToDictionary(c => c.Id);
        var rooms = (await data.RoomDays()).SelectMany(d => d.Bookings.Select(b => (b.CaseId, d.RoomId, d.Date))).ToLookup(x => x.CaseId);
        var list = new List<Resource>();
        foreach (var r in (await data.IntraOps()).Where(r => r.CheckedInUtc is not null).OrderBy(r => r.CaseId))
        {
            if (!cases.TryGetValue(r.CaseId, out var c))
            {
                continue;
            }
            recoveries.TryGetValue(c.Id, out var recovery);
            var encounter = new Encounter
            {
                Id = c.Id.ToString(),
                Meta = await data.Meta(nameof(Explant.Core.Theatre.IntraOpRecord), r.Id, r.Revision),
                Identifier = [new Identifier(FhirRefs.CaseNumberSystem, c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                Status = recovery?.DischargedOn is not null ? Encounter.EncounterStatus.Finished : Encounter.EncounterStatus.InProgress,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"),
                Subject = FhirRefs.Patient(c.PatientId),
                Participant = [new Encounter.ParticipantComponent { Individual = FhirRefs.Practitioner(c.Surgeon) }],
                Period = new Period
                {
                    StartElement = new FhirDateTime(data.Utc(r.CheckedInUtc!.Value)),
                    End = recovery?.DischargedOn is { } d ? FhirDates.Day(d) : null,
                },
                ReasonReference = [.. c.Indications.Select(i => new ResourceReference($"Condition/{ConditionMap.Id(c, i)}"))],
            };
            if (recovery?.LengthOfStayDays is { } los)
            {
                encounter.Length = new Duration { Value = los, Unit = "d", System = FhirRefs.Ucum, Code = "d" };
            }
            if (rooms[c.Id].OrderBy(x => x.Date).LastOrDefault() is { RoomId: { } room })
            {
                encounter.Location = [new Encounter.LocationComponent { Location = FhirRefs.Location(room) }];
            }
            list.Add(encounter);
        }
        return list;
    }
}
