using System.Collections.Concurrent;
using System.Text.Json;
using Explant.Cli;
using Explant.Core.Data;
using Explant.Core.Patients;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core.Tests.Cli;

/// <summary>Issue #16 §6: `db backup`, `db restore`, `db verify` on SQLite, with the app writing during the backup.</summary>
public sealed class BackupCliTests() : CliHarness("explant-backup-")
{
    private static readonly DateOnly Today = new(2026, 12, 3);

    private async Task<HashSet<string>> MrnsIn(string databasePath)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT Mrn FROM Patients";
        var mrns = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            mrns.Add(reader.GetString(0));
        }
        return mrns;
    }

    /// <summary>Registers patients one save at a time until stopped; each MRN is recorded once its save returned.</summary>
    private async Task WriteUntil(CancellationToken stop, ConcurrentQueue<string> acknowledged)
    {
        await using var services = new CliConsole(TextWriter.Null, TextWriter.Null, Settings).BuildServices();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var mrn = $"BK-{i:D5}";
            db.Patients.Add(Patient.Register(new("General", mrn, "Backup", "Writer", new DateOnly(1970, 1, 1), Sex.Female, 70, 170, [], []), Today));
            await db.SaveChangesAsync(CancellationToken.None);
            acknowledged.Enqueue(mrn);
        }
    }

    /// <summary>Waits for the writer to get somewhere; a writer that failed fails the test with its own exception.</summary>
    private static async Task WaitFor(Func<bool> reached, Task writer)
    {
        for (var i = 0; !reached(); i++)
        {
            if (writer.IsCompleted)
            {
                await writer;
                throw new InvalidOperationException("the writer stopped before it was told to");
            }
            Assert.True(i < 6000, "the writer made no progress"); // a guard against hanging, not a timing assertion
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_backup_taken_while_the_app_writes_holds_every_acknowledged_write_and_restores_with_nothing_lost()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("db", "migrate")).Exit);
        var acknowledged = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        // On a thread of its own: SQLite's async calls complete synchronously, so the loop would never give the test back its turn.
        var writer = Task.Run(() => WriteUntil(stop.Token, acknowledged));
        await WaitFor(() => acknowledged.Count >= 20, writer);

        var before = acknowledged.ToHashSet();
        var file = Path.Combine(Dir, "backup.db");
        var backup = await Run("db", "backup", "--output", file);
        Assert.True(backup.Exit == ExitCodes.Ok, $"exit {backup.Exit}: {backup.Err}");
        var after = acknowledged.Count;
        await WaitFor(() => acknowledged.Count >= after + 10, writer);
        await stop.CancelAsync();
        await writer;

        var inBackup = await MrnsIn(file);
        Assert.Superset(before, inBackup); // every write acknowledged before the backup started is in it
        Assert.True(inBackup.Count < acknowledged.Count, "writes went on after the backup, and the backup is one moment");
        // One consistent moment: the writes in the backup are exactly the first N the writer made.
        Assert.Equal(acknowledged.Take(inBackup.Count).ToHashSet(), inBackup);

        var verify = await Run("db", "verify", "--input", file, "--json");
        Assert.Equal(ExitCodes.Ok, verify.Exit);
        var v = JsonDocument.Parse(verify.Out).RootElement;
        Assert.True(v.GetProperty("intact").GetBoolean());
        Assert.True(v.GetProperty("sameSchema").GetBoolean());
        Assert.Equal(DatabaseBackup.LatestMigration(DatabaseProvider.Sqlite), v.GetProperty("schemaVersion").GetString());

        // Restore into the live database: refused without --force, nothing changed; with --force it is the backup.
        var live = Settings["Database:SqlitePath"]!;
        var refused = await Run("db", "restore", "--input", file);
        Assert.Equal(ExitCodes.DomainFailure, refused.Exit);
        Assert.Contains("--force", refused.Err, StringComparison.Ordinal);
        Assert.Equal(acknowledged.ToHashSet(), await MrnsIn(live));
        SqliteConnection.ClearAllPools();
        Assert.Equal(ExitCodes.Ok, (await Run("db", "restore", "--input", file, "--force")).Exit);
        Assert.Equal(inBackup, await MrnsIn(live));

        // Into a new database file: no --force needed.
        Settings["Database:SqlitePath"] = Path.Combine(Dir, "restored.db");
        Assert.Equal(ExitCodes.Ok, (await Run("db", "restore", "--input", file)).Exit);
        Assert.Equal(inBackup, await MrnsIn(Settings["Database:SqlitePath"]!));
    }

    [Fact]
    public async Task A_backup_waits_for_a_lock_held_by_another_connection_instead_of_failing()
    {
        // A database in rollback-journal mode, where a writer's exclusive lock keeps every reader out, so the wait is
        // certain (in the live write-ahead-log mode the same SQLITE_BUSY comes only in brief moments, as in the CI run
        // where `db backup` failed while the app wrote).
        var path = Path.Combine(Dir, "locked.db");
        Settings["Database:SqlitePath"] = path;
        var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await blocker.OpenAsync();
        await using (var create = blocker.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode = DELETE; CREATE TABLE t(x); INSERT INTO t VALUES (42); BEGIN EXCLUSIVE;";
            await create.ExecuteNonQueryAsync();
        }
        var file = Path.Combine(Dir, "waited.db");
        // On a thread of its own: SQLite's calls complete synchronously, so the backup would hold this thread while it waits.
        var backup = Task.Run(() => Run("db", "backup", "--output", file));
        await Task.Delay(300);
        if (backup.IsCompleted)
        {
            var early = await backup;
            Assert.Fail($"the backup finished while the database was locked: exit {early.Exit}: {early.Err}");
        }
        await using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        }
        await blocker.DisposeAsync();

        var done = await backup;
        Assert.True(done.Exit == ExitCodes.Ok, $"exit {done.Exit}: {done.Err}");
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await copy.OpenAsync();
        await using var read = copy.CreateCommand();
        read.CommandText = "SELECT x FROM t";
        Assert.Equal(42L, await read.ExecuteScalarAsync());
    }

    private static async Task<string?> JournalMode(string databasePath)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task The_live_database_logs_ahead_and_its_backup_is_one_self_contained_file()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("db", "migrate")).Exit);
        // Readers must not queue behind the access-log write every read makes (issue #17).
        Assert.Equal("wal", await JournalMode(Settings["Database:SqlitePath"]!));
        var file = Path.Combine(Dir, "single.db");
        Assert.Equal(ExitCodes.Ok, (await Run("db", "backup", "--output", file)).Exit);
        SqliteConnection.ClearAllPools();
        Assert.False(File.Exists(file + "-wal"), "a backup needs no write-ahead log beside it");
        Assert.Equal("delete", await JournalMode(file));
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file_and_a_damaged_backup_is_neither_verified_nor_restored()
    {
        Assert.Equal(ExitCodes.Ok, (await Run("db", "migrate")).Exit);
        var existing = Path.Combine(Dir, "existing.db");
        await File.WriteAllTextAsync(existing, "keep me");
        var overwrite = await Run("db", "backup", "--output", existing);
        Assert.Equal(ExitCodes.BadInput, overwrite.Exit);
        Assert.Contains("--output", overwrite.Err, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));

        var damaged = Path.Combine(Dir, "damaged.db");
        await File.WriteAllBytesAsync(damaged, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]);
        var verify = await Run("db", "verify", "--input", damaged);
        Assert.Equal(ExitCodes.DomainFailure, verify.Exit);
        Assert.StartsWith("NOT SOUND", verify.Out, StringComparison.Ordinal);
        var restore = await Run("db", "restore", "--input", damaged, "--force");
        Assert.Equal(ExitCodes.DomainFailure, restore.Exit);
        Assert.Contains("nothing was restored", restore.Err, StringComparison.Ordinal);

        var missing = await Run("db", "verify", "--input", Path.Combine(Dir, "nope.db"));
        Assert.Equal(ExitCodes.BadInput, missing.Exit);
    }
}
