using System.Text;
using Explant.Core.Auth;

namespace Explant.Core.Cases;

/// <summary>A guard's verdict: null when it holds, else the rule that refuses the transition.</summary>
public delegate string? Guard(SurgicalCase c, TransitionRequest request);

/// <summary>What the caller supplies with a trigger (reasons are required by some guards).</summary>
public sealed record TransitionRequest(string? Reason = null, CancelReason? CancelReason = null, Readiness.ReadinessReport? Readiness = null);

/// <summary>
/// One allowed transition. <see cref="Step"/> says who fires it: null means a person fires it (one of
/// <see cref="Roles"/>) through the generic transition route; otherwise only the named step of the system fires it,
/// inside its own command with its evidence (issue #12 §1), and <see cref="Roles"/> are the roles that may perform
/// that step.
/// </summary>
public sealed record Transition(CaseTrigger Trigger, IReadOnlyList<CaseState> From, CaseState To, IReadOnlyList<string> Roles, string GuardText, Guard Guard,
    string? Step = null)
{
    public bool FiredByPerson => Step is null;
}

/// <summary>
/// The pathway's single table of allowed transitions (README, "The pathway"; docs/decisions/0005-pathway-state-machine.md). Anything not in the table
/// is refused; a listed transition is refused when its guard fails or the actor lacks the role. The table is
/// printable (<see cref="ToMarkdown"/>) for docs and the UI.
/// </summary>
public static class CaseTransitions
{
    private static readonly CaseState[] Cancellable =
    [
        CaseState.Referred, CaseState.Assessed, CaseState.Decided, CaseState.Consented, CaseState.Ready,
        CaseState.Scheduled, CaseState.CheckedIn, CaseState.Postponed,
    ];

    private static string? Always(SurgicalCase c, TransitionRequest r) => null;

