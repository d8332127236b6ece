using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #16 §7: many writers at once, none sending If-Match, are all answered 2xx and every acknowledged write is stored
/// (a lost race is re-read and re-applied on the server); a stale If-Match or a form's stale revision is still refused.
/// On both databases.
/// </summary>
public abstract class ContentionTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, anesthesiologist = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<int> NewCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        return (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
    }

    private async Task<int> StoredResultsAsync(int number)
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        return (await db.Cases.AsNoTracking().SingleAsync(c => c.Number == number)).Results.Count;
    }

    private static object Cbc => new { kind = "Cbc", takenOn = Day(0) };

    [Fact]
    public async Task Twelve_clients_appending_lab_results_to_four_cases_are_all_answered_2xx_and_every_result_is_stored()
    {
        var cases = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            cases.Add(await NewCaseAsync($"C-{i}"));
        }
        var clients = new List<HttpClient>();
        for (var i = 0; i < 12; i++)
        {
            clients.Add(await factory.ClientForAsync(i % 2 == 0 ? "nurse@test.local" : "surgeon@test.local"));
        }
        const int perClient = 4;
        var answers = await Task.WhenAll(clients.Select(async (client, k) =>
        {
            var mine = new List<(int Case, HttpStatusCode Status)>();
            for (var j = 0; j < perClient; j++)
            {
                var number = cases[(k + j) % cases.Count];
                using var response = await client.PostAsJsonAsync($"/api/cases/{number}/results", Cbc);
                mine.Add((number, response.StatusCode));
            }
            return mine;
        }));
        var all = answers.SelectMany(a => a).ToList();
        Assert.Equal(12 * perClient, all.Count);
        Assert.All(all, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        foreach (var number in cases)
        {
            Assert.Equal(all.Count(a => a.Case == number), await StoredResultsAsync(number));
        }
    }

    [Fact]
    public async Task Different_writes_to_one_case_at_once_all_land()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "C-MIX");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        var nurse = await factory.ClientForAsync("nurse@test.local");
        Assert.Equal("Consented", (await WalkToConsentedAsync(surgeon, nurse, number)).GetProperty("state").GetString());
        var writes = new Func<Task<HttpResponseMessage>>[]
        {
            () => surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = Day(10) + "T08:00" }),
            () => nurse.PostAsJsonAsync($"/api/cases/{number}/results", new { kind = "Cbc", takenOn = Day(0) }),
            () => nurse.PostAsJsonAsync($"/api/cases/{number}/results", new { kind = "Creatinine", value = 0.9m, unit = "mg/dL", takenOn = Day(0) }),
            () => surgeon.PostAsJsonAsync($"/api/cases/{number}/results", new { kind = "PtInr", value = 1.0m, takenOn = Day(0) }),
            () => surgeon.PutAsJsonAsync($"/api/cases/{number}/history-physical", new { on = Day(0) }),
            () => anesthesiologist.PutAsJsonAsync($"/api/cases/{number}/asa", new { asaClass = "II" }),
        };
        var answers = await Task.WhenAll(writes.Select(w => Task.Run(w)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var report = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        var open = report.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("isOpen").GetBoolean()).Select(i => i.GetProperty("ruleId").GetString()).ToList();
        foreach (var rule in new[] { "surgery-date", "cbc", "creatinine", "coagulation", "history-physical", "asa" })
        {
            Assert.DoesNotContain(rule, open);
        }
        Assert.Equal(3, await StoredResultsAsync(number));
    }

    [Fact]
    public async Task Cases_opened_at_once_each_get_their_own_number()
    {
        var made = new List<(Guid Patient, Guid Construct)>();
        for (var i = 0; i < 8; i++)
        {
            var (patient, construct, _) = await PatientWithConstructAsync(surgeon, $"C-OPEN-{i}");
            made.Add((patient, construct));
        }
        var answers = await Task.WhenAll(made.Select(m => Task.Run(() =>
            surgeon.PostAsJsonAsync("/api/cases", new { patientId = m.Patient, constructId = m.Construct, procedureCode = "22852" }))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        var numbers = await Task.WhenAll(answers.Select(async a => (await Json(a)).GetProperty("number").GetInt32()));
        Assert.Equal(8, numbers.Distinct().Count());
        await using var scope = factory.Scope();
        Assert.Equal(8, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Cases.CountAsync());
    }

    private HttpRequestMessage ResultWithIfMatch(int number, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{number}/results") { Content = JsonContent.Create(Cbc) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    [Fact]
    public async Task A_stale_If_Match_still_gets_412_and_stores_nothing_and_of_writers_sharing_one_ETag_only_one_wins()
    {
        var number = await NewCaseAsync("C-ETAG");
        var seen = (await surgeon.GetAsync($"/api/cases/{number}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/results", Cbc)).StatusCode);

        var stale = await surgeon.SendAsync(ResultWithIfMatch(number, seen));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("optimistic-concurrency", (await Json(stale)).GetProperty("rule").GetString());
        Assert.Equal(1, await StoredResultsAsync(number));

        // Writers holding the same current ETag race: the retry never turns a lost precondition into a success.
        var current = (await surgeon.GetAsync($"/api/cases/{number}")).Headers.ETag!.Tag;
        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await factory.ClientForAsync("nurse@test.local"));
        }
        var answers = await Task.WhenAll(clients.Select(c => Task.Run(() => c.SendAsync(ResultWithIfMatch(number, current)))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.PreconditionFailed));
        Assert.Equal(2, await StoredResultsAsync(number));
    }

    [Fact]
    public async Task A_form_with_a_stale_revision_is_still_refused_and_a_current_one_is_stored()
    {
        var number = await NewCaseAsync("C-FORM");
        var seen = (await surgeon.GetAsync($"/api/cases/{number}")).Headers.ETag!.Tag.Trim('"');
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/results", Cbc)).StatusCode);
        using var form = await FormSession.SignInAsync(factory, "nurse@test.local");
        var refused = await form.PostAsync($"/forms/cases/{number}/result", ("revision", seen), ("kind", "Cbc"), ("takenOn", Day(0)));
        Assert.True(refused.Refused, refused.Location);
        Assert.Contains("has changed", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, await StoredResultsAsync(number));

        var current = (await surgeon.GetAsync($"/api/cases/{number}")).Headers.ETag!.Tag.Trim('"');
        var stored = await form.PostAsync($"/forms/cases/{number}/result", ("revision", current), ("kind", "Cbc"), ("takenOn", Day(0)));
        Assert.False(stored.Refused, stored.Error);
        Assert.Equal(2, await StoredResultsAsync(number));
    }
}

public sealed class ContentionTests_Sqlite() : ContentionTests(DatabaseProvider.Sqlite);

public sealed class ContentionTests_Postgres() : ContentionTests(DatabaseProvider.Postgres);
