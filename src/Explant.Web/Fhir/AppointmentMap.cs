using Explant.Core.Cases;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Appointment: a case's booking in a room-day — start/end in the hospital's zone, the patient, the surgeon, the room.</summary>
internal static class AppointmentMap
{
    public static FhirType Type { get; } = new("Appointment", All,
    [
        new ReferenceParam<Appointment>("patient", "Patient", "The patient booked", a => a.Participant.Select(p => p.Actor).Where(r => r?.Reference?.StartsWith("Patient/", StringComparison.Ordinal) == true)),
        new DateParam<Appointment>("date", "When the operation is booked", a => FhirDates.Of(a.Start, a.End)),
        new TokenParam<Appointment>("status", "booked | fulfilled | cancelled", a => Tokens.Code(a.Status)),
    ], PatientOf: (data, id) => data.PatientOfCase(id));

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var cases = (await data.Cases()).ToDictionary(c => c.Id);
        var rooms = (await data.Rooms()).ToDictionary(r => r.Id);
        var list = new List<Resource>();
        foreach (var day in (await data.RoomDays()).OrderBy(d => d.Date).ThenBy(d => d.RoomId, StringComparer.Ordinal))
        {
            var meta = await data.Meta(nameof(Explant.Core.Scheduling.RoomDay), day.Id, day.Revision);
            foreach (var b in day.Bookings.OrderBy(b => b.Start))
            {
                if (!cases.TryGetValue(b.CaseId, out var c))
                {
                    continue;
                }
                var status = c.State switch
                {
                    CaseState.Cancelled or CaseState.Declined => Appointment.AppointmentStatus.Cancelled,
                    CaseState.Scheduled or CaseState.Postponed or CaseState.Ready => Appointment.AppointmentStatus.Booked,
                    _ when c.State > CaseState.Scheduled => Appointment.AppointmentStatus.Fulfilled,
                    _ => Appointment.AppointmentStatus.Booked,
                };
                list.Add(new Appointment
                {
                    Id = $"{c.Id}",
                    Meta = (Meta)meta.DeepCopy(),
                    Identifier = [new Identifier(FhirRefs.CaseNumberSystem, c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                    Status = status,
                    Description = $"Case {c.Number}: CPT {c.ProcedureCode}",
                    Start = data.Local(day.Date, b.Start),
                    End = data.Local(day.Date, b.End),
                    MinutesDuration = b.DurationMinutes,
                    Participant =
                    [
                        new Appointment.ParticipantComponent { Actor = FhirRefs.Patient(c.PatientId), Status = ParticipationStatus.Accepted },
                        new Appointment.ParticipantComponent { Actor = FhirRefs.Practitioner(b.Surgeon), Status = ParticipationStatus.Accepted },
                        .. b.Team.Select(t => new Appointment.ParticipantComponent { Actor = FhirRefs.Practitioner(t.StaffId), Status = ParticipationStatus.Accepted }),
                        new Appointment.ParticipantComponent { Actor = FhirRefs.Location(day.RoomId, rooms.TryGetValue(day.RoomId, out var room) ? room.Name : null), Status = ParticipationStatus.Accepted },
                    ],
                });
            }
        }
        // A re-booked case keeps only its latest booking (one Appointment per case).
        return list.GroupBy(a => a.Id).Select(g => g.Last());
    }
}
