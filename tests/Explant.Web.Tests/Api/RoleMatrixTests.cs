using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue "Pathway integrity" §5: one role table (<see cref="WriteAccess"/>) for every write endpoint, equal to the app's
/// endpoints and to README.md, tried for every endpoint × every role.
/// </summary>
public abstract partial class RoleMatrixTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private readonly Dictionary<string, HttpClient> clients = [];

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        foreach (var role in Roles.All)
        {
            clients[role] = await factory.ClientForAsync($"{role}@test.local");
        }
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    /// <summary>"POST /api/cases/{id:guid}/" → "POST /api/cases/{id}".</summary>
    private static string Normalise(string method, string raw)
    {
        var route = Parameter().Replace(raw, "{$1}").TrimEnd('/');
        return $"{method} {(route.StartsWith('/') ? route : "/" + route)}";
    }

    [Fact]
    public void Every_write_endpoint_has_one_row_and_every_row_an_endpoint()
    {
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(m => Normalise(m, e.RoutePattern.RawText ?? "")))
            .Where(k => k.Split(' ') is [var m, var r] && m is "POST" or "PUT" or "DELETE" or "PATCH" && r.StartsWith("/api/", StringComparison.Ordinal)
                && r != "/api/auth/token")
            .ToHashSet();
        var table = WriteAccess.Table.Select(r => r.Key).ToList();
        Assert.Equal(table.Count, table.Distinct().Count());
        Assert.Empty(mapped.Except(table).Order());
        Assert.Empty(table.Except(mapped).Order());
        Assert.All(WriteAccess.Table, r => Assert.All(r.Roles, role => Assert.True(Roles.IsKnown(role), role)));
    }

    [Fact]
    public void The_readme_section_is_the_generated_table()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Explant.slnx")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var readme = File.ReadAllText(Path.Combine(dir.FullName, "README.md")).ReplaceLineEndings("\n");
        const string start = "<!-- write-access:start -->\n", end = "<!-- write-access:end -->";
        var from = readme.IndexOf(start, StringComparison.Ordinal);
        var to = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "README.md has no write-access section");
        if (Environment.GetEnvironmentVariable("EXPLANT_UPDATE_README") == "1")
        {
            // Regenerate after changing WriteAccess.Table: EXPLANT_UPDATE_README=1 dotnet test --filter …RoleMatrix
            readme = readme[..(from + start.Length)] + WriteAccess.ToMarkdown() + readme[to..];
            File.WriteAllText(Path.Combine(dir.FullName, "README.md"), readme);
            to = readme.IndexOf(end, StringComparison.Ordinal);
        }
        Assert.Equal(WriteAccess.ToMarkdown(), readme[(from + start.Length)..to]);
    }

    /// <summary>
    /// The few bodies the endpoint itself reads before the Core command runs (a required field parsed in the web layer);
    /// everything else gets <c>{}</c>. With these, the Core command's role check is the first thing that can refuse.
    /// </summary>
    private static readonly Dictionary<string, string> Bodies = new()
    {
        ["POST /api/cases/{id}/indications"] = """{"key":"pain"}""",
        ["POST /api/cases/{id}/evidence/fusion"] = $$"""{"imagingStudyId":"{{Guid.NewGuid()}}"}""",
        ["POST /api/cases/{id}/decision"] = """{"choice":"removal"}""",
        ["PUT /api/cases/{id}/planned-surgery"] = $$"""{"local":"{{Day(10)}}T08:00"}""",
        ["POST /api/cases/{id}/results"] = $$"""{"kind":"Cbc","takenOn":"{{Day(0)}}"}""",
        ["POST /api/bookings"] = $$"""{"case":"1","roomId":"OR1","date":"{{Day(10)}}","start":"08:00","durationMinutes":60}""",
        ["PUT /api/cases/{id}/history-physical"] = $$"""{"on":"{{Day(0)}}"}""",
        ["POST /api/cases/{id}/patient-informed"] = """{"how":"phone","note":"told the new time"}""",
    };

    private const string Trigger = nameof(CaseTrigger.Assess);

    [Fact]
    public async Task Every_write_endpoint_refuses_every_role_outside_its_row_and_admits_every_role_in_it()
    {
        var surgeon = clients[Roles.Surgeon];
        var (patient, construct, body) = await PatientWithConstructAsync(surgeon, "RM-1");
        var lineId = body.GetProperty("components")[0].GetProperty("id").GetGuid();
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        var failures = new List<string>();

        foreach (var row in WriteAccess.Table)
        {
            var path = row.Route
                .Replace("{id}", row.Route.StartsWith("/api/patients", StringComparison.Ordinal) ? patient.ToString()
                    : row.Route.StartsWith("/api/constructs", StringComparison.Ordinal) ? construct.ToString()
                    : row.Route.StartsWith("/api/rooms", StringComparison.Ordinal) ? "OR1"
                    : row.Route.StartsWith("/api/staff", StringComparison.Ordinal) ? "nurse-1"
                    : number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{version}", "1", StringComparison.Ordinal)
                .Replace("{key}", "pain", StringComparison.Ordinal)
                .Replace("{index}", "0", StringComparison.Ordinal)
                .Replace("{lineId}", lineId.ToString(), StringComparison.Ordinal)
                .Replace("{trigger}", Trigger, StringComparison.Ordinal);
            var narrowing = (row.NarrowingRules ?? []).Select(r => r.Replace("{trigger}", Trigger, StringComparison.Ordinal)).ToHashSet();
            foreach (var role in Roles.All)
            {
                var before = await FingerprintAsync();
                using var request = new HttpRequestMessage(new HttpMethod(row.Method), path)
                {
                    Content = new StringContent(Bodies.GetValueOrDefault(row.Key, "{}"), Encoding.UTF8, "application/json"),
                };
                using var response = await clients[role].SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var rule = Rule(text);
                var what = $"{row.Key} as {role}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}";
                if (!row.Roles.Contains(role))
                {
                    // Refused by role (ProblemDetails rule "role:…") or by the authorization policy (403 without a body).
                    if (response.StatusCode != HttpStatusCode.Forbidden || !(rule is null || rule.StartsWith("role:", StringComparison.Ordinal)))
                    {
                        failures.Add("expected a role refusal — " + what);
                    }
                    else if (await FingerprintAsync() != before)
                    {
                        failures.Add("refused but something changed — " + what);
                    }
                }
                else if (response.StatusCode == HttpStatusCode.Forbidden && !(rule is not null && narrowing.Contains(rule)))
                {
                    // A role of the row is refused only by a documented narrowing of the data (the case's surgeon, the item's owner, the trigger's roles).
                    failures.Add("a role of the row refused — " + what);
                }
                else if ((int)response.StatusCode >= 500)
                {
                    failures.Add("server error — " + what);
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_transition_admits_exactly_its_own_roles()
    {
        var surgeon = clients[Roles.Surgeon];
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "RM-2");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        var assess = CaseTransitions.Table.First(t => t.Trigger == CaseTrigger.Assess);
        foreach (var role in Roles.All.Where(r => !assess.Roles.Contains(r)))
        {
            using var r = await clients[role].PostAsync($"/api/cases/{number}/transitions/Assess", null);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("role:Assess", Rule(await r.Content.ReadAsStringAsync()));
        }
    }

    private static string? Rule(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("rule", out var r) ? r.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Everything a write could change: every table's row count and every revision.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var revisions = string.Join(",",
            (await db.Cases.AsNoTracking().Select(c => c.Revision).ToListAsync()).Concat(
            await db.Patients.AsNoTracking().Select(c => c.Revision).ToListAsync()).Concat(
            await db.Constructs.AsNoTracking().Select(c => c.Revision).ToListAsync()));
        return string.Join("|", revisions, await db.AuditEntries.CountAsync(), await db.ProcedureDefinitions.CountAsync(), await db.ImagingStudies.CountAsync(),
            await db.OperatingRooms.CountAsync(), await db.RoomDays.CountAsync(), await db.Staff.CountAsync(), await db.IntraOpRecords.CountAsync(),
            await db.OperativeNotes.CountAsync(), await db.RecoveryRecords.CountAsync(), await db.PromResponses.CountAsync(), await db.PromLinks.CountAsync(),
            await db.Complications.CountAsync());
    }
}

public sealed class RoleMatrixTests_Sqlite() : RoleMatrixTests(DatabaseProvider.Sqlite);

public sealed class RoleMatrixTests_Postgres() : RoleMatrixTests(DatabaseProvider.Postgres);
