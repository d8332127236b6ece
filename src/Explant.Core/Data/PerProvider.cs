using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Data;

/// <summary>
/// One EF compiled query per context type. A compiled query binds to the provider of the first context that runs it,
/// so a process holding both SQLite and PostgreSQL contexts (the test suite, a migration between them) would send
/// SQLite's SQL to PostgreSQL; keyed by the context's type, each provider gets its own.
/// </summary>
public sealed class PerProvider<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConcurrentDictionary<Type, TQuery> byContext = new();

    public TQuery For(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return byContext.GetOrAdd(db.GetType(), _ => compile());
    }
}
