namespace Explant.Core.Readiness;

public enum GlpPolicy
{
    /// <summary>ASA 2023 [S29]: hold daily doses on the day of surgery, weekly doses for a week before.</summary>
    Asa2023,
    /// <summary>AGA/ASMBS/ASA/ISPCOP/SAGES 2024 [S30]: most patients continue, with a 24-h liquid diet.</summary>
    Multisociety2024,
    /// <summary>SPAQI 2025 [S31] ⚠: continue; no solids for 24 h, no glucose-rich clear drinks for 8 h, no liquids for 4 h.</summary>
    Spaqi2025,
}

/// <summary>
/// Readiness parameters (configuration section "Readiness"). Facts marked ⚠ in the source list (docs/clinical-rules.md) are settings here,
/// never constants; where the source list (docs/clinical-rules.md) gives no number at all (test windows), the default is a local policy
/// placeholder that each site must confirm, and the explanation says so.
/// </summary>
public sealed class ReadinessOptions
{
    /// <summary>Fasting minimums by intake (ASA 2017 [S27]; carbohydrate drinks to 2 h, ASA 2023 [S28]). Institution may override ⚠.</summary>
    public Dictionary<string, int> FastingHours { get; set; } = new()
    {
        ["clear-liquids"] = 2,
        ["carbohydrate-drink"] = 2,
        ["breast-milk"] = 4,
        ["light-meal"] = 6,
        ["fatty-meal"] = 8,
    };

    /// <summary>
    /// Below this age (months, on the day of surgery) the instructions carry the infant feeding lines — breast milk and
    /// formula ([S27] rows). Older patients do not see them. Where childhood feeding ends is local policy ⚠; 12 months is
    /// the usual definition of infancy.
    /// </summary>
    public int InfantFeedingUpToMonths { get; set; } = 12;

    /// <summary>Standing radiographs ([S26] imaging; window ⚠ local policy, the source list (docs/clinical-rules.md) gives none).</summary>
    public int RadiographWindowDays { get; set; } = 90;

    /// <summary>CBC, creatinine, coagulation, inflammatory markers (⚠ local order sets; window is local policy).</summary>
    public int LabWindowDays { get; set; } = 30;

    /// <summary>Type and screen validity (⚠ local blood-bank policy).</summary>
    public int TypeAndScreenWindowDays { get; set; } = 3;

    /// <summary>HbA1c for diabetic patients (ADA target via [S38] ⚠; window is local policy).</summary>
    public int HbA1cWindowDays { get; set; } = 90;

    /// <summary>Pregnancy test validity before surgery (⚠ local policy; [S41] gives none).</summary>
    public int PregnancyTestWindowDays { get; set; } = 3;

    /// <summary>H&amp;P at most this many days before surgery (CMS hospital CoP [S39]; ASCs follow their own policy ⚠).</summary>
    public int HistoryPhysicalWindowDays { get; set; } = 30;

    /// <summary>The H&amp;P update is documented within this many hours before surgery [S39].</summary>
    public int HistoryPhysicalUpdateHours { get; set; } = 24;

    /// <summary>Versioned GLP-1 RA policy [S29]–[S31] ⚠.</summary>
    public GlpPolicy GlpPolicy { get; set; } = GlpPolicy.Asa2023;

    /// <summary>Aspirin is a policy choice (CHEST continues it with cardiovascular risk; a spine Delphi stops it 7 days) [S34][S35] ⚠. Null: the surgeon decides per patient.</summary>
    public int? AspirinOmitDays { get; set; }

    /// <summary>Edoxaban at high bleeding risk: 2 days, not studied in PAUSE [S33] ⚠.</summary>
    public int EdoxabanOmitDays { get; set; } = 2;

    /// <summary>LMWH when bridging: last dose about 24 h before surgery [S34] ⚠ (0 = last dose the day before).</summary>
    public int LmwhOmitDays { get; set; }

    /// <summary>
    /// A medication that needs review is due this many days before surgery. It must come before the longest hold
    /// can begin (prasugrel 7 days, weekly GLP-1 RA a week: last dose surgery − 8), or the review is too late.
    /// </summary>
    public int MedicationReviewLeadDays { get; set; } = 10;

    /// <summary>HbA1c above this (%) is flagged: ADA target for elective surgery via [S38] ⚠.</summary>
    public decimal HbA1cTarget { get; set; } = 8;

    /// <summary>Metformin: hold on the day of surgery by default [S38] ⚠.</summary>
    public bool HoldMetforminOnSurgeryDay { get; set; } = true;

    /// <summary>Pre-operative INR threshold after warfarin is stopped [S34]; local ⚠. Null: shown for clinical judgement.</summary>
    public decimal? InrThreshold { get; set; }

    /// <summary>Offer a pregnancy test in this age range (ASA [S41]: offer when it would change management; fluoroscopy is a reason) ⚠ local.</summary>
    public int PregnancyTestMinAge { get; set; } = 12;
    public int PregnancyTestMaxAge { get; set; } = 55;
}
