using System.Text;

namespace Explant.Core.Auth;

/// <summary>One write endpoint: its method and route template (as mapped, without route constraints), the roles that may call it,
/// and — when the data narrows the role further — a note and the rules (ProblemDetails <c>rule</c>) that narrowing answers 403 with.</summary>
public sealed record WriteRoute(string Method, string Route, IReadOnlyList<string> Roles, string Description, string? Narrowing = null,
    IReadOnlyList<string>? NarrowingRules = null)
{
    public string Key => $"{Method} {Route}";
}

/// <summary>
/// Who may write what (issue "Pathway integrity" §5): every POST/PUT/DELETE under /api (except the anonymous sign-in) and /fhir, with the
/// roles its Core command checks. A role outside <see cref="WriteRoute.Roles"/> is refused (403, rule "role:…" or the admin policy)
/// before anything about the record is read. README.md's "Who may write what" is <see cref="ToMarkdown"/>; tests keep the three
/// (endpoints, this table, README) equal.
/// </summary>
public static class WriteAccess
{
    private static readonly string[] S = [Roles.Surgeon];
    private static readonly string[] N = [Roles.Nurse];
    private static readonly string[] A = [Roles.Anesthesiologist];
    private static readonly string[] SN = [Roles.Surgeon, Roles.Nurse];
    private static readonly string[] SA = [Roles.Surgeon, Roles.Anesthesiologist];
    private static readonly string[] Clinicians = [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist];
    private static readonly string[] SchedulerOrAdmin = [Roles.Scheduler, Roles.Admin];

    private const string CaseSurgeon = "only the case's surgeon (another surgeon takes the case over first)";

