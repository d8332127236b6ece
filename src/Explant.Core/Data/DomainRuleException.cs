namespace Explant.Core.Data;

/// <summary>
/// A refused action. <see cref="Rule"/> names the rule that forbids it so that the user (and the audit trail)
/// sees why, e.g. "case 41 cannot be scheduled: readiness has 2 blocking items". Web: 409/422; CLI: exit 1.
/// </summary>
public sealed class DomainRuleException(string rule, string message, bool unprocessable = false, bool forbidden = false) : Exception(message)
{
    public string Rule { get; } = rule;

    /// <summary>True when the request can never succeed as sent (422) rather than conflicting with current state (409).</summary>
    public bool Unprocessable { get; } = unprocessable;

    /// <summary>The actor lacks the role the rule requires (HTTP 403).</summary>
    public bool Forbidden { get; } = forbidden;
}
