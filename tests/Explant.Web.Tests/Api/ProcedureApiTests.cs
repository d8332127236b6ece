using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Api;

/// <summary>The catalog API, run once on SQLite and once on PostgreSQL (subclasses below).</summary>
public abstract class ProcedureApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient admin = null!;
    private HttpClient nurse = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        admin = await factory.ClientForAsync("admin@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static StringContent Text(string text) => new(text, Encoding.UTF8, "text/plain");

    private Task<HttpResponseMessage> Import(string text, string fileName = "seed.txt", string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/procedures?fileName={fileName}") { Content = Text(text) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return admin.SendAsync(request);
    }

    private async Task<int> DefinitionCount()
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().ProcedureDefinitions.CountAsync();
    }

    [Fact]
    public async Task Health_reports_the_database_it_runs_on()
    {
        using var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(provider.ToString(), body.GetProperty("database").GetProperty("provider").GetString());
        Assert.True(body.GetProperty("database").GetProperty("canConnect").GetBoolean());
        Assert.Equal(0, body.GetProperty("database").GetProperty("pendingMigrations").GetArrayLength());
    }

    [Fact]
    public async Task Endpoints_deny_by_default()
    {
        using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/procedures")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/procedures", Text(TestFiles.Seed))).StatusCode);
        var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var badToken = factory.CreateClient();
        badToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await badToken.GetAsync("/api/procedures")).StatusCode);
    }

    [Fact]
    public async Task Token_endpoint_refuses_a_wrong_password()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "admin@test.local", password = "wrong-password-123" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_may_import()
    {
        var response = await nurse.PostAsync("/api/procedures?fileName=seed.txt", Text(TestFiles.Seed));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await DefinitionCount());
    }

    [Fact]
    public async Task Import_creates_version_1_then_unchanged_then_version_2_and_keeps_every_version()
    {
        var first = await Import(TestFiles.Seed);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("/api/procedures/22852?version=1", first.Headers.Location!.OriginalString);
        var firstTag = first.Headers.ETag!.Tag;

        var again = await Import(TestFiles.Seed.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var againBody = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unchanged", againBody.GetProperty("status").GetString());
        Assert.Equal(1, againBody.GetProperty("definition").GetProperty("version").GetInt32());

        var changedText = TestFiles.Seed.Replace("typically takes 1 to 3 hours", "typically takes 2 to 3 hours", StringComparison.Ordinal);
        var second = await Import(changedText);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual(firstTag, second.Headers.ETag!.Tag);

        var latest = await nurse.GetFromJsonAsync<JsonElement>("/api/procedures/22852");
        Assert.Equal(2, latest.GetProperty("version").GetInt32());
        Assert.Equal(120, latest.GetProperty("procedure").GetProperty("facts").GetProperty("durationMinutes").GetProperty("min").GetInt32());
        Assert.Equal(2, latest.GetProperty("versions").GetArrayLength());

        var v1 = await nurse.GetAsync("/api/procedures/22852?version=1");
        Assert.Equal(firstTag, v1.Headers.ETag!.Tag);
        var v1Body = await v1.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(60, v1Body.GetProperty("procedure").GetProperty("facts").GetProperty("durationMinutes").GetProperty("min").GetInt32());
        Assert.Equal(2, await DefinitionCount());

        var list = await nurse.GetFromJsonAsync<JsonElement>("/api/procedures");
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(2, only.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Invalid_document_is_refused_with_file_and_line_and_nothing_is_stored()
    {
        var lines = TestFiles.Seed.Split('\n').ToList();
        lines.Insert(12, "Indications"); // becomes line 13
        var response = await Import(string.Join('\n', lines), "broken.txt");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var messages = problem.GetProperty("errors").GetProperty("broken.txt:13");
        Assert.Contains("duplicate section 'Indications'", messages[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await DefinitionCount());
    }

    [Fact]
    public async Task Body_errors_name_the_json_path()
    {
        var malformed = await admin.PostAsync("/api/procedures", new StringContent("{\"text\": 12}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await malformed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.text", out _));

        var empty = await admin.PostAsJsonAsync("/api/procedures", new { fileName = "x.txt" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("$.text", out _));

        var json = await admin.PostAsJsonAsync("/api/procedures", new { text = TestFiles.Seed, fileName = "seed.txt" });
        Assert.Equal(HttpStatusCode.Created, json.StatusCode);
    }

    [Fact]
    public async Task A_stale_If_Match_is_refused_with_412_and_a_current_one_is_accepted()
    {
        var first = await Import(TestFiles.Seed);
        var tag = first.Headers.ETag!.Tag;
        var changed = TestFiles.Seed.Replace("Blood loss", "Blood loss requiring transfusion", StringComparison.Ordinal);
        var second = await Import(changed, ifMatch: tag);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        var stale = await Import(changed.Replace("Nerve damage", "Nerve injury", StringComparison.Ordinal), ifMatch: tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(2, await DefinitionCount());
    }

    [Fact]
    public async Task Unknown_procedure_is_404_problem()
    {
        var response = await nurse.GetAsync("/api/procedures/22999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync("/api/procedures/22852/handout.pdf")).StatusCode);
    }

    [Fact]
    public async Task Every_write_is_audited_with_actor_and_the_audit_log_cannot_be_altered()
    {
        await Import(TestFiles.Seed);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var entry = await db.AuditEntries.SingleAsync(a => a.Entity == "ProcedureDefinition");
        Assert.Equal("admin@test.local", entry.Actor);
        Assert.Equal("created", entry.Action);
        Assert.Null(entry.Before);
        Assert.Contains("\"Code\":\"22852\"", entry.After, StringComparison.Ordinal);

        var users = await db.AuditEntries.Where(a => a.Entity == "ExplantUser").ToListAsync();
        Assert.NotEmpty(users);
        Assert.All(users, u => Assert.DoesNotContain("AQAAAA", u.After ?? "", StringComparison.Ordinal)); // no password hash leaks

        // Straight SQL, bypassing the application: the database itself refuses.
        var update = provider == DatabaseProvider.Postgres ? "UPDATE \"AuditEntries\" SET \"Actor\" = 'someone else'" : "UPDATE AuditEntries SET Actor = 'someone else'";
        var delete = provider == DatabaseProvider.Postgres ? "DELETE FROM \"AuditEntries\"" : "DELETE FROM AuditEntries";
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(update));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(delete));
        Assert.Equal("admin@test.local", (await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Id == entry.Id)).Actor);
    }

    [Fact]
    public async Task Concurrent_imports_never_store_two_rows_with_the_same_version()
    {
        await Import(TestFiles.Seed);
        var texts = Enumerable.Range(0, 6)
            .Select(i => TestFiles.Seed.Replace("Blood loss", $"Blood loss (variant {i})", StringComparison.Ordinal))
            .ToList();
        var responses = await Task.WhenAll(texts.Select(t => Import(t)));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));

        await using var scope = factory.Scope();
        var versions = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().ProcedureDefinitions
            .Where(p => p.Code == "22852").Select(p => p.Version).ToListAsync();
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(1 + responses.Count(r => r.StatusCode == HttpStatusCode.Created), versions.Count);
        Assert.Equal(Enumerable.Range(1, versions.Count), versions.Order());
    }

    [Fact]
    public async Task Handout_pdf_is_served_for_staff()
    {
        await Import(TestFiles.Seed);
        var response = await nurse.GetAsync("/api/procedures/22852/handout.pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var text = PdfText.Extract(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("How to prepare", text, StringComparison.Ordinal);
        Assert.Contains("Fasting for at least 8 hours before the procedure", text, StringComparison.Ordinal);
    }
}

public sealed class ProcedureApiTests_Sqlite() : ProcedureApiTests(DatabaseProvider.Sqlite);

public sealed class ProcedureApiTests_Postgres() : ProcedureApiTests(DatabaseProvider.Postgres);
