using Explant.Core.Implants;
using Explant.Core.Theatre;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// Device: one per construct component (docs/clinical-rules.md §14, US Core Implantable Device's elements). The UDI's GS1 parts
/// fill udiCarrier and the production identifiers; status becomes inactive once a reconciliation recorded the part as
/// removed (§5.4 modelling note ⚠: R4 has no "explanted" status).
/// </summary>
internal static class DeviceMap
{
    public static FhirType Type { get; } = new("Device", All,
    [
        new ReferenceParam<Device>("patient", "Patient", "The patient the device is implanted in", d => [d.Patient]),
        new TokenParam<Device>("udi-di", "The GTIN (UDI device identifier)", d => d.UdiCarrier.Where(u => u.DeviceIdentifier is not null).Select(u => new Token(u.Issuer, u.DeviceIdentifier))),
        new TokenParam<Device>("status", "active | inactive", d => Tokens.Code(d.Status)),
    ], PatientOf: (data, id) => data.PatientOfComponent(id));

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        // Only a part recorded as removed is inactive: a retained part, a fragment left behind or one not found is still
        // (at least partly) in the patient, which an MRI or revision planner reading this must not be told otherwise.
        var lines = (await data.IntraOps()).SelectMany(r => r.Explants).Where(l => l.ComponentId is not null).ToList();
        var removed = lines.Where(l => l.Outcome is ExplantOutcome.Removed).Select(l => l.ComponentId!.Value).ToHashSet();
        var leftBehind = lines.Where(l => l.Outcome is ExplantOutcome.FragmentRetained or ExplantOutcome.Retained or ExplantOutcome.NotFound)
            .ToLookup(l => l.ComponentId!.Value);
        var list = new List<Resource>();
        foreach (var c in await data.Constructs())
        {
            var meta = await data.Meta(nameof(Construct), c.Id, c.Revision);
            list.AddRange(c.Components.Select(part => Map(meta, c, part, removed.Contains(part.Id) && !leftBehind.Contains(part.Id), leftBehind[part.Id])));
        }
        return list;
    }

    private static Device Map(Meta meta, Construct c, Component part, bool explanted, IEnumerable<Explant.Core.Theatre.ExplantLine> leftBehind)
    {
        Udi? udi = null;
        if (part.Udi is { } text)
        {
            try
            {
                udi = Udi.Parse(text);
            }
            catch (FormatException)
            {
                // Stored UDIs were parsed on entry; one that no longer parses is shown as carrier text only.
            }
        }
        var device = new Device
        {
            Id = part.Id.ToString(),
            Meta = (Meta)meta.DeepCopy(),
            Status = explanted ? Device.FHIRDeviceStatus.Inactive : Device.FHIRDeviceStatus.Active,
            Manufacturer = c.Manufacturer,
            DeviceName = [new Device.DeviceNameComponent { Name = part.Describe(), Type = DeviceNameType.UserFriendlyName }],
            // No SNOMED CT concept for these parts is verified in the source list (docs/clinical-rules.md), so the type is text only (never an invented code).
            Type = new CodeableConcept { Text = part.Kind.ToString() },
            Patient = FhirRefs.Patient(c.PatientId),
            LotNumber = udi?.Lot ?? part.Lot,
            SerialNumber = udi?.Serial ?? part.Serial,
            ExpirationDate = udi?.ExpirationDate is { } e ? FhirDates.Day(e) : null,
            ManufactureDate = udi?.ProductionDate is { } p ? FhirDates.Day(p) : null,
        };
        if (udi is not null || part.Gtin is not null)
        {
            device.UdiCarrier =
            [
                new Device.UdiCarrierComponent
                {
                    DeviceIdentifier = udi?.Gtin ?? part.Gtin,
                    Issuer = FhirRefs.Gs1Issuer,
                    CarrierHRF = udi?.HumanReadable ?? part.Udi,
                },
            ];
        }
        if (part.Note is { Length: > 0 } note)
        {
            device.Note.Add(new Annotation { Text = new Markdown(note) });
        }
        foreach (var line in leftBehind)
        {
            device.Note.Add(new Annotation { Text = new Markdown($"Explant reconciliation: {line.Outcome}{(line.Detail is { } d ? $" — {d}" : "")}") });
        }
        return device;
    }
}
