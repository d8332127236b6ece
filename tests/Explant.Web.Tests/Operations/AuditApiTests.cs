using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #16 §4: the change audit and the access log over HTTP for administrators (filters, paging, bad filters,
/// roles), reads and refusals recorded with actor, subject and rule, and retention by the fake clock.
/// </summary>
public abstract class AuditApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient admin = null!;
    private HttpClient nurse = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider, settings: new Dictionary<string, string?> { ["Audit:AccessLogRetentionDays"] = "30" });
        admin = await factory.ClientForAsync("admin@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<Guid> RegisterAsync(string mrn)
    {
        var r = await nurse.PostAsJsonAsync("/api/patients", PatientBody(mrn));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return (await Json(r)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_change_shows_up_with_before_and_after_filtered_by_entity_key_and_actor()
    {
        var id = await RegisterAsync("AUD-1");
        var other = await RegisterAsync("AUD-2");
        var read = await nurse.GetAsync($"/api/patients/{id}");
        var body = PatientBody("AUD-1");
        var changed = JsonSerializer.SerializeToNode(body)!;
        changed["weightKg"] = 82;
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = JsonContent.Create(changed) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await nurse.SendAsync(put)).StatusCode);

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Patient&key={id}&actor=nurse@test.local");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items");
        var update = items[0];
        Assert.Equal("updated", update.GetProperty("action").GetString());
        Assert.Equal("Patient", update.GetProperty("entity").GetString());
        Assert.Equal(id.ToString(), update.GetProperty("key").GetString());
        Assert.Equal("nurse@test.local", update.GetProperty("actor").GetString());
        Assert.Equal(70, update.GetProperty("before").GetProperty("WeightKg").GetDouble());
        Assert.Equal(82, update.GetProperty("after").GetProperty("WeightKg").GetDouble());
        Assert.Equal("created", items[1].GetProperty("action").GetString());
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("before").ValueKind);

        // The other patient's rows and another actor's rows are filtered out.
        Assert.DoesNotContain(items.EnumerateArray(), i => i.GetProperty("key").GetString() == other.ToString());
        var byAdmin = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Patient&key={id}&actor=admin@test.local");
        Assert.Equal(0, byAdmin.GetProperty("total").GetInt32());
        var future = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Patient&from={Day(1)}");
        Assert.Equal(0, future.GetProperty("total").GetInt32());
        var today = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Patient&from={Day(0)}&to={Day(0)}");
        Assert.Equal(3, today.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Pages_are_newest_first_with_their_total()
    {
        foreach (var mrn in new[] { "PG-1", "PG-2", "PG-3" })
        {
            await RegisterAsync(mrn);
            factory.Clock.Advance(TimeSpan.FromMinutes(5));
        }
        var first = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=Patient&pageSize=2");
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(2, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var second = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=Patient&pageSize=2&page=2");
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        var times = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("atUtc").GetDateTime()).ToList();
        Assert.Equal(times.OrderByDescending(t => t).ToList(), times);
        Assert.True(times[0] > times[2]);

        var defaults = await admin.GetFromJsonAsync<JsonElement>("/api/audit");
        Assert.Equal(1, defaults.GetProperty("page").GetInt32());
        Assert.Equal(50, defaults.GetProperty("pageSize").GetInt32());
    }

    [Theory]
    [InlineData("/api/audit?from=notadate", "from")]
    [InlineData("/api/audit?to=2026-13-01", "to")]
    [InlineData("/api/audit?page=0", "page")]
    [InlineData("/api/audit?pageSize=201", "pageSize")]
    [InlineData("/api/audit/access?from=yesterday", "from")]
    [InlineData("/api/audit/access?page=-1", "page")]
    public async Task Bad_filters_answer_400_naming_the_field(string url, string field)
    {
        var r = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await Json(r)).GetProperty("errors").TryGetProperty(field, out _), await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_admins_read_the_audit()
    {
        foreach (var role in Explant.Core.Auth.Roles.All.Where(r => r != Explant.Core.Auth.Roles.Admin && r != Explant.Core.Auth.Roles.Nurse))
        {
            await factory.AddUserAsync($"{role}@test.local", role);
        }
        foreach (var role in Explant.Core.Auth.Roles.All)
        {
            var client = await factory.ClientForAsync($"{role}@test.local");
            foreach (var url in new[] { "/api/audit", "/api/audit/access" })
            {
                var expected = role == Explant.Core.Auth.Roles.Admin ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                Assert.True(expected == (await client.GetAsync(url)).StatusCode, $"{role} {url}");
            }
        }
        foreach (var url in new[] { "/api/audit", "/api/audit/access" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync(url)).StatusCode);
        }
    }

    [Fact]
    public async Task A_case_read_by_a_nurse_is_in_the_access_log_with_actor_and_subject()
    {
        await factory.AddUserAsync("surgeon@test.local", Explant.Core.Auth.Roles.Surgeon);
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<Explant.Core.Procedures.ImportProcedure.Result.Created>(await Explant.Core.Procedures.ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), factory.Clock, "test"));
        }
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "ACC-1");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync($"/api/cases/{number}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync($"/api/patients/{patient}")).StatusCode);

        var cases = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/access?subject=case:{number}&actor=nurse@test.local");
        Assert.Equal(1, cases.GetProperty("total").GetInt32());
        var row = cases.GetProperty("items")[0];
        Assert.Equal("read", row.GetProperty("kind").GetString());
        Assert.Equal("nurse@test.local", row.GetProperty("actor").GetString());
        Assert.Equal($"/api/cases/{number}", row.GetProperty("path").GetString());
        Assert.Equal(200, row.GetProperty("status").GetInt32());
        var patients = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/access?subject=patient:{patient}");
        Assert.Equal(1, patients.GetProperty("total").GetInt32());
        // Reading the log is not itself a read of a record, and the log rows are not change-audited.
        var noise = await admin.GetFromJsonAsync<JsonElement>("/api/audit?entity=AccessLogEntry");
        Assert.Equal(0, noise.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Refused_writes_are_in_the_access_log_with_their_rule()
    {
        var id = await RegisterAsync("REF-1");
        // An admin may not edit a clinical record: 403 with its rule.
        var forbidden = await admin.PutAsJsonAsync($"/api/patients/{id}", PatientBody("REF-1"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var rule = (await Json(forbidden)).GetProperty("rule").GetString();
        // A stale revision: 412 optimistic-concurrency.
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = JsonContent.Create(PatientBody("REF-1")) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"99\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await nurse.SendAsync(stale)).StatusCode);

        var log = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/access?subject=patient:{id}");
        var refused = log.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "refused").ToList();
        Assert.Equal(2, refused.Count);
        Assert.Contains(refused, i => i.GetProperty("status").GetInt32() == 403 && i.GetProperty("rule").GetString() == rule
            && i.GetProperty("actor").GetString() == "admin@test.local" && i.GetProperty("method").GetString() == "PUT");
        Assert.Contains(refused, i => i.GetProperty("status").GetInt32() == 412 && i.GetProperty("rule").GetString() == "optimistic-concurrency"
            && i.GetProperty("actor").GetString() == "nurse@test.local");
        // A 409: the same MRN registered twice breaks a rule, recorded with the rule the client was told.
        var duplicate = await nurse.PostAsJsonAsync("/api/patients", PatientBody("REF-1"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var conflictRule = (await Json(duplicate)).GetProperty("rule").GetString();
        Assert.False(string.IsNullOrEmpty(conflictRule));
        var conflicts = await admin.GetFromJsonAsync<JsonElement>("/api/audit/access?actor=nurse@test.local");
        Assert.Contains(conflicts.GetProperty("items").EnumerateArray(), i => i.GetProperty("status").GetInt32() == 409
            && i.GetProperty("kind").GetString() == "refused" && i.GetProperty("rule").GetString() == conflictRule
            && i.GetProperty("method").GetString() == "POST" && i.GetProperty("path").GetString() == "/api/patients");
        // Refusals by role policy (no domain rule) are recorded too.
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.GetAsync("/api/audit")).StatusCode);
        var policy = await admin.GetFromJsonAsync<JsonElement>("/api/audit/access?actor=nurse@test.local");
        Assert.Contains(policy.GetProperty("items").EnumerateArray(), i => i.GetProperty("path").GetString() == "/api/audit" && i.GetProperty("status").GetInt32() == 403);
    }

    [Fact]
    public async Task Concurrent_reads_each_leave_exactly_one_access_row_by_the_time_they_are_answered()
    {
        // Rows are committed in groups (AccessLogWriter): a burst of reads shares commits, yet none is lost or doubled,
        // and each response waits for its own row.
        var id = await RegisterAsync("GRP-1");
        const int reads = 60;
        var answers = await Task.WhenAll(Enumerable.Range(0, reads).Select(_ => nurse.GetAsync($"/api/patients/{id}")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var log = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/access?subject=patient:{id}&pageSize=200");
        Assert.Equal(reads, log.GetProperty("total").GetInt32());
        Assert.All(log.GetProperty("items").EnumerateArray(), i => Assert.Equal("read", i.GetProperty("kind").GetString()));
        Assert.Equal(reads, log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task Retention_removes_access_rows_older_than_the_setting()
    {
        var id = await RegisterAsync("RET-1");
        Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync($"/api/patients/{id}")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromDays(20));
        Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync($"/api/patients/{id}")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromDays(11));

        var retention = factory.Services.GetRequiredService<Explant.Web.Audit.AccessLogRetentionService>();
        await retention.PurgeOnceAsync(CancellationToken.None);

        var log = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/access?subject=patient:{id}");
        var rows = log.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("atUtc").GetDateTime()).ToList();
        Assert.Single(rows);
        Assert.Equal(factory.Clock.GetUtcNow().UtcDateTime.AddDays(-11), rows[0]);
        // Changes are never pruned.
        var changes = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?entity=Patient&key={id}");
        Assert.Equal(1, changes.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_admin_page_filters_pages_and_refuses_other_roles()
    {
        var id = await RegisterAsync("PAGE-1");
        await RegisterAsync("PAGE-2");
        using var adminPage = await FormSession.SignInAsync(factory, "admin@test.local");
        var html = await adminPage.GetStringAsync($"/admin/audit?entity=Patient&key={id}");
        Assert.Contains("data-total=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), html, StringComparison.Ordinal);
        Assert.Contains("nurse@test.local", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);

        var paged = await adminPage.GetStringAsync("/admin/audit?entity=Patient&pageSize=1");
        Assert.Contains("data-total=\"2\"", paged, StringComparison.Ordinal);
        Assert.Contains("page=2", paged, StringComparison.Ordinal);

        var bad = await adminPage.GetStringAsync("/admin/audit?from=notadate");
        Assert.Contains("from: must be a date", bad, StringComparison.Ordinal);

        // A patient page read through the HTML is in the access log too, and the page shows it.
        using var nursePage = await FormSession.SignInAsync(factory, "nurse@test.local");
        Assert.Equal(HttpStatusCode.OK, (await nursePage.GetAsync($"/patients/{id}")).StatusCode);
        var access = await adminPage.GetStringAsync($"/admin/audit?log=access&subject=patient:{id}");
        Assert.Contains("data-total=\"1\"", access, StringComparison.Ordinal);
        Assert.Contains($"GET /patients/{id}", access, StringComparison.Ordinal);

        // Every other role is refused the page (not sent to sign in again: they are signed in).
        foreach (var role in Explant.Core.Auth.Roles.All.Where(r => r != Explant.Core.Auth.Roles.Admin))
        {
            if (role != Explant.Core.Auth.Roles.Nurse)
            {
                await factory.AddUserAsync($"{role}@test.local", role);
            }
            using var other = await FormSession.SignInAsync(factory, $"{role}@test.local");
            var refused = await other.GetAsync("/admin/audit?log=access");
            Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{role}: {refused.StatusCode}");
            Assert.DoesNotContain("/login", refused.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("data-total", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var anonymous = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/login", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_group_insert_writes_every_column_through_the_models_conversions()
    {
        // A local-kind time, which SaveChanges would convert to UTC (ExplantDbContext's DateTime converter).
        var local = new DateTime(2026, 12, 4, 16, 30, 0, DateTimeKind.Local);
        var row = Explant.Core.Audit.AccessLogEntry.Record(local, "grouped@test.local", "read", "GET", "/api/cases/GROUPED-1", "case:GROUPED-1", 200, "some-rule");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var (sql, values) = Explant.Core.Data.RowInserter.Statement(db, [row]);
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, sql, values);

        // Every mapped column but the key is in the statement, so a column added to the entity cannot be left out.
        var columns = db.Model.FindEntityType(typeof(Explant.Core.Audit.AccessLogEntry))!.GetProperties().Count(p => !p.IsPrimaryKey());
        Assert.Equal(columns, values.Length);
        // Converted before it is bound (the machine's zone may be UTC, so the kind is what shows the conversion ran).
        Assert.Equal(DateTimeKind.Utc, Assert.Single(values.Select(v => v.Value).OfType<DateTime>()).Kind);
        var stored = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.AccessLog, a => a.Actor == "grouped@test.local");
        Assert.Equal(local.ToUniversalTime(), stored.AtUtc);
        Assert.Equal(DateTimeKind.Utc, stored.AtUtc.Kind);
        Assert.Equal(("read", "GET", "/api/cases/GROUPED-1", "case:GROUPED-1", 200, "some-rule"),
            (stored.Kind, stored.Method, stored.Path, stored.Subject, stored.Status, stored.Rule));
    }

    private sealed class CapturingSink : ILogEventSink
    {
        public System.Collections.Concurrent.ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }

    [Fact]
    public async Task A_lost_access_row_is_logged_without_identifiers_and_never_fails_the_read()
    {
        var sink = new CapturingSink();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(sink)));
        using var api = app.CreateClient();
        var token = (await (await api.PostAsJsonAsync("/api/auth/token", new { email = "nurse@test.local", password = ExplantFactory.Password }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var id = await RegisterAsync("LOSTROW-7Q");
        await using (var scope = factory.Scope())
        {
            // The table gone: every insert fails, as it would with the database refusing writes.
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Database, "DROP TABLE \"AccessLog\"");
        }

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/patients/{id}")).StatusCode);

        // Written before the response left, so the error line is already there when the client has its answer.
        var lost = Assert.Single(sink.Events, e => e.MessageTemplate.Text.StartsWith("Access log row not written", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Error, lost.Level);
        var formatter = new Serilog.Formatting.Compact.RenderedCompactJsonFormatter();
        using var writer = new StringWriter();
        foreach (var e in sink.Events)
        {
            formatter.Format(e, writer);
        }
        var json = writer.ToString();
        Assert.DoesNotContain(id.ToString(), json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("LOSTROW-7Q", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_retention_out_of_range_stops_the_start()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ExplantFactory.CreateAsync(provider, settings: new Dictionary<string, string?> { ["Audit:AccessLogRetentionDays"] = "0" }));
        Assert.Contains("Audit: AccessLogRetentionDays", e.ToString(), StringComparison.Ordinal);
    }
}

public sealed class AuditApiTests_Sqlite() : AuditApiTests(DatabaseProvider.Sqlite);

public sealed class AuditApiTests_Postgres() : AuditApiTests(DatabaseProvider.Postgres);
