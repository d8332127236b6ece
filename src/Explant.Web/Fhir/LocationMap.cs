using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>Location: the operating rooms.</summary>
internal static class LocationMap
{
    public static FhirType Type { get; } = new("Location", All,
    [
        new StringParam<Location>("name", "Room name or code, starts with", l => [l.Name, .. l.Alias]),
    ]);

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        foreach (var r in await data.Rooms())
        {
            list.Add(new Location
            {
                Id = r.Id,
                Meta = await data.Meta(nameof(Explant.Core.Scheduling.OperatingRoom), r.Id, r.Revision),
                Status = Location.LocationStatus.Active,
                Name = r.Name,
                Alias = [r.Id],
                Mode = Location.LocationMode.Instance,
                Description = r.Capabilities.Count > 0 ? "Operating room: " + string.Join(", ", r.Capabilities) : "Operating room",
            });
        }
        return list;
    }
}
