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

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue #12 §6: a case's surgeon is an account with the surgeon role; only that surgeon signs its consent; a colleague
/// takes over by an explicit, recorded hand-over. Tried through the API and the forms.
/// </summary>
public abstract class CaseSurgeonApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, colleague = null!, nurse = null!, scheduler = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("colleague@test.local", Roles.Surgeon);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        colleague = await factory.ClientForAsync("colleague@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        scheduler = await factory.ClientForAsync("scheduler@test.local");
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<int> CaseCountAsync()
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Cases.CountAsync();
    }

    private static async Task AssertField(HttpResponseMessage response, string field, string words)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 on {field}, got {(int)response.StatusCode}: {body}");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Contains(words, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_names_only_an_existing_surgeon_account()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "CS-1");
        object Body(string? who) => new { patientId = patient, constructId = construct, procedureCode = "22852", surgeon = who };

        await AssertField(await scheduler.PostAsJsonAsync("/api/cases", Body("dr.nobody@elsewhere.example")), "surgeon", "not a surgeon's account");
        await AssertField(await scheduler.PostAsJsonAsync("/api/cases", Body("nurse@test.local")), "surgeon", "not a surgeon's account");
        await AssertField(await scheduler.PostAsJsonAsync("/api/cases", Body(null)), "surgeon", "required");
        Assert.Equal(0, await CaseCountAsync());

        var opened = await scheduler.PostAsJsonAsync("/api/cases", Body("COLLEAGUE@test.local"));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal("colleague@test.local", (await Json(opened)).GetProperty("surgeon").GetString());
        // A surgeon opening a case without naming anyone is its surgeon.
        Assert.Equal("surgeon@test.local", (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("surgeon").GetString());

        var picker = await nurse.GetFromJsonAsync<JsonElement>("/api/surgeons");
        Assert.Equal(["colleague@test.local", "surgeon@test.local"], picker.EnumerateArray().Select(p => p.GetProperty("email").GetString()));

        using var form = await FormSession.SignInAsync(factory, "scheduler@test.local");
        var refused = await form.PostAsync($"/forms/patients/{patient}/cases", ("constructId", construct.ToString()), ("procedureCode", "22852"), ("surgeon", "dr.nobody@elsewhere.example"));
        Assert.Contains("not a surgeon's account", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, await CaseCountAsync());
        Assert.Contains("colleague@test.local", await form.GetStringAsync($"/patients/{patient}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_case_surgeon_signs_its_consent_until_a_recorded_hand_over()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "CS-2");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain", icdCode = "T84.84XA" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/decision", new { alternativesDiscussed = AllAlternatives, choice = "removal" })).StatusCode);
        var version = (await Json(await surgeon.PostAsync($"/api/cases/{number}/consents", null))).GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/consents/{version}/patient-signature", new { signature = "Jane Doe" })).StatusCode);

        var other = await colleague.PostAsync($"/api/cases/{number}/consents/{version}/surgeon-signature", null);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("case-surgeon", (await Json(other)).GetProperty("rule").GetString());
        using (var form = await FormSession.SignInAsync(factory, "colleague@test.local"))
        {
            var posted = await form.PostAsync($"/forms/cases/{number}/surgeon-signature", ("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains("only its surgeon", posted.Error, StringComparison.Ordinal);
        }
        Assert.Equal("Decided", (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString());

        // Hand-over: a reason is required, a nurse cannot do it, the new surgeon must be a surgeon account.
        await AssertField(await colleague.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { reason = " " }), "reason", "required");
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { surgeon = "colleague@test.local", reason = "leave" })).StatusCode);
        await AssertField(await surgeon.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { surgeon = "nurse@test.local", reason = "leave" }), "surgeon", "not a surgeon's account");

        var handed = await colleague.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { reason = "Dr Surgeon on leave from Monday" });
        Assert.Equal(HttpStatusCode.OK, handed.StatusCode);
        var view = await Json(handed);
        Assert.Equal("colleague@test.local", view.GetProperty("surgeon").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await surgeon.PostAsync($"/api/cases/{number}/consents/{version}/surgeon-signature", null)).StatusCode);
        // The page offers the take-over form to surgeons and lists the hand-over; the form route hands the case back.
        using (var page = await FormSession.SignInAsync(factory, "surgeon@test.local"))
        {
            var html = await page.GetStringAsync($"/cases/{number}");
            Assert.Contains("data-action=\"hand-over\"", html, StringComparison.Ordinal);
            Assert.Contains("Dr Surgeon on leave from Monday", html, StringComparison.Ordinal);
            var back = await page.PostAsync($"/forms/cases/{number}/hand-over", ("reason", "back from leave"));
            Assert.False(back.Refused, back.Error);
        }
        using (var nursePage = await FormSession.SignInAsync(factory, "nurse@test.local"))
        {
            Assert.DoesNotContain("data-action=\"hand-over\"", await nursePage.GetStringAsync($"/cases/{number}"), StringComparison.Ordinal);
            Assert.Contains("needs role surgeon", (await nursePage.PostAsync($"/forms/cases/{number}/hand-over", ("reason", "x"))).Error, StringComparison.Ordinal);
        }
        Assert.Equal("surgeon@test.local", (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("surgeon").GetString());
        Assert.Equal(HttpStatusCode.OK, (await colleague.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { reason = "second period of cover" })).StatusCode);

        // The patient signed a document naming surgeon@test.local: the hand-over voided it (it was not signed by both),
        // so the new surgeon cannot complete it through the API or the form; a new document names them.
        var half = await colleague.PostAsync($"/api/cases/{number}/consents/{version}/surgeon-signature", null);
        Assert.Equal(HttpStatusCode.Conflict, half.StatusCode);
        Assert.Equal("consent-void-at-hand-over", (await Json(half)).GetProperty("rule").GetString());
        using (var form = await FormSession.SignInAsync(factory, "colleague@test.local"))
        {
            var posted = await form.PostAsync($"/forms/cases/{number}/surgeon-signature", ("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains("is void", posted.Error, StringComparison.Ordinal);
        }
        var voided = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/consents/{version}");
        Assert.Equal(JsonValueKind.String, voided.GetProperty("withdrawnAtUtc").ValueKind);
        Assert.False(voided.GetProperty("fullySigned").GetBoolean());
        Assert.Equal("Decided", (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString());

        var fresh = await Json(await colleague.PostAsync($"/api/cases/{number}/consents", null));
        var v2 = fresh.GetProperty("version").GetInt32();
        Assert.Contains("Surgeon: colleague@test.local", fresh.GetProperty("document").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/consents/{v2}/patient-signature", new { signature = "Jane Doe" })).StatusCode);
        var signed = await colleague.PostAsync($"/api/cases/{number}/consents/{v2}/surgeon-signature", null);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("Consented", (await Json(signed)).GetProperty("state").GetString());

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var c = await db.Cases.SingleAsync(x => x.Number == number);
        Assert.Equal(3, c.HandOvers.Count);
        var record = c.HandOvers[0];
        Assert.Equal(("surgeon@test.local", "colleague@test.local", "colleague@test.local", "Dr Surgeon on leave from Monday"), (record.From, record.To, record.By, record.Reason));
        Assert.Equal(("colleague@test.local", "surgeon@test.local", "back from leave"), (c.HandOvers[1].From, c.HandOvers[1].To, c.HandOvers[1].Reason));
        Assert.Contains(await db.AuditEntries.ToListAsync(), a => a.Actor == "colleague@test.local" && (a.After ?? "").Contains("\"Surgeon\":\"colleague@test.local\"", StringComparison.Ordinal));
    }
}

public sealed class CaseSurgeonApiTests_Sqlite() : CaseSurgeonApiTests(DatabaseProvider.Sqlite);

public sealed class CaseSurgeonApiTests_Postgres() : CaseSurgeonApiTests(DatabaseProvider.Postgres);
