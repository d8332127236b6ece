using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Explant.Core.Data;

/// <summary>
/// Backup, restore and verification of the database (issue #16 §6). SQLite uses SQLite's online backup API
/// (Microsoft.Data.Sqlite's <see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>): a consistent copy of one
/// moment while the app keeps writing. PostgreSQL uses the server's own tools, pg_dump and pg_restore, when they are
/// on the PATH; otherwise the command says exactly what to run.
/// </summary>
public static class DatabaseBackup
{
    public sealed record Outcome(bool Done, string Message);

    /// <summary>What a backup file holds: its integrity and the schema version (last migration) it was made at.</summary>
    public sealed record Verification(bool Intact, string Detail, string? SchemaVersion, string AppSchemaVersion)
    {
        public bool SameSchema => SchemaVersion == AppSchemaVersion;
    }

    public static async Task<Outcome> BackupAsync(DatabaseOptions options, string output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (File.Exists(output))
        {
            throw new ArgumentException($"--output: {output} exists; choose a new file (a backup never overwrites one)");
        }
        var connection = options.ResolveConnectionString();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var (command, args, password) = PgTool("pg_dump", connection, ["--format=custom", "--no-owner", $"--file={output}"]);
            return await RunToolAsync(command, args, password, ct);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await using var source = new SqliteConnection(connection);
        await source.OpenAsync(ct);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = output, Pooling = false }.ToString());
        await target.OpenAsync(ct);
        // One backup step copies every page under a read lock: a single consistent moment even while others write.
        await BackupWhenNotBusyAsync(source, target, ct);
        await SingleFileAsync(target, ct);
        return new Outcome(true, $"backup written to {Path.GetFullPath(output)}");
    }

    /// <summary>How long a backup waits for a writer's lock before it gives up, as long as a command waits (Microsoft.Data.Sqlite's default).</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The online backup, waiting out a writer's brief lock. Microsoft.Data.Sqlite retries a busy command itself but sets
    /// no busy handler on the connection, so <c>sqlite3_backup_step</c> answered SQLITE_BUSY at once when a write of the
    /// running app (a checkpoint, the write-ahead log starting over) held a lock the read needs: `db backup` then failed
    /// while the app wrote, seen once in CI (and a restore meets the same when a reader holds the live file). The busy
    /// timeout lets SQLite wait inside the step; a step that still finds
    /// the database busy or locked is tried again until <see cref="BusyWait"/> has passed, then the error stands.
    /// </summary>
    private static async Task BackupWhenNotBusyAsync(SqliteConnection source, SqliteConnection target, CancellationToken ct)
    {
        foreach (var connection in new[] { source, target })
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyWait.TotalMilliseconds}";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                source.BackupDatabase(target);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && waited.Elapsed < BusyWait) // SQLITE_BUSY, SQLITE_LOCKED
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>Replaces the configured database with <paramref name="input"/> after verifying it; refuses to overwrite data without <paramref name="force"/>.</summary>
    public static async Task<Outcome> RestoreAsync(DatabaseOptions options, string input, bool force, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(input))
        {
            throw new ArgumentException($"--input: {input} does not exist");
        }
        var connection = options.ResolveConnectionString();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            if (!force)
            {
                return new Outcome(false, "restore replaces the data in the configured PostgreSQL database; add --force to do it");
            }
            var (command, args, password) = PgTool("pg_restore", connection, ["--clean", "--if-exists", "--no-owner", "--single-transaction", input]);
            return await RunToolAsync(command, args, password, ct);
        }
        var check = await VerifyAsync(options, input, ct);
        if (!check.Intact)
        {
            return new Outcome(false, $"{input} is not a sound backup: {check.Detail}; nothing was restored");
        }
        var targetPath = new SqliteConnectionStringBuilder(connection).DataSource;
        if (!force && File.Exists(targetPath) && new FileInfo(targetPath).Length > 0)
        {
            return new Outcome(false, $"{Path.GetFullPath(targetPath)} exists; restore would replace its data — add --force to do it");
        }
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = input, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await source.OpenAsync(ct);
        await using var target = new SqliteConnection(connection);
        await target.OpenAsync(ct);
        // The backup API writes the whole file in one step under a write lock: readers see the old or the new data, never
        // half. A reader still holding the old data is waited out like a writer is in a backup.
        await BackupWhenNotBusyAsync(source, target, ct);
        var note = check.SameSchema ? "" : $" (schema {check.SchemaVersion ?? "none"}; this version expects {check.AppSchemaVersion}: run `db migrate`)";
        return new Outcome(true, $"restored {Path.GetFullPath(input)} into {Path.GetFullPath(targetPath)}{note}");
    }

    /// <summary>
    /// The live database runs in write-ahead-log mode (Migrator), and the backup API copies that mode into the header:
    /// switch the copy back to a rollback journal so the backup is one self-contained file, readable without a -wal/-shm.
    /// </summary>
    private static async Task SingleFileAsync(SqliteConnection target, CancellationToken ct)
    {
        await using var command = target.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE";
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Integrity check and schema version of a SQLite backup, or a readable table of contents of a PostgreSQL dump.</summary>
    public static async Task<Verification> VerifyAsync(DatabaseOptions options, string input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(input))
        {
            throw new ArgumentException($"--input: {input} does not exist");
        }
        var latest = LatestMigration(options.Provider);
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var listed = await RunToolAsync("pg_restore", ["--list", input], null, ct);
            return new Verification(listed.Done, listed.Done ? "pg_restore can read the dump" : listed.Message, null, latest);
        }
        try
        {
            await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = input, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await db.OpenAsync(ct);
            await using var integrity = db.CreateCommand();
            integrity.CommandText = "PRAGMA integrity_check";
            var result = (string?)await integrity.ExecuteScalarAsync(ct);
            if (result != "ok")
            {
                return new Verification(false, $"integrity check: {result}", null, latest);
            }
            await using var version = db.CreateCommand();
            version.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1";
            var schema = (string?)await version.ExecuteScalarAsync(ct);
            return new Verification(true, "integrity check: ok", schema, latest);
        }
        catch (SqliteException e)
        {
            return new Verification(false, e.Message, null, latest);
        }
    }

    /// <summary>The last migration this build of the app knows for the provider.</summary>
    public static string LatestMigration(DatabaseProvider provider)
    {
        var contextType = provider == DatabaseProvider.Postgres ? typeof(PostgresExplantDbContext) : typeof(SqliteExplantDbContext);
        return contextType.Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(DbContextAttribute), false).OfType<DbContextAttribute>().Any(a => a.ContextType == contextType)
                && t.GetCustomAttributes(typeof(MigrationAttribute), false).Length > 0)
            .Select(t => ((MigrationAttribute)t.GetCustomAttributes(typeof(MigrationAttribute), false)[0]).Id)
            .Max(StringComparer.Ordinal) ?? "";
    }

    /// <summary>The libpq command line for a connection string; the password travels in PGPASSWORD, never on the command line.</summary>
    private static (string Command, string[] Args, string? Password) PgTool(string tool, string connection, string[] extra)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        return (tool, [$"--host={b.Host}", $"--port={b.Port}", $"--username={b.Username}", $"--dbname={b.Database}", .. extra], b.Password);
    }

    private static async Task<Outcome> RunToolAsync(string command, string[] args, string? password, CancellationToken ct)
    {
        var shown = $"{command} {string.Join(' ', args)}";
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        if (password is not null)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(ct);
            _ = await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return process.ExitCode == 0 ? new Outcome(true, $"done: {shown}") : new Outcome(false, $"{command} failed ({process.ExitCode}): {(await error).Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Outcome(false, $"{command} is not installed here. Run on a machine with the PostgreSQL client tools (password in PGPASSWORD): {shown}");
        }
    }
}
