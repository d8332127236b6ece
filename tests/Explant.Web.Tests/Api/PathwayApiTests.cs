using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Api;

/// <summary>Patients, constructs and the case pathway through the JSON API, on SQLite and on PostgreSQL.</summary>
public abstract class PathwayApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!;
    private HttpClient nurse = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static object PatientBody(string mrn, string? birthDate = "1970-05-01") => Scenario.PatientBody(mrn, birthDate);

    private Task<(Guid Patient, Guid Construct, JsonElement ConstructBody)> PatientWithConstructAsync(string mrn) => Scenario.PatientWithConstructAsync(surgeon, mrn);

    private Task<JsonElement> OpenCaseAsync(Guid patient, Guid construct) => Scenario.OpenCaseAsync(surgeon, patient, construct);

    private static Task<JsonElement> Json(HttpResponseMessage r) => Scenario.Json(r);

    private Task<JsonElement> WalkToConsentedAsync(int number) => Scenario.WalkToConsentedAsync(surgeon, nurse, number);

    [Fact]
    public async Task Patient_validation_lists_every_bad_field_and_stores_nothing()
    {
        var response = await surgeon.PostAsJsonAsync("/api/patients", new { facility = "", mrn = "", familyName = "Doe", givenName = "", birthDate = "2999-01-01", sex = "Female", weightKg = -3 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        foreach (var field in new[] { "facility", "mrn", "givenName", "birthDate", "weightKg" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"missing error for {field}");
        }
        var badEnum = await surgeon.PostAsync("/api/patients", new StringContent("{\"sex\": \"Robot\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.True((await Json(badEnum)).GetProperty("errors").TryGetProperty("$.sex", out _));
        await using var scope = factory.Scope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Patients.CountAsync());
    }

    [Fact]
    public async Task Mrn_is_unique_per_facility_and_search_finds_by_mrn_and_name()
    {
        Assert.Equal(HttpStatusCode.Created, (await surgeon.PostAsJsonAsync("/api/patients", PatientBody("M-1"))).StatusCode);
        var duplicate = await surgeon.PostAsJsonAsync("/api/patients", PatientBody("M-1"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("mrn-unique", (await Json(duplicate)).GetProperty("rule").GetString());
        var byMrn = await surgeon.GetFromJsonAsync<JsonElement>("/api/patients?q=M-1");
        Assert.Equal(1, byMrn.GetProperty("items").GetArrayLength());
        Assert.Equal(1, byMrn.GetProperty("total").GetInt32());
        var byName = await surgeon.GetFromJsonAsync<JsonElement>("/api/patients?q=doe");
        Assert.Equal(1, byName.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await surgeon.GetFromJsonAsync<JsonElement>("/api/patients?q=nobody")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Patient_update_needs_the_current_etag()
    {
        var created = await surgeon.PostAsJsonAsync("/api/patients", PatientBody("M-2"));
        var id = (await Json(created)).GetProperty("id").GetGuid();
        var etag = created.Headers.ETag!.Tag;
        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = JsonContent.Create(PatientBody("M-2", "1971-05-01")) };
        update.Headers.TryAddWithoutValidation("If-Match", etag);
        var ok = await surgeon.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotEqual(etag, ok.Headers.ETag!.Tag);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{id}") { Content = JsonContent.Create(PatientBody("M-2", "1972-05-01")) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await surgeon.SendAsync(stale)).StatusCode);
        var current = await surgeon.GetFromJsonAsync<JsonElement>($"/api/patients/{id}");
        Assert.Equal("1971-05-01", current.GetProperty("birthDate").GetString());
    }

    [Fact]
    public async Task Construct_is_classified_and_a_bad_udi_stores_nothing()
    {
        var (patient, _, body) = await PatientWithConstructAsync("M-3");
        Assert.Equal("22852", body.GetProperty("classification").GetProperty("suggestedCode").GetString());
        Assert.Equal("L3\u2013L5", body.GetProperty("span").GetString());

        var bad = await surgeon.PostAsJsonAsync($"/api/patients/{patient}/constructs", new
        {
            approach = "Posterior",
            components = new object[] { Scenario.Screw("L3", "Left"), new { kind = "PedicleScrew", level = "L4", side = "Left", udi = "(01)09504000059119" }, new { kind = "Rod", span = "L9-L3" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Json(bad)).GetProperty("errors");
        Assert.Contains("check digit", errors.GetProperty("components[1].udi")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("components[2].span", out _));
        await using var scope = factory.Scope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Constructs.CountAsync());
    }

    [Fact]
    public async Task Refused_transitions_name_the_rule_and_roles_are_enforced()
    {
        var (patient, construct, _) = await PatientWithConstructAsync("M-4");
        var c = await OpenCaseAsync(patient, construct);
        var number = c.GetProperty("number").GetInt32();
        Assert.Equal("Referred", c.GetProperty("state").GetString());

        var noIndication = await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null);
        Assert.Equal(HttpStatusCode.Conflict, noIndication.StatusCode);
        var problem = await Json(noIndication);
        Assert.Equal("guard:Assess", problem.GetProperty("rule").GetString());
        Assert.Contains("no indication", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var notInTable = await surgeon.PostAsync($"/api/cases/{number}/transitions/Schedule", null);
        Assert.Equal(HttpStatusCode.Conflict, notInTable.StatusCode);
        Assert.Equal("transition:Schedule", (await Json(notInTable)).GetProperty("rule").GetString());

        await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain" });
        var wrongRole = await nurse.PostAsync($"/api/cases/{number}/transitions/Assess", null);
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        Assert.Equal("role:Assess", (await Json(wrongRole)).GetProperty("rule").GetString());

        var unknownKey = await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "boredom" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownKey.StatusCode);
        Assert.True((await Json(unknownKey)).GetProperty("errors").TryGetProperty("key", out _));

        var state = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");
        Assert.Equal("Referred", state.GetProperty("state").GetString());
    }

    private async Task<bool> ListedConsentValid(int number)
    {
        var page = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases?q={number}");
        return page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("number").GetInt32() == number).GetProperty("consentValid").GetBoolean();
    }

    [Fact]
    public async Task Walk_to_consent_then_a_plan_change_invalidates_it()
    {
        var (patient, construct, body) = await PatientWithConstructAsync("M-5");
        var number = (await OpenCaseAsync(patient, construct)).GetProperty("number").GetInt32();
        var consented = await WalkToConsentedAsync(number);
        Assert.Equal("Consented", consented.GetProperty("state").GetString());
        Assert.True(consented.GetProperty("consentValid").GetBoolean());
        // The case list reads the stored column (issue #17): it follows the aggregate on every save.
        Assert.True(await ListedConsentValid(number));

        var consentDoc = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/consents/1");
        var text = consentDoc.GetProperty("document").GetString()!;
        Assert.Contains("DOE, Jane", text, StringComparison.Ordinal);
        Assert.Contains("Nerve damage", text, StringComparison.Ordinal);
        Assert.Contains("Observation with regular monitoring if symptoms are mild", text, StringComparison.Ordinal);

        var oneScrew = body.GetProperty("components")[4].GetProperty("id").GetGuid();
        var changed = await surgeon.PutAsJsonAsync($"/api/cases/{number}/plan", new { removeAll = false, componentIds = new[] { oneScrew } });
        var after = await Json(changed);
        Assert.Equal("Decided", after.GetProperty("state").GetString());
        Assert.False(after.GetProperty("consentValid").GetBoolean());
        Assert.False(await ListedConsentValid(number));
        Assert.Equal(2, after.GetProperty("plan").GetProperty("revision").GetInt32());
        Assert.Equal("PlanChanged", after.GetProperty("history").EnumerateArray().Last().GetProperty("trigger").GetString());

        var resign = await nurse.PostAsJsonAsync($"/api/cases/{number}/consents/1/patient-signature", new { signature = "Jane Doe" });
        Assert.Equal(HttpStatusCode.Conflict, resign.StatusCode);
        Assert.Equal("consent-superseded", (await Json(resign)).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Choosing_an_alternative_declines_the_case()
    {
        var (patient, construct, _) = await PatientWithConstructAsync("M-6");
        var number = (await OpenCaseAsync(patient, construct)).GetProperty("number").GetInt32();
        await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain" });
        await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null);
        var declined = await surgeon.PostAsJsonAsync($"/api/cases/{number}/decision",
            new { alternativesDiscussed = new[] { "conservative-care", "revision-surgery", "observation" }, choice = "conservative-care" });
        var body = await Json(declined);
        Assert.Equal("Declined", body.GetProperty("state").GetString());
        Assert.Equal("conservative-care", body.GetProperty("decision").GetProperty("choice").GetString());
    }

    [Fact]
    public async Task Support_complete_needs_ct_fusion_evidence_or_an_override()
    {
        var (patient, construct, _) = await PatientWithConstructAsync("M-7");
        var number = (await OpenCaseAsync(patient, construct)).GetProperty("number").GetInt32();
        await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "support-complete", icdCode = "Z47.2" });
        await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null);

        var xray = await Json(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = "2026-01-05", modality = "XRay", fusion = new[] { new { levels = "L3-L5", status = "Solid" } } }));
        var refusedXray = await surgeon.PostAsJsonAsync($"/api/cases/{number}/evidence/fusion", new { imagingStudyId = xray.GetProperty("id").GetGuid() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedXray.StatusCode);
        Assert.Equal("fusion-evidence-modality", (await Json(refusedXray)).GetProperty("rule").GetString());

        var decision = new { alternativesDiscussed = new[] { "conservative-care", "revision-surgery", "observation" }, choice = "removal" };
        var blocked = await surgeon.PostAsJsonAsync($"/api/cases/{number}/decision", decision);
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Contains("support-complete", (await Json(blocked)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var ct = await Json(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = "2026-01-06", modality = "CT", fusion = new[] { new { levels = "L3-L5", status = "Solid" } } }));
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/evidence/fusion", new { imagingStudyId = ct.GetProperty("id").GetGuid() })).StatusCode);
        var decided = await surgeon.PostAsJsonAsync($"/api/cases/{number}/decision", decision);
        Assert.Equal("Decided", (await Json(decided)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Two_writers_with_the_same_etag_one_wins_the_other_gets_412()
    {
        var (patient, construct, body) = await PatientWithConstructAsync("M-8");
        var opened = await surgeon.PostAsJsonAsync("/api/cases", new { patientId = patient, constructId = construct, procedureCode = "22852" });
        var number = (await Json(opened)).GetProperty("number").GetInt32();
        var etag = opened.Headers.ETag!.Tag;
        HttpRequestMessage Plan(int componentIndex)
        {
            var r = new HttpRequestMessage(HttpMethod.Put, $"/api/cases/{number}/plan")
            {
                Content = JsonContent.Create(new { removeAll = false, componentIds = new[] { body.GetProperty("components")[componentIndex].GetProperty("id").GetGuid() } }),
            };
            r.Headers.TryAddWithoutValidation("If-Match", etag);
            return r;
        }
        var results = await Task.WhenAll(surgeon.SendAsync(Plan(0)), surgeon.SendAsync(Plan(1)));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.PreconditionFailed);
        var final = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");
        Assert.Equal(2, final.GetProperty("plan").GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task Transitions_are_audited_and_the_table_is_published()
    {
        var (patient, construct, _) = await PatientWithConstructAsync("M-9");
        var number = (await OpenCaseAsync(patient, construct)).GetProperty("number").GetInt32();
        await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain" });
        await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null);
        await using var scope = factory.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().AuditEntries
            .Where(a => a.Entity == "SurgicalCase" && a.Action == "updated").ToListAsync();
        Assert.Contains(audit, a => a.Actor == "surgeon@test.local" && a.After!.Contains("\"State\":\"Assessed\"", StringComparison.Ordinal)
            && a.Before!.Contains("\"State\":\"Referred\"", StringComparison.Ordinal));

        var table = await surgeon.GetFromJsonAsync<JsonElement>("/api/pathway/transitions");
        Assert.Contains("| Assess | Referred | Assessed | a person | surgeon |", table.GetProperty("markdown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diagram_is_an_accessible_svg()
    {
        var (_, construct, _) = await PatientWithConstructAsync("M-10");
        var response = await nurse.GetAsync($"/api/constructs/{construct}/diagram.svg");
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        var svg = await response.Content.ReadAsStringAsync();
        Assert.Contains("role=\"img\"", svg, StringComparison.Ordinal);
        Assert.Contains(">L4<", svg, StringComparison.Ordinal);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(svg, "<circle").Count);
    }
}

public sealed class PathwayApiTests_Sqlite() : PathwayApiTests(DatabaseProvider.Sqlite);

public sealed class PathwayApiTests_Postgres() : PathwayApiTests(DatabaseProvider.Postgres);
