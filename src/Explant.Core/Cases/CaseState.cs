namespace Explant.Core.Cases;

public enum CaseState
{
    Referred,
    Assessed,
    Decided,
    Consented,
    Ready,
    Scheduled,
    CheckedIn,
    InTheatre,
    Recovering,
    Discharged,
    FollowUp,
    Closed,
    Postponed,
    Cancelled,
    Declined,
}

public enum CaseTrigger
{
    Assess,
    Decide,
    Decline,
    Consent,
    AttestReady,
    Schedule,
    CheckIn,
    EnterTheatre,
    LeaveTheatre,
    Discharge,
    StartFollowUp,
    Close,
    Postpone,
    Resume,
    Reassess,
    Cancel,
    /// <summary>The patient withdrew consent: back to Decided until a new consent is signed.</summary>
    ConsentWithdrawn,
    /// <summary>System transition: a plan change after consent sends the case back to Decided for re-consent.</summary>
    PlanChanged,
}

public enum CancelReason
{
    PatientRequest,
    MedicalContraindication,
    NoLongerIndicated,
    Duplicate,
    TransferredElsewhere,
    Other,
}

/// <summary>Who is acting on a case, with their roles (from Identity).</summary>
public sealed record CaseActor(string Name, IReadOnlyCollection<string> Roles)
{
    public bool IsIn(IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>Refuses (403, rule "role:{what}") unless the actor holds one of the roles.</summary>
    public void Require(string what, params string[] roles)
    {
        if (!IsIn(roles))
        {
            throw new Data.DomainRuleException($"role:{what}", $"{what} needs role {string.Join(" or ", roles)}", forbidden: true);
        }
    }
}
