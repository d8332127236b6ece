using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Explant.Core.Data;

/// <summary>
/// A write that set no precondition kept losing to concurrent writers after every retry (HTTP 503 with Retry-After):
/// nothing of it was stored.
/// </summary>
public sealed class ContentionException(Exception inner)
    : Exception("the record kept changing while this change was saved; nothing was stored, retry in a moment", inner);

/// <summary>
/// The one place a write meets contention (issue #16 §7). A command that lost a race without having named a revision
/// (no If-Match, no form revision) did nothing wrong: it is run again from the start on a fresh change tracker, so it
/// re-reads the current state and its role, validation and rules are checked again on that state. A lost race on an
/// aggregate the caller named a revision for stays the caller's 412 (<see cref="StaleRevisionException"/>,
/// DbUpdateConcurrencyException). Only safe for a unit of work with one SaveChanges, which every command is: a failed
/// save stored nothing, so running it again cannot store anything twice.
/// </summary>
public static class Contention
{
    /// <summary>Attempts in all (the first and five retries); then <see cref="ContentionException"/>.</summary>
    public const int MaxAttempts = 6;

    public static async Task<T> RetryAsync<T>(DbContext db, Func<Task<T>> command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(command);
        for (var attempt = 1; ; attempt++)
        {
            Concurrency.ForgetPreconditions(db);
            try
            {
                return await command();
            }
            catch (Exception e) when (Retryable(db, e) && attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
                // Jittered and growing, so the writers that collided do not collide again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25) * attempt), ct);
            }
            catch (DbUpdateConcurrencyException e) when (!Concurrency.BreaksPrecondition(db, e))
            {
                db.ChangeTracker.Clear();
                throw new ContentionException(e);
            }
        }
    }

    public static Task RetryAsync(DbContext db, Func<Task> command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RetryAsync(db, async () => { await command(); return true; }, ct);
    }

    private static bool Retryable(DbContext db, Exception e) => e switch
    {
        DbUpdateConcurrencyException c => !Concurrency.BreaksPrecondition(db, c),
        // Two writers creating the same natural key at once (a room-day, a person-day, the next case number): the second
        // finds the first's row when it runs again. A real duplicate meets the command's own check (or the same
        // violation every time, then answered 409 as before).
        DbUpdateException u => DatabaseFaults.IsUniqueViolation(u) || u.InnerException is SqliteException busy && DatabaseFaults.IsBusy(busy),
        // SQLite's writer lock still held after the busy timeout: nothing was written, run again.
        SqliteException s => DatabaseFaults.IsBusy(s),
        _ => false,
    };
}

/// <summary>Recognises the provider exceptions that mean "the database cannot be reached or is busy", not "bad request".</summary>
public static class DatabaseFaults
{
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteCantOpen = 14, SqliteConstraint = 19;

    /// <summary>
    /// The database could not be reached (or stayed busy) even after the provider's retries: the request did not
    /// complete and can be sent again later (HTTP 503 with Retry-After).
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Thrown only by a retrying execution strategy after transient failures (PostgreSQL).
                case SaveNotCommittedException { ConnectionLost: true }:
                case Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException:
                case NpgsqlException { IsTransient: true }:
                case System.Net.Sockets.SocketException:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteCantOpen }:
                    return true;
            }
        }
        return false;
    }

    public static bool IsBusy(SqliteException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.SqliteErrorCode is SqliteBusy or SqliteLocked;
    }

    public static bool IsUniqueViolation(DbUpdateException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.InnerException switch
        {
            PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
            // 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY.
            SqliteException s => s.SqliteErrorCode == SqliteConstraint && s.SqliteExtendedErrorCode is 2067 or 1555,
            _ => false,
        };
    }
}
