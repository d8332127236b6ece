using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue #12 §1 and §3: the generic transition route (JSON and form) fires only what a person fires, and a booked
/// case's date moves only with its booking. Each side door is tried through the API and through the form, by every
/// role that could try it, and must leave the case as it was.
/// </summary>
public abstract class SideDoorApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, nurse = null!, anesthesiologist = null!, scheduler = null!, admin = null!;

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
        admin = await factory.ClientForAsync("admin@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "07:00", closes = "18:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<int> ReadyCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(surgeon, nurse, number);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        return number;
    }

    private async Task<int> ScheduledCaseAsync(string mrn)
    {
        var number = await ReadyCaseAsync(mrn);
        var booked = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        return number;
    }

    private async Task<(string State, string Planned)> CaseAsync(int number)
    {
        var view = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");
        var readiness = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        return (view.GetProperty("state").GetString()!, readiness.GetProperty("surgeryUtc").ToString());
    }

    private static async Task AssertRule(HttpResponseMessage response, HttpStatusCode status, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {rule}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(rule, JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task The_transition_table_says_who_fires_each_trigger()
    {
        var table = await nurse.GetFromJsonAsync<JsonElement>("/api/pathway/transitions");
        var rows = table.GetProperty("transitions").EnumerateArray().ToDictionary(t => t.GetProperty("trigger").GetString()!);
        foreach (var trigger in new[] { "Schedule", "CheckIn", "EnterTheatre", "LeaveTheatre", "Discharge", "StartFollowUp", "Close", "Consent", "PlanChanged", "ConsentWithdrawn" })
        {
            Assert.Equal("system", rows[trigger].GetProperty("firedBy").GetString());
            Assert.False(string.IsNullOrWhiteSpace(rows[trigger].GetProperty("step").GetString()));
        }
        foreach (var trigger in new[] { "Assess", "AttestReady", "Postpone", "Resume", "Reassess", "Cancel" })
        {
            Assert.Equal("person", rows[trigger].GetProperty("firedBy").GetString());
        }
        Assert.Contains("| Fired by |", table.GetProperty("markdown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_without_a_booking_is_refused_for_every_role_through_the_api_and_the_form()
    {
        var number = await ReadyCaseAsync("SD-1");
        foreach (var client in new[] { surgeon, nurse, anesthesiologist, scheduler, admin })
        {
            await AssertRule(await client.PostAsync($"/api/cases/{number}/transitions/Schedule", null), HttpStatusCode.Conflict, "transition:Schedule:system-step");
        }
        using var form = await FormSession.SignInAsync(factory, "scheduler@test.local");
        var posted = await form.PostAsync($"/forms/cases/{number}/transition", ("trigger", "Schedule"));
        Assert.True(posted.Refused, posted.Location);
        Assert.Contains("only through the booking", posted.Error, StringComparison.Ordinal);
        // A numeric trigger is not a name: refused as bad input, never mapped to an enum value.
        var numeric = await form.PostAsync($"/forms/cases/{number}/transition", ("trigger", "5"));
        Assert.Contains("Step:", numeric.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await scheduler.PostAsync($"/api/cases/{number}/transitions/5", null)).StatusCode);
        Assert.Equal("Ready", (await CaseAsync(number)).State);
    }

    [Fact]
    public async Task The_day_of_surgery_triggers_cannot_be_fired_as_bare_transitions()
    {
        var number = await ScheduledCaseAsync("SD-2");
        foreach (var client in new[] { surgeon, nurse, anesthesiologist, scheduler, admin })
        {
            await AssertRule(await client.PostAsync($"/api/cases/{number}/transitions/CheckIn", null), HttpStatusCode.Conflict, "transition:CheckIn:system-step");
            foreach (var trigger in new[] { "EnterTheatre", "LeaveTheatre", "Discharge", "StartFollowUp", "Close" })
            {
                var refused = await client.PostAsync($"/api/cases/{number}/transitions/{trigger}", null);
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            }
        }
        using var form = await FormSession.SignInAsync(factory, "nurse@test.local");
        var posted = await form.PostAsync($"/forms/cases/{number}/transition", ("trigger", "CheckIn"));
        Assert.Contains("only through check-in", posted.Error, StringComparison.Ordinal);
        Assert.Equal("Scheduled", (await CaseAsync(number)).State);
    }

    [Fact]
    public async Task The_planned_date_of_a_scheduled_case_moves_only_with_its_booking()
    {
        var number = await ScheduledCaseAsync("SD-3");
        var before = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        foreach (var client in new[] { surgeon, scheduler })
        {
            await AssertRule(await client.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = Day(12) + "T08:00" }), HttpStatusCode.Conflict, "move-the-booking");
        }
        using (var form = await FormSession.SignInAsync(factory, "surgeon@test.local"))
        {
            var posted = await form.PostAsync($"/forms/cases/{number}/surgery-date", ("local", Day(12) + "T08:00"));
            Assert.Contains("move the booking", posted.Error, StringComparison.Ordinal);
        }
        var unchanged = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        Assert.Equal(before.GetProperty("surgeryUtc").ToString(), unchanged.GetProperty("surgeryUtc").ToString());

        // The booking's own move changes the slot and the planned date together.
        var moved = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(12), start = "09:00", durationMinutes = 120, confirmTimeChange = true });
        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);
        var after = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        Assert.NotEqual(before.GetProperty("surgeryUtc").ToString(), after.GetProperty("surgeryUtc").ToString());
        Assert.Contains($"\"caseNumber\":{number}", await nurse.GetStringAsync($"/api/schedule/{Day(12)}"), StringComparison.Ordinal);
        Assert.DoesNotContain($"\"caseNumber\":{number}", await nurse.GetStringAsync($"/api/schedule/{Day(10)}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Implausible_results_are_refused_by_field_through_the_api_and_the_form_and_nothing_is_stored()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "SD-5");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        foreach (var (body, field) in new (object, string)[]
        {
            (new { kind = "Creatinine", value = 1000000, unit = "mg/dL", takenOn = Day(0) }, "value"),
            (new { kind = "PtInr", value = 99, takenOn = Day(0) }, "value"),
            (new { kind = "Cbc", takenOn = "0001-01-01" }, "takenOn"),
            (new { kind = "Cbc", takenOn = "1969-01-01" }, "takenOn"),
            (new { kind = "Cbc", takenOn = Day(1) }, "takenOn"),
        })
        {
            var refused = await nurse.PostAsJsonAsync($"/api/cases/{number}/results", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty(field, out _), $"{field}: {await refused.Content.ReadAsStringAsync()}");
        }
        using (var form = await FormSession.SignInAsync(factory, "nurse@test.local"))
        {
            var posted = await form.PostAsync($"/forms/cases/{number}/result", ("kind", "Creatinine"), ("value", "1000000"), ("unit", "mg/dL"), ("takenOn", Day(0)));
            Assert.Contains("not plausible", posted.Error, StringComparison.Ordinal);
        }
        var view = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness");
        Assert.DoesNotContain("1000000", view.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/results", new { kind = "Creatinine", value = 0.9, unit = "mg/dL", takenOn = Day(0) })).StatusCode);
    }

    [Fact]
    public async Task Hardware_added_after_consent_sends_an_all_components_case_back_for_re_consent_and_frees_its_slot()
    {
        var number = await ScheduledCaseAsync("SD-6");
        var view = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");
        var construct = view.GetProperty("construct").GetProperty("id").GetGuid();
        var added = await nurse.PostAsJsonAsync($"/api/constructs/{construct}/components", new { kind = "Hook", level = "L2", side = "Left", material = "Titanium", hookType = "Laminar" });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var after = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");
        Assert.Equal("Decided", after.GetProperty("state").GetString());
        Assert.False(after.GetProperty("consentValid").GetBoolean());
        Assert.DoesNotContain($"\"caseNumber\":{number}", await nurse.GetStringAsync($"/api/schedule/{Day(10)}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passed_hold_blocks_until_the_last_dose_is_recorded_for_this_surgery_date_through_the_api_or_the_form()
    {
        var number = await ReadyCaseAsync("SD-7");
        static JsonElement Apixaban(JsonElement report) => report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == "medication:apixaban");
        var lastDose = DateOnly.Parse(Apixaban(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness")).GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // The day after the last permitted dose, with nobody having confirmed the stop: blocking.
        factory.Clock.MoveTo(lastDose.AddDays(1), new TimeOnly(9, 0));
        var open = Apixaban(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness"));
        Assert.Equal("Missing", open.GetProperty("status").GetString());

        string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Forbidden, (await scheduler.PostAsJsonAsync($"/api/cases/{number}/medication-stops", new { drug = "apixaban", stoppedOn = Iso(lastDose) })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/cases/{number}/medication-stops", new { drug = "apixaban", stoppedOn = Iso(lastDose) })).StatusCode);
        var future = await nurse.PostAsJsonAsync($"/api/cases/{number}/medication-stops", new { drug = "apixaban", stoppedOn = Iso(lastDose.AddDays(5)) });
        Assert.True((await Json(future)).GetProperty("errors").TryGetProperty("stoppedOn", out _));
        var unknown = await nurse.PostAsJsonAsync($"/api/cases/{number}/medication-stops", new { drug = "warfarin", stoppedOn = Iso(lastDose) });
        Assert.True((await Json(unknown)).GetProperty("errors").TryGetProperty("drug", out _));
        Assert.Equal("Missing", Apixaban(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness")).GetProperty("status").GetString());

        // Stopped a day late: recorded, and the hold was not honoured.
        var late = await nurse.PostAsJsonAsync($"/api/cases/{number}/medication-stops", new { drug = "apixaban", stoppedOn = Iso(lastDose.AddDays(1)) });
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("Expired", Apixaban(await Json(late)).GetProperty("status").GetString());

        // The pre-op nurse corrects it from the readiness form after calling the patient: the hold was kept.
        using var form = await FormSession.SignInAsync(factory, "nurse@test.local");
        var posted = await form.PostAsync($"/forms/cases/{number}/medication-stop", ("drug", "apixaban"), ("stoppedOn", Iso(lastDose)));
        Assert.False(posted.Refused, posted.Error);
        var kept = Apixaban(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness"));
        Assert.Equal("Met", kept.GetProperty("status").GetString());
        Assert.Contains("Record last dose", await form.GetStringAsync($"/cases/{number}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_surgery_date_in_the_past_or_years_ahead_is_refused_by_field()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "SD-4");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        foreach (var local in new[] { "9999-12-31T08:00", Day(-1) + "T08:00", TestClock.StartDate.AddYears(3).ToString("yyyy-MM-dd") + "T08:00" })
        {
            var refused = await surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("plannedSurgery", out _), local);
        }
        Assert.Equal(JsonValueKind.Null, (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness")).GetProperty("surgeryUtc").ValueKind);
    }
}

public sealed class SideDoorApiTests_Sqlite() : SideDoorApiTests(DatabaseProvider.Sqlite);

public sealed class SideDoorApiTests_Postgres() : SideDoorApiTests(DatabaseProvider.Postgres);
