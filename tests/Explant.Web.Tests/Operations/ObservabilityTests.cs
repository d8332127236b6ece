using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Hosting;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Trace;
using Serilog.Core;
using Serilog.Events;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>Issue #16 §5: health probes, structured request logs without patient identifiers, domain metrics.</summary>
public sealed class ObservabilityTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Counts the SQL commands that read the migrations history table.</summary>
    private sealed class HistoryReads : DbCommandInterceptor
    {
        public int Count;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Note(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Note(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        private void Note(DbCommand command)
        {
            if (command.CommandText.Contains("__EFMigrationsHistory", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Count);
            }
        }
    }

    [Fact]
    public async Task Live_and_ready_probes_answer_and_health_no_longer_scans_migrations_per_call()
    {
        var reads = new HistoryReads();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IInterceptor>(reads)));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        var before = reads.Count;
        for (var i = 0; i < 3; i++)
        {
            var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var body = await health.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.True(body.GetProperty("database").GetProperty("canConnect").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
        Assert.Equal(before, reads.Count);
    }

    [Fact]
    public async Task Ready_reports_pending_migrations_found_at_start()
    {
        var status = factory.Services.GetRequiredService<MigrationStatus>();
        Assert.Empty((await status.PendingAsync())!);
        var health = await status.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Status);
    }

    /// <summary>Every log event, rendered as the JSON the console gets.</summary>
    private sealed class CapturingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

        public string Json()
        {
            var formatter = new Serilog.Formatting.Compact.RenderedCompactJsonFormatter();
            using var writer = new StringWriter();
            foreach (var e in Events)
            {
                formatter.Format(e, writer);
            }
            return writer.ToString();
        }
    }

    [Fact]
    public async Task Request_logs_are_structured_with_trace_ids_and_never_hold_patient_identifiers()
    {
        var sink = new CapturingSink();
        // The spans the app's own tracer provider ends, as a collector would receive them.
        var spans = new List<System.Diagnostics.Activity>();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s
            .AddSingleton<ILogEventSink>(sink)
            .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        const string mrn = "MRN-QX7731Z";
        const string family = "Zyxwvutsonova";
        using var api = app.CreateClient();
        var token = (await (await api.PostAsJsonAsync("/api/auth/token", new { email = "nurse@test.local", password = ExplantFactory.Password }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var created = await api.PostAsJsonAsync("/api/patients", new
        {
            facility = "MAIN", mrn, familyName = family, givenName = "Quillon", birthDate = "1970-05-01", sex = "Female", weightKg = 70, heightCm = 165,
            allergies = Array.Empty<string>(), medications = Array.Empty<object>(),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/patients/{id}")).StatusCode);
        await api.GetAsync($"/api/patients?q={mrn}");
        await api.GetAsync($"/api/patients?q={family}");
        await api.GetAsync($"/patients?q={family}");
        using (var page = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            await page.GetAsync($"/prom/{mrn}");
        }
        // A refused write whose message could name the patient.
        await api.PostAsJsonAsync("/api/patients", new { facility = "MAIN", mrn, familyName = family, givenName = "Quillon", birthDate = "1970-05-01", sex = "Female" });

        var requests = sink.Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, e => e.Properties["Route"].ToString().Contains("/api/patients/{id", StringComparison.Ordinal));
        Assert.All(requests, e => Assert.NotNull(e.TraceId));
        var json = sink.Json();
        Assert.Contains("\"@tr\":", json, StringComparison.Ordinal);
        Assert.DoesNotContain(mrn, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(family, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(id.ToString(), json, StringComparison.OrdinalIgnoreCase);

        // Traces: every request is a span named by its route, and no tag or name holds the path, query or record key.
        var exported = spans.ToList();
        Assert.Contains(exported, a => a.DisplayName == "GET /api/patients/{id:guid}");
        Assert.Contains(exported, a => Equals(a.GetTagItem("http.route"), "/prom/{Token}"));
        var traced = string.Join("\n", exported.Select(a => a.DisplayName + " " + string.Join(" ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))));
        Assert.DoesNotContain("url.path", traced, StringComparison.Ordinal);
        Assert.DoesNotContain(mrn, traced, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(family, traced, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(id.ToString(), traced, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Refusals_are_counted_by_rule()
    {
        var metrics = factory.Services.GetRequiredService<ExplantMetrics>();
        using var refusals = new MetricCollector<long>(metrics.Refusals);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var nurse = await factory.ClientForAsync("nurse@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "M-2");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        Assert.Empty(refusals.GetMeasurementSnapshot());
        var response = await nurse.PostAsync($"/api/cases/{number}/transitions/Assess", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var rule = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString();
        var measurement = Assert.Single(refusals.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(rule, measurement.Tags["rule"]);
        Assert.Equal(403, measurement.Tags["status"]);
    }

    [Fact]
    public async Task Bookings_and_checklist_phase_durations_are_measured()
    {
        var metrics = factory.Services.GetRequiredService<ExplantMetrics>();
        using var bookings = new MetricCollector<long>(metrics.Bookings);
        using var phases = new MetricCollector<double>(metrics.ChecklistPhase);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        var scheduler = await factory.ClientForAsync("scheduler@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "M-1");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(surgeon, nurse, number);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null)).StatusCode);
        Assert.Empty(bookings.GetMeasurementSnapshot());
        var booked = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(System.Globalization.CultureInfo.InvariantCulture), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal(1, Assert.Single(bookings.GetMeasurementSnapshot()).Value);

        await DayOfSurgery.OperateAsync(factory, DayOfSurgery.Team(surgeon, anesthesiologist, nurse), number, "M-1", Today.AddDays(10));
        var recorded = phases.GetMeasurementSnapshot();
        Assert.Equal(["SignIn", "TimeOut", "SignOut"], recorded.Select(m => (string)m.Tags["phase"]!));
        // The walk-through ticks a phase one minute apart per step: each phase took a positive, bounded time.
        Assert.All(recorded, m => Assert.InRange(m.Value, 1, 3 * 3600));
    }
}
