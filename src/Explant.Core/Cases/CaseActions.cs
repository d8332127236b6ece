using Explant.Core.Auth;

namespace Explant.Core.Cases;

/// <summary>Whether the page offers a control: <see cref="Allowed"/>, or not with the plain-words <see cref="Reason"/>.</summary>
public sealed record ActionAvailability(bool Allowed, string? Reason)
{
    public static readonly ActionAvailability Yes = new(true, null);

    public static ActionAvailability No(string reason) => new(false, reason);
}

/// <summary>One person's transition for the case page: <see cref="Mine"/> when this actor's role fires it.</summary>
public sealed record TransitionAction(CaseTrigger Trigger, bool Mine, string? Blocker, IReadOnlyList<string> Roles)
{
    /// <summary>Cancel, postpone and the like end or undo work: the page styles them secondary and asks for confirmation.</summary>
    public bool Destructive => Trigger is CaseTrigger.Cancel or CaseTrigger.Postpone;
}

/// <summary>
/// What the case page offers one actor in the case's current state (issue #13 §4): the roles come from the write-route
/// table <see cref="WriteAccess.Table"/> (the same roles the Core commands check) and the states from the aggregate's own
/// predicates, so the page never restates a rule. The commands still refuse on their own; this only decides what is shown.
/// </summary>
public sealed record CaseActions(
    ActionAvailability Plan, ActionAvailability Indication, ActionAvailability InfectionEvidence, ActionAvailability FusionEvidence,
    ActionAvailability Decision, ActionAvailability Consent, ActionAvailability HandOver, IReadOnlyList<TransitionAction> Transitions)
{
    public static CaseActions For(SurgicalCase c, CaseActor actor, Readiness.ReadinessReport? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(actor);
        var finished = c.IsTerminal ? $"the case is {Labels.Of(c.State)}" : null;
        var preOp = c.BeforeTheatre ? null : finished ?? "the operation has started: pre-operative details are frozen";

        ActionAvailability Route(string method, string route, string? stateReason)
        {
            var roles = WriteAccess.Find(method, route)?.Roles ?? throw new InvalidOperationException($"{method} {route} is not in WriteAccess.Table");
            if (!actor.IsIn(roles))
            {
                return ActionAvailability.No($"for {Labels.Roles(roles)}");
            }
            return stateReason is null ? ActionAvailability.Yes : ActionAvailability.No(stateReason);
        }

        string? InStates(CaseState[] states, string what) => states.Contains(c.State)
            ? null : finished ?? $"{what} is recorded when the case is {string.Join(" or ", states.Select(Labels.Of))}";

        return new CaseActions(
            Route("PUT", "/api/cases/{id}/plan", preOp),
            Route("POST", "/api/cases/{id}/indications", finished),
            Route("PUT", "/api/cases/{id}/evidence/infection", preOp),
            Route("POST", "/api/cases/{id}/evidence/fusion", preOp),
            Route("POST", "/api/cases/{id}/decision", InStates(SurgicalCase.DecisionStates, "the shared decision")),
            Route("POST", "/api/cases/{id}/consents", InStates(SurgicalCase.ConsentStates, "a consent document")),
            Route("POST", "/api/cases/{id}/hand-over", c.HandOverRefusal()?.Message),
            [.. c.NextActions(readiness).Select(a =>
            {
                var roles = CaseTransitions.Find(c.State, a.Trigger)!.Roles;
                return new TransitionAction(a.Trigger, actor.IsIn(roles), a.Blocker, roles);
            })]);
    }
}