    public static readonly IReadOnlyList<WriteRoute> Table =
    [
        // patients, constructs, imaging (PatientRecord.RequireWriter)
        new("POST", "/api/patients", Clinicians, "register a patient"),
        new("PUT", "/api/patients/{id}", Clinicians, "update a patient's record"),
        new("POST", "/api/patients/{id}/constructs", Clinicians, "record a construct"),
        new("POST", "/api/patients/{id}/imaging", Clinicians, "record an imaging study"),
        new("POST", "/api/constructs/{id}/components", Clinicians, "add hardware to a construct (re-opens an all-components plan)"),

        // procedures
        new("POST", "/api/procedures", [Roles.Admin], "import a procedure definition (admin policy)"),

        // rooms, staff, bookings
        new("POST", "/api/rooms", SchedulerOrAdmin, "create an operating room"),
        new("POST", "/api/rooms/{id}/closures", SchedulerOrAdmin, "close a room for a day"),
        new("POST", "/api/rooms/{id}/blocks", SchedulerOrAdmin, "give a surgeon a weekly block"),
        new("POST", "/api/staff", SchedulerOrAdmin, "add a member of staff"),
        new("POST", "/api/staff/{id}/absences", SchedulerOrAdmin, "record an absence"),
        new("POST", "/api/bookings", [Roles.Scheduler], "book (or move) a case into a room (another time than planned only with confirmTimeChange)"),

        // the case and its pathway
        new("POST", "/api/cases", [Roles.Surgeon, Roles.Nurse, Roles.Scheduler], "open a case (a referral)"),
        new("PUT", "/api/cases/{id}/plan", S, "set the removal plan"),
        new("POST", "/api/cases/{id}/indications", S, "add an indication"),
        new("DELETE", "/api/cases/{id}/indications/{key}", S, "remove an indication"),
        new("PUT", "/api/cases/{id}/evidence/infection", Clinicians, "record infection markers and culture plan"),
        new("POST", "/api/cases/{id}/evidence/fusion", S, "link imaging as fusion evidence"),
        new("POST", "/api/cases/{id}/evidence/fusion-override", S, "override missing fusion evidence with a reason"),
        new("POST", "/api/cases/{id}/decision", S, "record the shared decision"),
        new("POST", "/api/cases/{id}/hand-over", S, "hand the case to another surgeon (or take it over)"),
        new("POST", "/api/cases/{id}/consents", S, "generate a consent document"),
        new("POST", "/api/cases/{id}/consents/{version}/patient-signature", SN, "witness the patient's signature"),
        new("POST", "/api/cases/{id}/consents/{version}/surgeon-signature", S, "sign the consent as surgeon", CaseSurgeon, ["case-surgeon"]),
        new("POST", "/api/cases/{id}/consents/{version}/withdraw", SN, "record the patient's withdrawal of consent"),
        new("POST", "/api/cases/{id}/transitions/{trigger}", Roles.All, "fire a person's transition",
            "per trigger: see /api/pathway/transitions (system steps are refused here)", ["role:{trigger}"]),

        // readiness
        new("PUT", "/api/cases/{id}/planned-surgery", [Roles.Surgeon, Roles.Scheduler], "set the planned surgery time (before booking)"),
        new("POST", "/api/cases/{id}/results", Clinicians, "record a lab result"),
        new("POST", "/api/cases/{id}/medication-stops", Clinicians, "record the day of the last dose of a held drug for this surgery date"),
        new("PUT", "/api/cases/{id}/history-physical", SA, "record the history and physical"),
        new("POST", "/api/cases/{id}/history-physical/update", SA, "record the day-of-surgery H&P update"),
        new("PUT", "/api/cases/{id}/asa", A, "record the ASA class"),
        new("POST", "/api/cases/{id}/mri-order", S, "order an MRI"),
        new("POST", "/api/cases/{id}/readiness/overrides", SA, "override a readiness item with a reason"),
        new("POST", "/api/cases/{id}/patient-informed", N, "record that the patient was told of a changed surgery time (how)"),

        // day of surgery
        new("POST", "/api/cases/{id}/check-in", N, "check the patient in (two identifiers, fasting, holds)"),
        new("POST", "/api/cases/{id}/theatre/ticks", Clinicians, "answer a safety-checklist item",
            "each checklist item by its owner role", ["checklist-owner"]),
        new("POST", "/api/cases/{id}/theatre/levels", S, "confirm the levels"),
        new("POST", "/api/cases/{id}/theatre/milestones", Clinicians, "record a milestone",
            "in room and out of room by the nurse (they fire EnterTheatre/LeaveTheatre)", ["role:EnterTheatre", "role:LeaveTheatre"]),
        new("PUT", "/api/cases/{id}/theatre/steps/{index}", SN, "record a procedure step"),
        new("PUT", "/api/cases/{id}/theatre/findings", S, "record the intra-operative findings"),
        new("PUT", "/api/cases/{id}/theatre/prophylaxis", SA, "record antibiotic prophylaxis",
            "only the surgeon delays prophylaxis for cultures", ["role:prophylaxis-delay"]),
        new("POST", "/api/cases/{id}/theatre/specimens", SN, "label a specimen"),
        new("PUT", "/api/cases/{id}/theatre/counts", N, "record the counts"),
        new("PUT", "/api/cases/{id}/theatre/explants/{lineId}", SN, "account for a planned explant"),
        new("POST", "/api/cases/{id}/theatre/explants", SN, "record an unplanned explant"),
        new("POST", "/api/cases/{id}/note", S, "draft (or regenerate) the operative note"),
        new("PUT", "/api/cases/{id}/note/sections/{key}", S, "edit a section of the operative note"),
        new("POST", "/api/cases/{id}/note/sign", S, "sign the operative note", CaseSurgeon, ["note-own-surgeon"]),
        new("POST", "/api/cases/{id}/note/addenda", S, "add an addendum to the signed note"),

        // recovery and outcomes
        new("POST", "/api/cases/{id}/recovery", SN, "open the recovery record"),
        new("POST", "/api/cases/{id}/recovery/criteria", SN, "tick a discharge criterion"),
        new("POST", "/api/cases/{id}/recovery/discharge", SN, "record the discharge"),
        new("POST", "/api/cases/{id}/recovery/visits", SN, "record a follow-up visit"),
        new("POST", "/api/cases/{id}/recovery/missed", SN, "record a missed contact"),
        new("POST", "/api/cases/{id}/recovery/close", S, "close the episode"),
        new("POST", "/api/cases/{id}/proms", SN, "record a PROM for the patient"),
        new("POST", "/api/cases/{id}/prom-links", SN, "issue a PROM link to the patient"),
        new("POST", "/api/cases/{id}/complications", Clinicians, "record a complication"),

        // FHIR (issue #15)
        new("POST", "/fhir", Clinicians, "import a transaction Bundle from an EHR (patient, medications, allergies, lab results; through the commands above)"),
        new("DELETE", "/fhir/$export-status/{id}", [Roles.Admin], "cancel a bulk export (admin policy)"),
    ];

    public static WriteRoute? Find(string method, string route) =>
        Table.FirstOrDefault(r => r.Method == method && r.Route == route);

    /// <summary>The table of README.md's "Who may write what".</summary>
    public static string ToMarkdown()
    {
        var sb = new StringBuilder("| Method and route | Roles | Notes |\n| --- | --- | --- |\n");
        foreach (var r in Table)
        {
            var notes = r.Narrowing is null ? r.Description : $"{r.Description}; {r.Narrowing}";
            sb.Append($"| `{r.Method} {r.Route}` | {string.Join(", ", r.Roles)} | {notes} |\n");
        }
        return sb.ToString();
    }
}