    public static readonly IReadOnlyList<Transition> Table =
    [
        new(CaseTrigger.Assess, [CaseState.Referred], CaseState.Assessed, [Roles.Surgeon],
            "at least one indication recorded and a planned scope of at least one component", (c, r) => c.AssessmentBlocker()),
        new(CaseTrigger.Decide, [CaseState.Assessed], CaseState.Decided, [Roles.Surgeon],
            "patient chose removal after every alternative was discussed; indication evidence present or overridden", (c, r) => c.DecisionBlocker(chooseRemoval: true),
            Step: "the shared decision record (POST /api/cases/{n}/decision)"),
        new(CaseTrigger.Decline, [CaseState.Assessed], CaseState.Declined, [Roles.Surgeon],
            "patient chose one of the definition's alternatives (named)", (c, r) => c.DecisionBlocker(chooseRemoval: false),
            Step: "the shared decision record (POST /api/cases/{n}/decision)"),
        new(CaseTrigger.Consent, [CaseState.Decided], CaseState.Consented, [Roles.Surgeon],
            "a consent signed by patient and surgeon for the current plan, not withdrawn", (c, r) => c.ConsentBlocker(),
            Step: "the surgeon's signature completing the consent (POST /api/cases/{n}/consents/{v}/surgeon-signature)"),
        new(CaseTrigger.AttestReady, [CaseState.Consented], CaseState.Ready, [Roles.Nurse],
            "consent valid for the current plan; readiness has no open blocking item", (c, r) => c.ConsentBlocker() ?? c.ReadinessBlocker(r)),
        // The booking that confirms a changed time opens patient-informed itself; it blocks check-in, not the booking.
        new(CaseTrigger.Schedule, [CaseState.Ready], CaseState.Scheduled, [Roles.Scheduler],
            "consent valid for the current plan; readiness has no open blocking item (patient-informed, opened by the booking, blocks check-in)",
            (c, r) => c.ConsentBlocker() ?? c.ReadinessBlocker(r, except: Readiness.ReadinessEngine.PatientInformedRule),
            Step: "the booking with its conflict checks (POST /api/bookings)"),
        new(CaseTrigger.CheckIn, [CaseState.Scheduled], CaseState.CheckedIn, [Roles.Nurse],
            "consent valid for the current plan", (c, r) => c.ConsentBlocker(),
            Step: "check-in with two identifiers on the booked day (POST /api/cases/{n}/check-in)"),
        new(CaseTrigger.EnterTheatre, [CaseState.CheckedIn], CaseState.InTheatre, [Roles.Nurse], "—", Always,
            Step: "the in-room milestone of the theatre record (POST /api/cases/{n}/theatre/milestones)"),
        new(CaseTrigger.LeaveTheatre, [CaseState.InTheatre], CaseState.Recovering, [Roles.Nurse], "—", Always,
            Step: "the out-of-room milestone, after Sign Out and explant reconciliation (POST /api/cases/{n}/theatre/milestones)"),
        new(CaseTrigger.Discharge, [CaseState.Recovering], CaseState.Discharged, [Roles.Surgeon, Roles.Nurse], "—", Always,
            Step: "the discharge record (POST /api/cases/{n}/recovery/discharge)"),
        new(CaseTrigger.StartFollowUp, [CaseState.Discharged], CaseState.FollowUp, [Roles.Surgeon, Roles.Nurse], "—", Always,
            Step: "the follow-up plan generated with the discharge record"),
        new(CaseTrigger.Close, [CaseState.FollowUp], CaseState.Closed, [Roles.Surgeon], "—", Always,
            Step: "closure of the follow-up record (POST /api/cases/{n}/recovery/close)"),
        new(CaseTrigger.Postpone, [CaseState.Decided, CaseState.Consented, CaseState.Ready, CaseState.Scheduled, CaseState.CheckedIn], CaseState.Postponed,
            [Roles.Surgeon, Roles.Anesthesiologist, Roles.Scheduler], "a reason is given", (c, r) => string.IsNullOrWhiteSpace(r.Reason) ? "postponing needs a reason" : null),
        new(CaseTrigger.Resume, [CaseState.Postponed], CaseState.Consented, [Roles.Surgeon],
            "consent still valid for the current plan", (c, r) => c.ConsentBlocker()),
        new(CaseTrigger.Reassess, [CaseState.Postponed], CaseState.Assessed, [Roles.Surgeon], "—", Always),
        new(CaseTrigger.Cancel, Cancellable, CaseState.Cancelled, [Roles.Surgeon, Roles.Scheduler, Roles.Admin],
            "a cancellation reason code is given", (c, r) => r.CancelReason is null ? "cancelling needs a reason code" : null),
        new(CaseTrigger.ConsentWithdrawn, [CaseState.Consented, CaseState.Ready, CaseState.Scheduled, CaseState.CheckedIn, CaseState.Postponed], CaseState.Decided,
            [Roles.Surgeon, Roles.Nurse], "the patient withdrew consent (recorded with a reason): re-consent required", (c, r) => string.IsNullOrWhiteSpace(r.Reason) ? "recording a withdrawal needs the patient's reason" : null,
            Step: "the consent withdrawal (POST /api/cases/{n}/consents/{v}/withdraw)"),
        // Surgeons change plans; any clinical role may record hardware found on the construct, which changes an "all components" plan.
        new(CaseTrigger.PlanChanged, [CaseState.Consented, CaseState.Ready, CaseState.Scheduled, CaseState.Postponed], CaseState.Decided,
            [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist], "the plan changed after consent: re-consent required", Always,
            Step: "a plan change after consent (PUT /api/cases/{n}/plan, or hardware added to the construct)"),
    ];

    public static IEnumerable<Transition> From(CaseState state) => Table.Where(t => t.From.Contains(state));

    public static Transition? Find(CaseState from, CaseTrigger trigger) =>
        Table.FirstOrDefault(t => t.Trigger == trigger && t.From.Contains(from));

    public static string ToMarkdown()
    {
        var sb = new StringBuilder("| Trigger | From | To | Fired by | Roles | Guard |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var t in Table)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"| {t.Trigger} | {string.Join(", ", t.From)} | {t.To} | {(t.FiredByPerson ? "a person" : "system: " + t.Step)} | {string.Join(", ", t.Roles)} | {t.GuardText} |\n");
        }
        return sb.ToString();
    }
}
