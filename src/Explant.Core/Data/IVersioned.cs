namespace Explant.Core.Data;

/// <summary>
/// An aggregate with an optimistic-concurrency revision. The save pipeline bumps it on every update and
/// EF checks the original value, so a stale writer fails (HTTP 412) instead of overwriting.
/// </summary>
public interface IVersioned
{
    long Revision { get; set; }
}

/// <summary>Field-level validation failure: keys are field names or JSON paths (HTTP 400 ValidationProblem).</summary>
public sealed class ValidationException(IDictionary<string, string[]> errors)
    : Exception("validation failed: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
