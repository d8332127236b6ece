using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

/// <summary>
/// SQLite only: the small reads every API request and every case read make (a bearer token's security stamp, a
/// remembered case's stamp, the case page's staff names), run as statements kept prepared on connections kept open,
/// outside EF (issue #17, decision 0009).
/// </summary>
/// <remarks>
/// Through EF each of these reads paid for opening a connection (on every open EF registers its twelve SQL functions and
/// its collation on the native connection again, and on every close Microsoft.Data.Sqlite removes them), for preparing
/// the statement (Microsoft.Data.Sqlite keeps no statement cache across commands, dotnet/efcore#14044) and for EF's
/// query pipeline: about a fifth of a warm case read's CPU in a perf profile; taking them out more than doubled the case
/// JSON's rate (docs/benchmarks.md, sixth session).
/// A statement kept prepared here costs a bind, a step and a reset.
/// Each read starts its own read transaction (autocommit; the reader is disposed, so the statement is reset before the
/// connection goes back), so it sees every write committed before it, by any connection or process, exactly as EF's read
/// did. The statements are compared with EF's translation of the same query by the tests (SqliteHotReadsTests).
/// On PostgreSQL <see cref="Enabled"/> is false and callers keep their EF query: Npgsql pools connections and prepares
/// statements itself.
/// </remarks>
public sealed class SqliteHotReads : IDisposable
{
    /// <summary>Idle connections kept at most; a burst beyond it opens more and closes them after use.</summary>
    private static readonly int MaxIdle = Math.Max(8, Environment.ProcessorCount * 4);

    private readonly string? connectionString;
    private readonly ISqliteReadObserver[] observers;
    private readonly ConcurrentBag<Lease> idle = [];
    private int idleCount;
    private volatile bool disposed;

    public SqliteHotReads(IOptions<DatabaseOptions> options, IEnumerable<ISqliteReadObserver> observers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        connectionString = o.Provider == DatabaseProvider.Sqlite ? o.ResolveConnectionString() : null;
        this.observers = [.. observers ?? []];
    }

    /// <summary>True on SQLite; on PostgreSQL callers use their EF query.</summary>
    public bool Enabled => connectionString is not null;

    /// <summary>
    /// Runs <paramref name="statement"/> with <paramref name="value"/> bound to its one parameter and maps the first row, or
    /// returns null when there is none. Synchronous like Microsoft.Data.Sqlite's async methods, which run on the caller's
    /// thread too.
    /// </summary>
    public T? ReadOne<T>(HotStatement statement, object value, Func<SqliteDataReader, T> map) where T : class? =>
        Run(statement, value, reader => reader.Read() ? (map(reader), 1) : (null, 0));

    /// <summary>Runs <paramref name="statement"/> (its parameter bound to <paramref name="value"/>, if it has one) and maps every row.</summary>
    public List<T> ReadAll<T>(HotStatement statement, object? value, Func<SqliteDataReader, T> map) =>
        Run(statement, value, reader =>
        {
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }
            return (rows, rows.Count);
        });

    private TResult Run<TResult>(HotStatement statement, object? value, Func<SqliteDataReader, (TResult Result, int Rows)> read)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (connectionString is null)
        {
            throw new InvalidOperationException("hot reads are for SQLite only; check Enabled first");
        }
        var lease = Take();
        try
        {
            var command = lease.CommandFor(statement);
            if (statement.Parameter is not null)
            {
                command.Parameters[0].Value = value ?? DBNull.Value;
            }
            foreach (var o in observers)
            {
                o.Executing(command);
            }
            (TResult Result, int Rows) done;
            using (var reader = command.ExecuteReader())
            {
                done = read(reader);
            }
            foreach (var o in observers)
            {
                o.Executed(command, done.Rows);
            }
            if (statement.Parameter is not null)
            {
                command.Parameters[0].Value = DBNull.Value;
            }
            Return(lease);
            return done.Result;
        }
        catch
        {
            // A connection that failed mid-read is not trusted again.
            lease.Dispose();
            throw;
        }
    }

    private Lease Take()
    {
        if (idle.TryTake(out var lease))
        {
            Interlocked.Decrement(ref idleCount);
            return lease;
        }
        return Lease.Open(connectionString!);
    }

    private void Return(Lease lease)
    {
        if (!disposed && Interlocked.Increment(ref idleCount) <= MaxIdle)
        {
            idle.Add(lease);
            // Disposed meanwhile: the loop in Dispose may have run before the add.
            if (disposed)
            {
                DisposeIdle();
            }
            return;
        }
        Interlocked.Decrement(ref idleCount);
        lease.Dispose();
    }

    private void DisposeIdle()
    {
        while (idle.TryTake(out var lease))
        {
            Interlocked.Decrement(ref idleCount);
            lease.Dispose();
        }
    }

    public void Dispose()
    {
        disposed = true;
        DisposeIdle();
    }

    /// <summary>One open connection with the statements prepared on it so far.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly Dictionary<HotStatement, SqliteCommand> commands = [];

        private Lease(SqliteConnection connection) => this.connection = connection;

        public static Lease Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                return new Lease(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public SqliteCommand CommandFor(HotStatement statement)
        {
            if (!commands.TryGetValue(statement, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = statement.Sql;
                if (statement.Parameter is not null)
                {
                    command.Parameters.Add(new SqliteParameter(statement.Parameter, DBNull.Value));
                }
                command.Prepare();
                commands[statement] = command;
            }
            return command;
        }

        public void Dispose()
        {
            foreach (var command in commands.Values)
            {
                command.Dispose();
            }
            connection.Dispose();
        }
    }
}

/// <summary>
/// A read <see cref="SqliteHotReads"/> keeps prepared: its SQL and the name of its one parameter, if any. Held in a static field
/// by its caller; a connection finds its prepared command by this object's identity (hashing the SQL text on every read
/// would cost more than the lookup saves).
/// </summary>
public sealed class HotStatement(string sql, string? parameter = null)
{
    public string Sql { get; } = sql;

    public string? Parameter { get; } = parameter;
}

/// <summary>
/// Sees each hot read as EF's command interceptors see EF's (the tests count queries and check their plans); none is
/// registered in production.
/// </summary>
public interface ISqliteReadObserver
{
    void Executing(SqliteCommand command);

    void Executed(SqliteCommand command, int rows);
}
