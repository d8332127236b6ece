using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// Counts the queries (reads) the app sends to its database, so a test can pin how many one request costs and an N+1
/// cannot come back unnoticed (issue #17). Writes are not counted: an audit or access-log insert is not a read path.
/// Registered on every <see cref="ExplantFactory"/>; counts only while a test has armed it with <see cref="Start"/>.
/// The reads SQLite runs outside EF, on statements kept prepared (SqliteHotReads), are counted and planned the same way.
/// </summary>
public sealed partial class QueryCounter : DbCommandInterceptor, IDbConnectionInterceptor, Explant.Core.Data.ISqliteReadObserver
{
    private int count;
    private int rows;
    private int opens;
    private volatile bool armed;
    private volatile bool plans;
    private readonly List<string> texts = [];
    private readonly List<string> scans = [];

    /// <summary>
    /// Starts counting from zero; the result stops it. With <paramref name="withPlans"/>, on SQLite, each counted query's
    /// plan is asked for too (EXPLAIN QUERY PLAN, same parameters) and every table it reads whole is listed in
    /// <see cref="Counting.FullScans"/>: a fixed number of queries that each read a whole table still grows with the registry.
    /// </summary>
    public Counting Start(bool withPlans = false)
    {
        lock (texts)
        {
            texts.Clear();
            scans.Clear();
        }
        plans = withPlans;
        Interlocked.Exchange(ref count, 0);
        Interlocked.Exchange(ref rows, 0);
        Interlocked.Exchange(ref opens, 0);
        armed = true;
        return new Counting(this);
    }

    public sealed class Counting(QueryCounter counter) : IDisposable
    {
        public int Count => counter.count;

        /// <summary>
        /// The rows the counted queries read: a fixed number of queries can still load a whole table, so a read that must
        /// touch one patient's records pins this too.
        /// </summary>
        public int Rows => counter.rows;

        /// <summary>
        /// The connections opened, the access log's own included: each open costs a round of set-up (on SQLite EF
        /// registers its SQL functions again), so a read path opens its request's connection once.
        /// </summary>
        public int Opens => counter.opens;

        /// <summary>"table: plan line" for each table a counted query read whole (SQLite, <c>Start(withPlans: true)</c>).</summary>
        public IReadOnlyList<string> FullScans
        {
            get
            {
                lock (counter.texts)
                {
                    return [.. counter.scans];
                }
            }
        }

        /// <summary>The counted commands, for the failure message of a test.</summary>
        public string Log
        {
            get
            {
                lock (counter.texts)
                {
                    return string.Join("\n---\n", counter.texts);
                }
            }
        }

        public void Dispose() => counter.armed = false;
    }

    private void Record(DbCommand command)
    {
        if (!armed)
        {
            return;
        }
        var text = command.CommandText.TrimStart();
        if (text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        Interlocked.Increment(ref count);
        lock (texts)
        {
            texts.Add(text);
        }
        if (plans && command is SqliteCommand sqlite)
        {
            RecordScans(sqlite);
        }
    }

    [GeneratedRegex("\"(\\w+)\" AS \"(\\w+)\"")]
    private static partial Regex TableAlias();

    // A SCAN reads every row, in table order or in an index's order ("SCAN alias USING (COVERING) INDEX …"); only a
    // SEARCH seeks. Virtual tables (EF's json_each over a parameter list) are named in the allowed lists.
    [GeneratedRegex("^SCAN (\\w+)(?: USING (?:COVERING )?INDEX \\S+)?$")]
    private static partial Regex WholeTable();

    private void RecordScans(SqliteCommand command)
    {
        using var explain = command.Connection!.CreateCommand();
        explain.Transaction = command.Transaction;
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        foreach (SqliteParameter p in command.Parameters)
        {
            explain.Parameters.AddWithValue(p.ParameterName, p.Value ?? DBNull.Value);
        }
        var tables = TableAlias().Matches(command.CommandText).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value, StringComparer.Ordinal);
        using var reader = explain.ExecuteReader();
        var detail = reader.GetOrdinal("detail");
        while (reader.Read())
        {
            if (WholeTable().Match(reader.GetString(detail)) is { Success: true } m)
            {
                var alias = m.Groups[1].Value;
                lock (texts)
                {
                    scans.Add($"{tables.GetValueOrDefault(alias, alias)}: {reader.GetString(detail)} in {command.CommandText}");
                }
            }
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result,
        CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        CountRows(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        CountRows(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void CountRows(DbCommand command, DataReaderClosingEventData eventData)
    {
        if (armed && !command.CommandText.TrimStart().StartsWith("INSERT", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Add(ref rows, eventData.ReadCount);
        }
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public void Executing(SqliteCommand command) => Record(command);

    public void Executed(SqliteCommand command, int rows)
    {
        if (armed)
        {
            Interlocked.Add(ref this.rows, rows);
        }
    }

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        CountOpen();
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        CountOpen();
        return ValueTask.FromResult(result);
    }

    private void CountOpen()
    {
        if (armed)
        {
            Interlocked.Increment(ref opens);
        }
    }
}
