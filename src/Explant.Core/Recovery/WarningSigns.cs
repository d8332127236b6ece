using System.Globalization;

namespace Explant.Core.Recovery;

/// <summary>
/// The "call us if" part of the discharge instructions: warning signs after spine surgery, not the consent's risk list
/// (docs/clinical-rules.md §9; [S65] Allina Health "When to call your doctor", [S66] MyMichigan Health WellSpine action plan,
/// [S67] HealthPages.org "When to call your surgeon after spinal fusion"). The groups and thresholds come from those
/// sources; the fever threshold is a setting between the two sources' values ⚠, the wording is ours.
/// </summary>
public static class WarningSigns
{
    public const string Emergency = "Call the emergency services now if you have";
    public const string CallTeam = "Call the spine team the same day if you have";

    /// <summary>Possibly an emergency (possible pulmonary embolism) [S67].</summary>
    public static IReadOnlyList<string> EmergencySigns { get; } =
    [
        "chest pain",
        "shortness of breath, or trouble breathing while resting",
    ];

    /// <summary>Call the surgeon's team (same day, or within 24 hours as [S66] puts it).</summary>
    public static IReadOnlyList<string> TeamSigns(decimal feverThresholdCelsius)
    {
        var fahrenheit = Math.Round(feverThresholdCelsius * 9 / 5 + 32, 1);
        var c = feverThresholdCelsius.ToString("0.0", CultureInfo.InvariantCulture);
        var f = fahrenheit.ToString("0.0", CultureInfo.InvariantCulture);
        return
        [
            $"a temperature of {c} °C ({f} °F) or higher, or chills", // [S65][S67]
            "a wound that gets redder, warmer or more swollen, pus or foul-smelling fluid from it, bleeding or a dressing filled with blood, or the wound opening", // [S65][S66][S67]
            "pain in the calf, or marked swelling of the feet or legs", // [S67] possible DVT
            "new or increasing numbness, new weakness or difficulty walking, or a fall", // [S65][S66]
            "you cannot pass urine, or you newly have difficulty holding your urine", // [S66]
            "pain that the medicine you were given does not help", // [S65][S66]
            "no bowel movement for 4 to 5 days", // [S66]
            "nausea or vomiting that does not stop, or you feel generally worse than when you went home", // [S65]
        ];
    }
}
