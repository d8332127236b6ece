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

/// <summary>Readiness gates Ready and Schedule, is re-evaluated when the date moves, and produces instructions; on both databases.</summary>
public abstract class ReadinessApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, nurse = null!, anesthesiologist = null!, scheduler = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        scheduler = await factory.ClientForAsync("scheduler@test.local");
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static IEnumerable<string> OpenRules(JsonElement report) =>
        report.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("isOpen").GetBoolean())
            .Select(i => i.GetProperty("ruleId").GetString()!);

    private async Task<(int Number, Guid Patient)> ConsentedCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        Assert.Equal("Consented", (await WalkToConsentedAsync(surgeon, nurse, number)).GetProperty("state").GetString());
        return (number, patient);
    }

    private Task CompleteWorkUpAsync(int number, Guid patient) => Scenario.CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);

    [Fact]
    public async Task A_case_with_open_blocking_items_cannot_become_Ready_and_the_refusal_names_them()
    {
        var (number, _) = await ConsentedCaseAsync("R-1");
        var report = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        Assert.True(report.GetProperty("provisional").GetBoolean());
        var open = OpenRules(report).ToList();
        foreach (var rule in new[] { "surgery-date", "radiographs", "cbc", "creatinine", "coagulation", "history-physical", "asa" })
        {
            Assert.Contains(rule, open);
        }
        var apixaban = report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == "medication:apixaban");
        Assert.Equal("S32", apixaban.GetProperty("source").GetString());

        var refused = await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await Json(refused);
        Assert.Equal("guard:AttestReady", problem.GetProperty("rule").GetString());
        Assert.Contains($"readiness has {open.Count} blocking items", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completing_the_work_up_makes_the_case_Ready_then_schedulable_and_a_later_date_lapses_it()
    {
        var (number, patient) = await ConsentedCaseAsync("R-2");
        await CompleteWorkUpAsync(number, patient);
        var report = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        Assert.Empty(OpenRules(report));

        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        // Scheduling happens only through a booking (SideDoorApiTests); a Ready case's date may still be moved by hand.

        // Surgery moved five weeks later: the H&P (30 days) no longer covers it.
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = Day(40) + "T08:00" })).StatusCode);
        var lapsed = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        var hp = lapsed.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == "history-physical");
        Assert.Equal("Expired", hp.GetProperty("status").GetString());
        Assert.Equal(Day(30), hp.GetProperty("date").GetString());
        Assert.Contains("history-physical", OpenRules(lapsed));

        var worklist = await nurse.GetFromJsonAsync<JsonElement>("/api/preop/worklist");
        var row = worklist.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("number").GetInt32() == number);
        Assert.Equal("Ready", row.GetProperty("state").GetString());
        Assert.True(row.GetProperty("openBlocking").GetInt32() > 0);
    }

    [Fact]
    public async Task Only_a_surgeon_or_anesthesiologist_overrides_and_the_override_is_audited_and_shown()
    {
        var (number, _) = await ConsentedCaseAsync("R-3");
        var byNurse = await nurse.PostAsJsonAsync($"/api/cases/{number}/readiness/overrides", new { ruleId = "asa", reason = "in a hurry" });
        Assert.Equal(HttpStatusCode.Forbidden, byNurse.StatusCode);
        var byAnesthesiologist = await anesthesiologist.PostAsJsonAsync($"/api/cases/{number}/readiness/overrides", new { ruleId = "asa", reason = "assessed at the pre-op clinic, form to follow" });
        Assert.Equal(HttpStatusCode.OK, byAnesthesiologist.StatusCode);
        var asa = (await Json(byAnesthesiologist)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == "asa");
        Assert.False(asa.GetProperty("isOpen").GetBoolean());
        Assert.Equal("anesthesiologist@test.local", asa.GetProperty("override").GetProperty("by").GetString());

        await using var scope = factory.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().AuditEntries
            .Where(a => a.Actor == "anesthesiologist@test.local").ToListAsync();
        Assert.Contains(audit, a => (a.After ?? "").Contains("assessed at the pre-op clinic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Instructions_name_exact_local_dates_as_pdf_and_ical()
    {
        var (number, patient) = await ConsentedCaseAsync("R-4");
        await CompleteWorkUpAsync(number, patient);
        var pdf = await surgeon.GetAsync($"/api/cases/{number}/instructions.pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var text = PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync());
        var lastDose = Today.AddDays(10 - 3).ToString("dddd d MMMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
        Assert.Contains($"Last dose of apixaban: {lastDose}", text, StringComparison.Ordinal);

        var ics = await surgeon.GetAsync($"/api/cases/{number}/instructions.ics");
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType!.MediaType);
        var calendar = Ical.Net.Calendar.Load(await ics.Content.ReadAsStringAsync())!;
        Assert.Contains(calendar.Events, e => e.Summary!.StartsWith("Last dose of apixaban", StringComparison.Ordinal) && !e.DtStart!.HasTime);
        var surgery = calendar.Events.Single(e => e.Summary!.Contains("08:00", StringComparison.Ordinal));
        Assert.Equal("America/Chicago", surgery.DtStart!.TzId);
        Assert.All(calendar.Events, e => Assert.NotEmpty(e.Alarms));
    }

    [Fact]
    public async Task A_surgery_time_skipped_by_the_clock_change_is_refused()
    {
        var (number, _) = await ConsentedCaseAsync("R-5");
        var response = await surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = "2031-03-09T02:30" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not exist", (await Json(response)).GetProperty("errors").GetProperty("local")[0].GetString(), StringComparison.Ordinal);
    }
}

public sealed class ReadinessApiTests_Sqlite() : ReadinessApiTests(DatabaseProvider.Sqlite);

public sealed class ReadinessApiTests_Postgres() : ReadinessApiTests(DatabaseProvider.Postgres);
