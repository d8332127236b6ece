using Explant.Core.Auth;

namespace Explant.Core.Theatre;

public enum ChecklistPhase
{
    SignIn,
    TimeOut,
    SignOut,
}

/// <summary>What a tick needs besides a yes: a record the item attests to (so ticking cannot paper over it).</summary>
public enum ItemEvidence
{
    None,
    LevelsConfirmed,
    CountsRecorded,
    ReconciliationComplete,
    /// <summary>The antibiotic question: yes needs a recorded dose, n/a a recorded delay for cultures.</summary>
    ProphylaxisRecorded,
}

/// <summary>
/// One checklist item. <paramref name="Owner"/> is the role that answers it (Roles.Surgeon, Roles.Anesthesiologist or
/// Roles.Nurse): the WHO 2009 checklist names who says or confirms each item ("Surgeon reviews", "Anaesthesia team
/// reviews", "Nursing team reviews", "Nurse verbally confirms", S44), so a tick records that person's answer, not a
/// colleague's guess.
/// </summary>
public sealed record ChecklistItem(string Id, ChecklistPhase Phase, string Text, string Source, bool AllowNotApplicable,
    bool InfectionOnly = false, ItemEvidence Evidence = ItemEvidence.None, string Owner = Roles.Nurse);

/// <summary>
/// The WHO Surgical Safety Checklist, 2009 edition — every Sign In, Time Out and Sign Out item of docs/clinical-rules.md §7
/// [S44] (rule 29) — plus the spine-specific local additions WHO encourages: level localisation image (rule 30,
/// [S45]), the removal set (§4.5, [S49]), implant records, the culture plan when infection is an indication ([S25])
/// and the explant reconciliation (rule 33).
/// </summary>
public static class WhoChecklist
{
    // Owners (who answers, S44): the anaesthesia safety check, pulse oximeter and the "does the patient have a known
    // allergy / difficult airway / risk of > 500 mL blood loss" block are the anaesthesia professional's; the Time Out
    // confirmation of patient, site and procedure, "Surgeon reviews …", the level image (S45) and the culture plan (the
    // surgeon's decision, S25/S46) are the surgeon's; "Anaesthesia team reviews …" is the anaesthetist's; everything
    // the checklist coordinator asks or the nurse confirms (Sign In identity and site mark, team introductions,
    // "Nursing team reviews …", antibiotic and imaging questions, all of Sign Out: "Nurse verbally confirms with the
    // team") is the nurse's. Local sites may sign off a different split; that is a change here with its review.
    public static readonly IReadOnlyList<ChecklistItem> Items =
    [
        new("si-identity", ChecklistPhase.SignIn, "Patient has confirmed identity, site, procedure and consent", "S44", false),
        new("si-site-marked", ChecklistPhase.SignIn, "Site marked (levels: unambiguous and visible after draping, S45) or not applicable", "S44", true),
        new("si-anaesthesia-check", ChecklistPhase.SignIn, "Anaesthesia machine and medication check complete", "S44", false, Owner: Roles.Anesthesiologist),
        new("si-pulse-oximeter", ChecklistPhase.SignIn, "Pulse oximeter on the patient and functioning", "S44", false, Owner: Roles.Anesthesiologist),
        new("si-allergy", ChecklistPhase.SignIn, "Known allergy reviewed", "S44", false, Owner: Roles.Anesthesiologist),
        new("si-airway", ChecklistPhase.SignIn, "Difficult airway or aspiration risk assessed; if yes, equipment and assistance available", "S44", false, Owner: Roles.Anesthesiologist),
        new("si-blood-loss", ChecklistPhase.SignIn, "Risk of > 500 mL blood loss (> 7 mL/kg in children) assessed; if yes, IV access and fluids planned", "S44", false, Owner: Roles.Anesthesiologist),
        new("sp-implant-records", ChecklistPhase.SignIn, "Implant records at hand: manufacturer, system and components to remove", "S49", false),
        new("sp-removal-set", ChecklistPhase.SignIn, "The original system's instrument set or a universal extraction set is in the room", "S49", false),

        new("to-team", ChecklistPhase.TimeOut, "All team members introduced by name and role", "S44", false),
        new("to-confirm", ChecklistPhase.TimeOut, "Surgeon, anaesthetist and nurse verbally confirm patient, site and procedure", "S44", false, Owner: Roles.Surgeon),
        new("to-critical-surgeon", ChecklistPhase.TimeOut, "Surgeon reviews critical or unexpected steps, operative duration, anticipated blood loss", "S44", false, Owner: Roles.Surgeon),
        new("to-critical-anaesthesia", ChecklistPhase.TimeOut, "Anaesthesia team reviews patient-specific concerns", "S44", false, Owner: Roles.Anesthesiologist),
        new("to-critical-nursing", ChecklistPhase.TimeOut, "Nursing team confirms sterility (including indicator results) and equipment issues", "S44", false),
        new("to-antibiotic", ChecklistPhase.TimeOut, "Antibiotic prophylaxis given within the last 60 minutes (or not applicable, e.g. delayed for cultures, S46)", "S44", true, Evidence: ItemEvidence.ProphylaxisRecorded),
        new("to-imaging", ChecklistPhase.TimeOut, "Essential imaging displayed", "S44", true),
        new("sp-level-image", ChecklistPhase.TimeOut, "Operative levels confirmed against the plan with an intra-operative image", "S45", false, Evidence: ItemEvidence.LevelsConfirmed, Owner: Roles.Surgeon),
        new("sp-culture-plan", ChecklistPhase.TimeOut, "Culture plan: deep tissue cultures and sterile containers for sonication of the implants", "S25", false, InfectionOnly: true, Owner: Roles.Surgeon),

        new("so-procedure-recorded", ChecklistPhase.SignOut, "Nurse confirms the name of the procedure recorded", "S44", false),
        new("so-counts", ChecklistPhase.SignOut, "Instrument, sponge and needle counts are correct (or the discrepancy is documented)", "S44", false, Evidence: ItemEvidence.CountsRecorded),
        new("so-specimen", ChecklistPhase.SignOut, "Specimens labelled, including the patient's name", "S44", true),
        new("so-equipment", ChecklistPhase.SignOut, "Equipment problems to be addressed are recorded", "S44", false),
        new("so-recovery", ChecklistPhase.SignOut, "Surgeon, anaesthetist and nurse review key concerns for recovery", "S44", false),
        new("sp-reconciliation", ChecklistPhase.SignOut, "Every planned component accounted for (removed, retained with reason, fragment located, or not found)", "S48", false, Evidence: ItemEvidence.ReconciliationComplete),
    ];

    public static IEnumerable<ChecklistItem> For(bool infection) => Items.Where(i => !i.InfectionOnly || infection);

    public static ChecklistItem? Find(string id) => Items.FirstOrDefault(i => i.Id == id);

    public static string PhaseLabel(ChecklistPhase phase) => phase switch
    {
        ChecklistPhase.SignIn => "Sign In (before induction)",
        ChecklistPhase.TimeOut => "Time Out (before incision)",
        _ => "Sign Out (before the patient leaves the room)",
    };
}
