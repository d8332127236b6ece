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
            .Where(k => k.Split(' ') is [var m, var r] && m is "POST" or "PUT" or "DELETE" or "PATCH" && (r.StartsWith("/api/", StringComparison.Ordinal) || r == "/fhir" || r.StartsWith("/fhir/", StringComparison.Ordinal))
                && r is not ("/api/auth/token" or "/api/auth/refresh"))
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
    /// The few bodies an endpoint still reads before its Core command runs (a required field parsed in the web layer);
    /// everything else gets <c>{}</c>, so the Core command's role check is the first thing that can refuse. Only the
    /// booking is left (POST /api/bookings is being rewritten on its own branch).
    /// </summary>
    private static readonly Dictionary<string, string> Bodies = new()
    {
        ["POST /api/bookings"] = $$"""{"case":"1","roomId":"OR1","date":"{{Day(10)}}","start":"08:00","durationMinutes":60}""",
        ["POST /api/cases/{id}/patient-informed"] = """{"how":"phone","note":"told the new time"}""",
        // A valid import (a new patient with a medication and an allergy): clinicians store it, every other role gets 403 and nothing changes.
        ["POST /fhir"] = """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:7a1c2f64-0000-4000-8000-000000000001","request":{"method":"POST","url":"Patient"},
               "resource":{"resourceType":"Patient","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"value":"RM-FHIR","assigner":{"display":"MAIN"}}],
                 "name":[{"family":"Matrix","given":["Role"]}],"gender":"male","birthDate":"1960-02-03"}},
              {"request":{"method":"POST","url":"MedicationStatement"},
               "resource":{"resourceType":"MedicationStatement","status":"active","medicationCodeableConcept":{"text":"metformin"},"subject":{"reference":"urn:uuid:7a1c2f64-0000-4000-8000-000000000001"}}},
              {"request":{"method":"POST","url":"AllergyIntolerance"},
               "resource":{"resourceType":"AllergyIntolerance","code":{"text":"penicillin"},"patient":{"reference":"urn:uuid:7a1c2f64-0000-4000-8000-000000000001"}}}]}
            """,
    };

    private static readonly string Huge = new('x', 5000);
    private static readonly string Long = new('x', 300);

    /// <summary>The next local date whose 02:30 the hospital's clocks skip (spring forward).</summary>
    private static string SpringForwardDay()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TestClock.Zone);
        var day = Enumerable.Range(1, 800).Select(Today.AddDays).First(d => zone.IsInvalidTime(d.ToDateTime(new TimeOnly(2, 30))));
        return day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Endpoints whose body used to be judged before the role (required fields and limits in the web layer or ahead of
    /// the role check), each with bodies that are invalid for a role that may write: a role that may not write gets
    /// 403 whatever the body holds (issue "Pathway integrity" §2: the command checks the role first).
    /// </summary>
    private static readonly Dictionary<string, string[]> InvalidBodies = new()
    {
        ["POST /api/cases/{id}/indications"] = ["{}", $$"""{"key":"{{Long}}","note":"{{Huge}}"}"""],
        ["POST /api/cases/{id}/evidence/fusion"] = ["{}"],
        ["POST /api/cases/{id}/evidence/fusion-override"] = [$$"""{"reason":"{{Huge}}"}"""],
        ["POST /api/cases/{id}/decision"] = ["{}", $$"""{"choice":"removal","note":"{{Huge}}"}"""],
        ["PUT /api/cases/{id}/planned-surgery"] = ["{}", """{"local":"next tuesday"}""", $$"""{"local":"{{SpringForwardDay()}}T02:30"}""", """{"local":"0001-01-01T08:00"}"""],
        ["POST /api/cases/{id}/results"] = ["{}", $$"""{"kind":"Creatinine","value":1000000,"unit":"mg/dL","takenOn":"{{Day(0)}}"}"""],
        ["PUT /api/cases/{id}/history-physical"] = ["{}", $$"""{"on":"{{Day(30)}}"}"""],
        ["POST /api/cases/{id}/consents/{version}/patient-signature"] = [$$"""{"signature":"{{Long}}"}"""],
        ["POST /api/cases/{id}/consents/{version}/withdraw"] = [$$"""{"reason":"{{Huge}}"}"""],
        ["POST /api/cases/{id}/readiness/overrides"] = [$$"""{"ruleId":"{{Long}}","reason":"{{Huge}}"}"""],
        ["POST /api/cases/{id}/transitions/{trigger}"] = [$$"""{"reason":"{{Huge}}"}"""],
        ["POST /api/rooms"] = ["{}", """{"hours":[{"day":"Funday","opens":"8am"}],"turnoverMinutes":-5}"""],
        ["POST /api/rooms/{id}/closures"] = ["{}"],
        ["POST /api/rooms/{id}/blocks"] = ["{}", """{"day":"7","opens":"x","closes":"08:00"}"""],
        ["POST /api/staff"] = ["{}", """{"roles":["pilot"],"workingDays":["1"]}"""],
        ["POST /api/staff/{id}/absences"] = ["{}", $$"""{"from":"{{Day(5)}}","to":"{{Day(1)}}","reason":"{{Huge}}"}"""],
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
            var path = PathFor(row, patient, construct, number, lineId);
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

    private static string PathFor(WriteRoute row, Guid patient, Guid construct, int number, Guid lineId) =>
        row.Route
            .Replace("{id}", row.Route.StartsWith("/api/patients", StringComparison.Ordinal) ? patient.ToString()
                : row.Route.StartsWith("/api/constructs", StringComparison.Ordinal) ? construct.ToString()
                : row.Route.StartsWith("/api/rooms", StringComparison.Ordinal) ? "OR1"
                : row.Route.StartsWith("/api/staff", StringComparison.Ordinal) ? "nurse-1"
                : row.Route.StartsWith("/fhir/$export-status", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
                : number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{version}", "1", StringComparison.Ordinal)
            .Replace("{key}", "pain", StringComparison.Ordinal)
            .Replace("{index}", "0", StringComparison.Ordinal)
            .Replace("{lineId}", lineId.ToString(), StringComparison.Ordinal)
            .Replace("{trigger}", Trigger, StringComparison.Ordinal);

    [Fact]
    public async Task A_role_that_may_not_write_gets_403_even_with_an_invalid_body_and_nothing_changes()
    {
        var surgeon = clients[Roles.Surgeon];
        var (patient, construct, body) = await PatientWithConstructAsync(surgeon, "RM-3");
        var lineId = body.GetProperty("components")[0].GetProperty("id").GetGuid();
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        var failures = new List<string>();
        var tried = 0;
        foreach (var (key, bodies) in InvalidBodies)
        {
            var row = WriteAccess.Table.Single(r => r.Key == key);
            // The generic transition route is open to every role; the trigger's own roles decide (Assess: the surgeon).
            var allowed = row.Route.EndsWith("{trigger}", StringComparison.Ordinal)
                ? CaseTransitions.Table.First(t => t.Trigger == CaseTrigger.Assess).Roles
                : row.Roles;
            foreach (var role in Roles.All.Where(r => !allowed.Contains(r)))
            {
                foreach (var invalid in bodies)
                {
                    var before = await FingerprintAsync();
                    using var request = new HttpRequestMessage(new HttpMethod(row.Method), PathFor(row, patient, construct, number, lineId))
                    {
                        Content = new StringContent(invalid, Encoding.UTF8, "application/json"),
                    };
                    using var response = await clients[role].SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    var rule = Rule(text);
                    tried++;
                    if (response.StatusCode != HttpStatusCode.Forbidden || !(rule is null || rule.StartsWith("role:", StringComparison.Ordinal)))
                    {
                        failures.Add($"{key} as {role} with {invalid[..Math.Min(invalid.Length, 60)]}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 200)]}");
                    }
                    else if (await FingerprintAsync() != before)
                    {
                        failures.Add($"{key} as {role}: refused but something changed");
                    }
                }
            }
        }
        Assert.True(tried > 50, $"only {tried} requests tried");
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
