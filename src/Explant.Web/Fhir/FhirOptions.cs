using Explant.Core.Cases;

namespace Explant.Web.Fhir;

/// <summary>Settings of the FHIR interface (section "Fhir").</summary>
public sealed class FhirOptions
{
    /// <summary>
    /// The facility of an imported patient whose MRN identifier names no <c>assigner.display</c> (an EHR that sends only
    /// its own MRNs). Unset: such a Bundle is refused, since the MRN alone does not say whose record it is.
    /// </summary>
    public string? DefaultFacility { get; set; }

    /// <summary>
    /// ⚠ Lab codes of the sending system that mean one of Explant's results (a list of { System, Code, Kind }, Kind a
    /// LabKind name). Explant's own codes (urn:explant:lab|Creatinine) are always understood; no LOINC code is shipped
    /// because the source list (docs/clinical-rules.md) lists none (a site adds its own mapping). A list, not a dictionary: code system URLs hold ':',
    /// the configuration's key separator.
    /// </summary>
    public List<LabCodeMapping> LabCodes { get; set; } = [];

    /// <summary>Where bulk export NDJSON files are written (one folder per job). Default: "fhir-export" in the app's data folder.</summary>
    public string ExportDirectory { get; set; } = Path.Combine(Path.GetDirectoryName(Explant.Core.Data.DatabaseOptions.DefaultSqlitePath)!, "fhir-export");

    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < LabCodes.Count; i++)
        {
            var m = LabCodes[i];
            if (string.IsNullOrWhiteSpace(m.System) || string.IsNullOrWhiteSpace(m.Code))
            {
                yield return $"LabCodes:{i}: System and Code are required";
            }
            if (!Enum.TryParse<LabKind>(m.Kind, ignoreCase: false, out _))
            {
                yield return $"LabCodes:{i}:Kind: '{m.Kind}' is not one of {string.Join(", ", Enum.GetNames<LabKind>())}";
            }
        }
        if (string.IsNullOrWhiteSpace(ExportDirectory))
        {
            yield return "ExportDirectory is required";
        }
    }
}

/// <summary>One lab code of a sending system and the Explant result it means.</summary>
public sealed class LabCodeMapping
{
    public string System { get; set; } = "";
    public string Code { get; set; } = "";
    public string Kind { get; set; } = "";
}
