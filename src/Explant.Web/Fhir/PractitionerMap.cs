using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// Practitioner: theatre staff, and every surgeon a case names (surgeons are accounts, not always staff records).
/// The id is a hash of the name (FhirRefs.PractitionerId); the name itself is the identifier.
/// </summary>
internal static class PractitionerMap
{
    public static FhirType Type { get; } = new("Practitioner", All,
    [
        new StringParam<Practitioner>("name", "Name, starts with", p => p.Name.Select(n => n.Text)),
        new TokenParam<Practitioner>("identifier", "Staff code or surgeon account (urn:explant:staff)", p => Tokens.Of(p.Identifier)),
    ]);

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var byId = new Dictionary<string, Practitioner>(StringComparer.Ordinal);
        foreach (var s in await data.Staff())
        {
            byId.TryAdd(FhirRefs.PractitionerId(s.Id), new Practitioner
            {
                Id = FhirRefs.PractitionerId(s.Id),
                Meta = await data.Meta(nameof(Explant.Core.Scheduling.StaffMember), s.Id, s.Revision),
                Identifier = [new Identifier(FhirRefs.StaffSystem, s.Id)],
                Active = true,
                Name = [new HumanName { Text = s.Name }],
            });
        }
        var surgeons = (await data.Cases()).Select(c => c.Surgeon)
            .Concat((await data.RoomDays()).SelectMany(d => d.Bookings.Select(b => b.Surgeon)))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var name in surgeons.Where(n => n.Length > 0))
        {
            byId.TryAdd(FhirRefs.PractitionerId(name), new Practitioner
            {
                Id = FhirRefs.PractitionerId(name),
                Meta = new Meta { VersionId = "1" },
                Identifier = [new Identifier(FhirRefs.StaffSystem, name)],
                Active = true,
                Name = [new HumanName { Text = name }],
            });
        }
        return byId.Values.OrderBy(p => p.Id, StringComparer.Ordinal);
    }
}
