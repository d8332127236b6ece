using System.Text.RegularExpressions;
using Explant.Cli;
using Explant.Core.Audit;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core.Tests.Demo;

/// <summary>
/// The demo cohort's writer without the change tracker (<see cref="GraphInserter"/>) stores what SaveChanges stores: the
/// same aggregates, built once, go through both into two copies of one database, and every table must come out equal.
/// </summary>
public sealed partial class GraphInserterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("explant-graph-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    private static ServiceProvider Services(string path) =>
        new CliConsole(new StringWriter(), new StringWriter(), new Dictionary<string, string?> { ["Database:SqlitePath"] = path, ["Demo:Cohort"] = "false" }).BuildServices();

    [Fact]
    public async Task A_cohort_written_without_the_tracker_equals_the_same_cohort_saved_through_it_table_by_table_and_audit_row_by_audit_row()
    {
        var trackerPath = Path.Combine(dir, "tracker.db");
        var graphPath = Path.Combine(dir, "graph.db");
        await using var trackerServices = Services(trackerPath);
        // The demo's definitions, accounts, rooms, staff and patients; then the same database twice.
        await DemoSeed.RunAsync(trackerServices);
        SqliteConnection.ClearAllPools();
        File.Copy(trackerPath, graphPath);
        await using var graphServices = Services(graphPath);

        await using var trackerScope = trackerServices.CreateAsyncScope();
        await using var graphScope = graphServices.CreateAsyncScope();
        var trackerDb = trackerScope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var graph = new GraphInserter(graphScope.ServiceProvider.GetRequiredService<ExplantDbContext>(), graphScope.ServiceProvider.GetRequiredService<AuditInterceptor>());
        var batches = 0;
        var cases = await DemoCohort.SeedAsync(trackerScope.ServiceProvider, $"surgeon@{DemoSeed.EmailDomain}", 1, CancellationToken.None, items =>
        {
            // Prepared on the building thread as in the demo, and before SaveChanges sees the aggregates (it fixes up some
            // of their values while it attaches them; the writer must not depend on that).
            var rows = graph.Prepare(items);
            return async ct =>
            {
                await graph.WriteAsync(rows, ct);
                await DemoCohort.SaveThroughTrackerAsync(trackerDb, items, ct);
                batches++;
            };
        });
        Assert.InRange(cases, 100, DemoCohort.MaxCases(1));
        Assert.True(batches > 1, "the cohort is written in several batches");
        SqliteConnection.ClearAllPools();

        await using var tracker = Open(trackerPath);
        await using var written = Open(graphPath);
        var tables = await Column(tracker, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        Assert.Equal(tables, await Column(written, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"));
        var compared = 0;
        foreach (var table in tables.Where(t => t != "AuditEntries"))
        {
            var expected = await Rows(tracker, $"SELECT * FROM \"{table}\"");
            var actual = await Rows(written, $"SELECT * FROM \"{table}\"");
            Assert.True(expected.SequenceEqual(actual), $"{table}: {Difference(expected, actual)}");
            compared += expected.Count;
        }
        Assert.True(compared > 5 * cases, $"{compared} rows compared");

        // Audit rows: same actor, entity, key, action and snapshot, whatever the order; the id and time are the save's own.
        // A JSON list element's synthesized key is a temporary negative number in the tracker's rows and the element's
        // position in the writer's, so both are masked here and the positions are checked below.
        const string audit = "SELECT Actor, Entity, EntityKey, Action, Before, After FROM AuditEntries";
        var expectedAudit = (await Rows(tracker, audit)).Select(MaskOrdinals).Order(StringComparer.Ordinal).ToList();
        var actualAudit = (await Rows(written, audit)).Select(MaskOrdinals).Order(StringComparer.Ordinal).ToList();
        Assert.True(expectedAudit.SequenceEqual(actualAudit), $"AuditEntries: {Difference(expectedAudit, actualAudit)}");
        Assert.True(expectedAudit.Count > 50 * cases, $"{expectedAudit.Count} audit rows");

        // Each case's checklist ticks are numbered 1…n in the writer's audit rows, in the list's order.
        var ticks = (await Column(written, "SELECT EntityKey FROM AuditEntries WHERE Entity = 'Tick' ORDER BY Id"))
            .Select(k => k.Split('|')).GroupBy(k => k[0]).ToList();
        Assert.Equal(cases, ticks.Count);
        Assert.All(ticks, g => Assert.Equal(Enumerable.Range(1, g.Count()).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), g.Select(k => k[1])));
    }

    [Fact]
    public async Task A_batch_is_written_whole_or_not_at_all_and_an_entity_it_cannot_write_as_SaveChanges_would_is_refused()
    {
        var path = Path.Combine(dir, "atomic.db");
        await using var services = Services(path);
        await Migrator.MigrateAsync(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var graph = new GraphInserter(db, scope.ServiceProvider.GetRequiredService<AuditInterceptor>());
        var today = new DateOnly(2026, 12, 1);
        Patient NewPatient(string mrn) =>
            Patient.Register(new Patient.Details("MAIN", mrn, "Doe", "Jane", new DateOnly(1970, 5, 1), Sex.Female, 70m, 165m, ["latex"], [new() { Name = "apixaban", Dose = "5 mg bd" }]), today);
        var first = NewPatient("MRN-1");
        var construct = Construct.Record(first.Id, new(new DateOnly(2015, 1, 1), null, Approach.Posterior, null, null, null, null), today);
        construct.AddComponent(new(ComponentKind.PedicleScrew, "L4", null, Side.Left, 6.5m, 45, Material.Titanium, null, null, null, null));

        // The patient twice: the database refuses the second row after the first was inserted, and the batch's
        // transaction takes every row back, its audit rows too.
        var clash = await Assert.ThrowsAsync<SqliteException>(() => graph.InsertAsync([first, construct, first], CancellationToken.None));
        Assert.Contains("UNIQUE", clash.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.Patients.CountAsync());
        Assert.Equal(0, await db.Constructs.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Entity == nameof(Patient) || a.Entity == nameof(Construct) || a.Entity == "Component" || a.Entity == "Medication"));

        // The same aggregates alone are stored with an audit row for the patient, its medication, the construct and its screw.
        await graph.InsertAsync([first, construct], CancellationToken.None);
        Assert.Equal("MRN-1", (await db.Patients.AsNoTracking().SingleAsync()).Mrn);
        Assert.Equal(["L4"], (await db.Constructs.AsNoTracking().SingleAsync()).Components.Select(c => c.Level));
        var audited = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "created").Select(a => a.Entity + " " + a.EntityKey).ToListAsync();
        Assert.Contains($"Patient {first.Id}", audited);
        Assert.Contains($"Medication {first.Id}|1", audited);
        Assert.Contains($"Construct {construct.Id}", audited);
        Assert.Contains($"Component {construct.Id}|1", audited);

        // A type with a key the database makes (the audit log itself) is refused before anything is written.
        var refused = Assert.Throws<NotSupportedException>(() => graph.Prepare([NewPatient("MRN-2"), AuditEntry.Record(new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc), "x", "y", "z", "created", null, "{}")]));
        Assert.Contains("AuditEntry.Id", refused.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\|-?\d+(?=\||\u001e)")]
    private static partial Regex KeyOrdinal();

    [GeneratedRegex(@"(__synthesizedOrdinal"":)-?\d+")]
    private static partial Regex JsonOrdinal();

    private static string MaskOrdinals(string row) => JsonOrdinal().Replace(KeyOrdinal().Replace(row, "|#"), "$1#");

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    private static async Task<List<string>> Column(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>Every row as one string (each value with its storage class, so 1 and '1' differ), sorted.</summary>
    private static async Task<List<string>> Rows(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? "NULL" : $"{reader.GetFieldType(i).Name}:{Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)}";
            }
            // Each value is followed by a separator, so a masked key part is always followed by one.
            rows.Add(string.Concat(values.Select(v => v + "\u001e")));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Difference(List<string> expected, List<string> actual)
    {
        var missing = expected.Except(actual).FirstOrDefault();
        var extra = actual.Except(expected).FirstOrDefault();
        return $"{expected.Count} rows through the tracker, {actual.Count} written; first only through the tracker: {missing}; first only written: {extra}";
    }
}
