using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Data;

/// <summary>The client's If-Match named an older revision (HTTP 412).</summary>
public sealed class StaleRevisionException(string what, long expected, long current)
    : Exception($"{what} has changed (you had revision {expected}, it is now {current}); reload and retry")
{
    public long Current { get; } = current;
}

public static class Concurrency
{
    // The aggregates whose save the caller made conditional (If-Match, a form's revision) in the context's current unit
    // of work: a lost race on one of them is the caller's 412, not contention to absorb (see Contention).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, HashSet<object>> Preconditioned = new();

    /// <summary>True when the failed save touched an aggregate the caller named a revision for.</summary>
    internal static bool BreaksPrecondition(DbContext db, DbUpdateConcurrencyException e) =>
        Preconditioned.TryGetValue(db, out var set) && e.Entries.Any(x => set.Contains(x.Entity));

    internal static void ForgetPreconditions(DbContext db) => Preconditioned.Remove(db);

    /// <summary>"\"7\"" — the entity tag of an aggregate revision.</summary>
    public static string ETag(long revision) => $"\"{revision}\"";

    /// <summary>Parses an If-Match value produced by <see cref="ETag"/>; null when absent or "*".</summary>
    public static long? ParseIfMatch(string? ifMatch)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*")
        {
            return null;
        }
        var t = ifMatch.Trim();
        if (t.StartsWith("W/", StringComparison.Ordinal))
        {
            t = t[2..];
        }
        return long.TryParse(t.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r)
            ? r
            : throw new ValidationException(new Dictionary<string, string[]> { ["If-Match"] = [$"'{ifMatch}' is not an entity tag of this resource"] });
    }

    /// <summary>
    /// Makes the save conditional on the revision the client saw: checked now, and again by the database
    /// (EF's concurrency token) so a writer racing in between also loses.
    /// </summary>
    public static void Expect<T>(DbContext db, T aggregate, long? expected, string what) where T : class, IVersioned
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(aggregate);
        if (expected is not { } e)
        {
            return;
        }
        Preconditioned.GetValue(db, _ => new HashSet<object>(ReferenceEqualityComparer.Instance)).Add(aggregate);
        if (e != aggregate.Revision)
        {
            throw new StaleRevisionException(what, e, aggregate.Revision);
        }
        db.Entry(aggregate).Property(x => x.Revision).OriginalValue = e;
    }
}
