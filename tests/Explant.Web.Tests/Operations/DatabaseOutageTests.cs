using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #16 §7: the database goes away in the middle of a write. The client gets 503 ProblemDetails with Retry-After
/// (a page gets a plain 503 page), nothing of the write is stored, and once the database is back requests succeed again.
/// </summary>
public abstract class DatabaseOutageTests : IAsyncLifetime
{
    protected ExplantFactory Factory { get; set; } = null!;
    protected HttpClient Surgeon { get; private set; } = null!;
    protected int Number { get; private set; }

    protected abstract Task<ExplantFactory> StartAsync();

    public virtual async Task InitializeAsync()
    {
        Factory = await StartAsync();
        await Factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        Surgeon = await Factory.ClientForAsync("surgeon@test.local");
        await using (var scope = Factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var (patient, construct, _) = await PatientWithConstructAsync(Surgeon, "OUT-1");
        Number = (await OpenCaseAsync(Surgeon, patient, construct)).GetProperty("number").GetInt32();
    }

    public virtual async Task DisposeAsync() => await Factory.DisposeAsync();

    protected static object Cbc => new { kind = "Cbc", takenOn = Day(0) };

    protected async Task<(int Results, int Audit)> StoredAsync()
    {
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        return ((await db.Cases.AsNoTracking().SingleAsync(c => c.Number == Number)).Results.Count, await db.AuditEntries.CountAsync());
    }

    protected static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "Retry-After in seconds");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("database-unavailable", problem.GetProperty("rule").GetString());
    }

    protected static async Task AssertUnavailableFhirAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = await Json(response);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("transient", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    protected static async Task AssertUnavailablePageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The database cannot be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>A private PostgreSQL cluster (the shared one serves other tests) stopped with pg_ctl -m fast during a save.</summary>
public sealed class DatabaseOutageTests_Postgres : DatabaseOutageTests
{
    private PostgresCluster cluster = null!;
    private string connectionString = null!;

    protected override async Task<ExplantFactory> StartAsync()
    {
        cluster = await PostgresCluster.StartPrivateAsync();
        connectionString = await cluster.CreateDatabaseAsync();
        return await ExplantFactory.CreateAsync(DatabaseProvider.Postgres, settings: new Dictionary<string, string?> { ["ConnectionStrings:Explant"] = connectionString });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await cluster.RemoveAsync();
    }

    [Fact]
    public async Task PostgreSQL_stopped_in_the_middle_of_a_write_answers_503_with_Retry_After_stores_nothing_and_requests_succeed_after_restart()
    {
        Assert.Equal(HttpStatusCode.OK, (await Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc)).StatusCode);
        var before = await StoredAsync();
        using var form = await FormSession.SignInAsync(Factory, "surgeon@test.local");

        // The server is stopped after the write's INSERT/UPDATE reached it inside the save's transaction, before COMMIT.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        using (var stop = new StopOnWrite(database, () => cluster.StopAsync().GetAwaiter().GetResult()))
        {
            var watch = Stopwatch.StartNew();
            await AssertUnavailableAsync(await Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc));
            Assert.True(stop.Fired, "the server was stopped during the write");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"answered after {watch.Elapsed}");
        }
        // While it is down: reads are 503 too, and a page is a plain 503 page.
        await AssertUnavailableAsync(await Surgeon.GetAsync($"/api/cases/{Number}"));
        await AssertUnavailablePageAsync(await form.GetAsync($"/cases/{Number}"));

        await cluster.StartAgainAsync();
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(HttpStatusCode.OK, (await Surgeon.GetAsync($"/api/cases/{Number}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc)).StatusCode);
        Assert.Equal(before.Results + 1, (await StoredAsync()).Results);
    }

    /// <summary>Runs <paramref name="stop"/> once, when EF has sent a write command to <paramref name="database"/>.</summary>
    private sealed class StopOnWrite : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string database;
        private readonly Action stop;
        private readonly List<IDisposable> subscriptions = [];
        private int fired;

        public StopOnWrite(string database, Action stop)
        {
            this.database = database;
            this.stop = stop;
            subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public bool Fired => fired == 1;

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (subscriptions)
                {
                    subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
                && data.Connection.Database == database && data.Command.Transaction is not null
                && (data.Command.CommandText.Contains("INSERT", StringComparison.Ordinal) || data.Command.CommandText.Contains("UPDATE", StringComparison.Ordinal))
                && Interlocked.Exchange(ref fired, 1) == 0)
            {
                stop();
            }
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}

/// <summary>The SQLite file cannot be opened ("unable to open database file"): the same 503, and back once it is there again.</summary>
public sealed class DatabaseOutageTests_Sqlite : DatabaseOutageTests
{
    protected override Task<ExplantFactory> StartAsync() => ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    [Fact]
    public async Task A_write_while_another_connection_holds_SQLites_write_lock_waits_for_it_instead_of_failing_with_database_is_locked()
    {
        var before = await StoredAsync();
        await using var other = new Microsoft.Data.Sqlite.SqliteConnection(Factory.ConnectionString + ";Pooling=False");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        var write = Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(write.IsCompleted, "the write waits while the lock is held");
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await write).StatusCode);
        Assert.Equal(before.Results + 1, (await StoredAsync()).Results);
    }

    [Fact]
    public async Task An_unreachable_SQLite_file_answers_503_with_Retry_After_stores_nothing_and_requests_succeed_when_it_is_back()
    {
        var before = await StoredAsync();
        using var form = await FormSession.SignInAsync(Factory, "surgeon@test.local");
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Factory.ConnectionString).DataSource;
        var away = file + ".away";
        // Pooled connections keep the old file open: close them, then put a directory where the file was.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Move(file, away);
        Directory.CreateDirectory(file);
        try
        {
            await AssertUnavailableAsync(await Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc));
            await AssertUnavailableAsync(await Surgeon.GetAsync($"/api/cases/{Number}"));
            await AssertUnavailablePageAsync(await form.GetAsync($"/cases/{Number}"));
            // FHIR answers with an OperationOutcome, through the bearer check and through the FHIR routes' own filter (cookie).
            await AssertUnavailableFhirAsync(await Surgeon.GetAsync("/fhir/Patient"));
            await AssertUnavailableFhirAsync(await form.GetAsync("/fhir/Patient"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(file);
            File.Move(away, file);
        }
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(HttpStatusCode.OK, (await Surgeon.PostAsJsonAsync($"/api/cases/{Number}/results", Cbc)).StatusCode);
        Assert.Equal(before.Results + 1, (await StoredAsync()).Results);
    }
}
