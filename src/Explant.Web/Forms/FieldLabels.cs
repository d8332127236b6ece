using System.Globalization;
using System.Text.RegularExpressions;

namespace Explant.Web.Forms;

/// <summary>
/// A refusal as a person reads it (issue #13 §5): the commands name fields by their input keys (<c>asaClass</c>,
/// <c>team[2].staffId</c>, <c>implants[0].udi</c>) because the JSON API and CLI need exact paths; the pages show the
/// label of the field instead, as it reads on the form. A key missing here is turned into words rather than shown raw.
/// </summary>
internal static partial class FieldLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        // patients, constructs, components, imaging
        ["mrn"] = "MRN", ["facility"] = "Facility", ["givenName"] = "Given name", ["familyName"] = "Family name", ["birthDate"] = "Date of birth",
        ["sex"] = "Sex", ["weightKg"] = "Weight (kg)", ["heightCm"] = "Height (cm)", ["allergies"] = "Allergies", ["allergy"] = "Allergy",
        ["medications"] = "Medications", ["medication"] = "Medication", ["name"] = "name", ["dose"] = "dose", ["stoppedOn"] = "Taken on",
        ["stoppedForSurgeryOn"] = "stopped for the surgery on",
        ["approach"] = "Approach", ["manufacturer"] = "Manufacturer", ["systemName"] = "System", ["implantedOn"] = "Implanted on", ["implantedAt"] = "Implanted at",
        ["sourceProcedure"] = "Index procedure", ["components"] = "Components", ["component"] = "Component", ["kind"] = "Kind", ["level"] = "Level", ["span"] = "Span",
        ["side"] = "Side", ["diameterMm"] = "Diameter (mm)", ["lengthMm"] = "Length (mm)", ["material"] = "Material", ["hookType"] = "Hook type", ["udi"] = "UDI",
        ["implants"] = "Implant", ["implant"] = "Implant", ["patientId"] = "Patient", ["constructId"] = "Construct", ["procedureCode"] = "Procedure", ["surgeon"] = "Surgeon",
        ["studyDate"] = "Study date", ["modality"] = "Modality", ["fusionLevels"] = "Fusion levels", ["fusionStatus"] = "Fusion status", ["fusion"] = "Fusion",
        ["hardwareKind"] = "Hardware finding", ["hardwareLevel"] = "Finding level", ["hardware"] = "Hardware finding", ["range"] = "levels", ["levels"] = "Levels",
        ["status"] = "status", ["note"] = "Note",
        // case page and readiness
        ["revision"] = "Page version", ["version"] = "Consent version", ["componentIds"] = "Planned components", ["removeAll"] = "Remove everything",
        ["key"] = "Indication", ["icdCode"] = "ICD-10-CM code", ["crpMgL"] = "CRP (mg/L)", ["esrMmH"] = "ESR (mm/h)", ["markersDate"] = "Markers date",
        ["culturePlan"] = "Culture plan", ["imagingStudyId"] = "Study", ["reason"] = "Reason", ["alternatives"] = "Alternatives discussed",
        ["alternativesDiscussed"] = "Alternatives discussed", ["choice"] = "The patient's choice", ["signature"] = "Signature", ["local"] = "Planned surgery",
        ["value"] = "Value", ["unit"] = "Unit", ["takenOn"] = "Taken on", ["drug"] = "Held drug", ["how"] = "How the patient was told", ["on"] = "History and physical on",
        ["asaClass"] = "ASA class", ["asa"] = "ASA class", ["ruleId"] = "Override item", ["trigger"] = "Step", ["cancelReason"] = "Cancellation reason",
        ["consent"] = "Consent", ["coagulation"] = "Coagulation", ["mri"] = "MRI", ["radiographs"] = "Radiographs",
        // booking and rooms
        ["case"] = "Case", ["roomId"] = "Room", ["date"] = "Date", ["start"] = "Start", ["durationMinutes"] = "Minutes", ["team"] = "Team",
        ["staffId"] = "person", ["role"] = "role", ["overrideReason"] = "Override reason", ["shortSlotReason"] = "Reason for a short slot",
        // theatre and operative note
        ["fasting"] = "Fasting confirmed", ["holds"] = "Medication holds confirmed", ["itemId"] = "Checklist item", ["answer"] = "Answer", ["image"] = "Image",
        ["milestone"] = "Milestone", ["at"] = "Time", ["index"] = "Step", ["done"] = "Done", ["loosening"] = "Loosening", ["breakage"] = "Breakage",
        ["infectionSigns"] = "Signs of infection", ["duralTear"] = "Dural tear", ["ebl"] = "Estimated blood loss (mL)", ["estimatedBloodLossMl"] = "Estimated blood loss (mL)",
        ["findingsNote"] = "Findings note", ["agent"] = "Prophylaxis agent", ["givenAt"] = "Given at", ["delayReason"] = "Reason for the delay", ["redoseAt"] = "Redose at",
        ["description"] = "Description", ["correct"] = "Counts correct", ["discrepancy"] = "Discrepancy", ["lineId"] = "Component", ["outcome"] = "Outcome",
        ["condition"] = "Condition", ["detail"] = "Detail", ["retrievalAnalysis"] = "Retrieval analysis", ["disposition"] = "Disposition", ["text"] = "Text",
        ["sections"] = "Note sections",
        // recovery, follow-up, PROMs, complications
        ["criterion"] = "Criterion", ["wound"] = "Wound", ["woundCare"] = "Wound care", ["painPlan"] = "Pain plan", ["activityLimits"] = "Activity limits",
        ["physioReferral"] = "Physiotherapy referral", ["neurology"] = "Neurology", ["imaging"] = "Imaging", ["timePoint"] = "Time point", ["odi"] = "ODI question",
        ["backPain"] = "NRS back", ["legPain"] = "NRS leg", ["grade"] = "Grade", ["occurredOn"] = "Occurred on", ["ssiDepth"] = "Surgical site infection depth",
        ["code"] = "Code", ["page"] = "Page", ["pageSize"] = "Rows per page",
    };

    /// <summary>The label of a field key, including list paths: <c>team[2].staffId</c> → "Team 3: person".</summary>
    public static string Of(string key)
    {
        if (key.StartsWith("section:", StringComparison.Ordinal))
        {
            return $"Section \"{key["section:".Length..]}\"";
        }
        if (Indexed().Match(key) is { Success: true } m)
        {
            var item = $"{Word(m.Groups["list"].Value)} {int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture) + 1}";
            return m.Groups["member"].Success ? $"{item}: {Word(m.Groups["member"].Value)}" : item;
        }
        return Word(key);
    }

    private static string Word(string key)
    {
        if (Labels.TryGetValue(key, out var label))
        {
            return label;
        }
        // Not in the table: camelCase into words ("shortSlotReason" → "Short slot reason") rather than the raw key.
        var words = CamelHumps().Replace(key.Replace('.', ' ').Replace('_', ' '), " $1").Trim().ToLowerInvariant();
        return words.Length == 0 ? key : char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>Every field's messages, each after its label: "ASA class: 'IX' is not one of I, II, …".</summary>
    public static string Message(IDictionary<string, string[]> errors) =>
        string.Join(" ", errors.Select(x => $"{Of(x.Key)}: {string.Join("; ", x.Value).TrimEnd('.')}."));

    [GeneratedRegex(@"^(?<list>[A-Za-z]+)\[(?<index>\d{1,4})\](?:\.(?<member>[A-Za-z]+))?$")]
    private static partial Regex Indexed();

    [GeneratedRegex("([A-Z])")]
    private static partial Regex CamelHumps();
}
