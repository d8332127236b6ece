using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue #14 §2–4: a booking at another time than the planned one is refused (409 planned-time-differs, both times
/// named) unless confirmed; a confirmed change moves the planned time, keeps the old instructions, issues new ones
/// and blocks until a nurse records that the patient was told. A short slot needs a reason; the board's form goes
/// through the same command, keeps the choices on a refusal and says so in plain words; the proposal API's contract.
/// </summary>
public abstract class BookingFaithApiTests(DatabaseProvider provider) : IAsyncLifetime
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
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/staff", new { id = "A1", name = "Ann Alder", roles = new[] { "anesthesiologist", "nurse" }, workingDays = week.Select(w => w.day) })).StatusCode);
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

    private Task<HttpResponseMessage> Book(int number, string start, int day = 10, int? minutes = 120, bool? confirm = null, string? shortSlotReason = null) =>
        scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(day), start, durationMinutes = minutes, confirmTimeChange = confirm, shortSlotReason });

    private async Task<JsonElement> Item(int number, string rule) =>
        (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/readiness")).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("ruleId").GetString() == rule);

    [Fact]
    public async Task A_changed_time_is_refused_then_confirmed_reissues_instructions_and_blocks_until_a_nurse_tells_the_patient()
    {
        var number = await ReadyCaseAsync("BF-1");

        var refused = await Book(number, "13:00");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await Json(refused);
        Assert.Equal("planned-time-differs", problem.GetProperty("rule").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"{Day(10)} 08:00", detail, StringComparison.Ordinal);
        Assert.Contains($"{Day(10)} 13:00", detail, StringComparison.Ordinal);
        Assert.Equal("Ready", (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString());
        Assert.Empty((await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/{Day(10)}"))[0].GetProperty("bookings").EnumerateArray());
        Assert.Empty((await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/instructions/versions")).EnumerateArray());

        var booked = await Book(number, "13:00", confirm: true);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("Scheduled", (await Json(booked)).GetProperty("state").GetString());
        var informed = await Item(number, "patient-informed");
        Assert.Equal("Missing", informed.GetProperty("status").GetString());
        Assert.True(informed.GetProperty("blocking").GetBoolean());

        var versions = (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/instructions/versions")).EnumerateArray().ToList();
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Contains(versions[0].GetProperty("lines").EnumerateArray(), l => l.GetString()!.Contains("08:00", StringComparison.Ordinal));
        Assert.Contains(versions[1].GetProperty("lines").EnumerateArray(), l => l.GetString()!.Contains("13:00", StringComparison.Ordinal));
        Assert.False(versions[0].GetProperty("mustInform").GetBoolean());
        Assert.True(versions[1].GetProperty("mustInform").GetBoolean());

        // Only a nurse records it, with how; bad input stores nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "phone" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scheduler.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "phone" })).StatusCode);
        var bad = await nurse.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "carrier pigeon" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("how", out _));
        Assert.Equal("Missing", (await Item(number, "patient-informed")).GetProperty("status").GetString());
        // An override is no way around it.
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/readiness/overrides", new { ruleId = "patient-informed", reason = "told them myself" })).StatusCode);
        Assert.Equal("Missing", (await Item(number, "patient-informed")).GetProperty("status").GetString());

        var told = await nurse.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "phone", note = "patient repeated the new time and fasting" });
        Assert.Equal(HttpStatusCode.OK, told.StatusCode);
        Assert.Equal("Met", (await Item(number, "patient-informed")).GetProperty("status").GetString());
        var v2 = (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/instructions/versions"))[1];
        Assert.Equal("phone", v2.GetProperty("informedHow").GetString());
        Assert.Equal("nurse@test.local", v2.GetProperty("informedBy").GetString());
        var again = await nurse.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "phone" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("nothing-to-inform", (await Json(again)).GetProperty("rule").GetString());

        // Moving the booked case: the same gate; a confirmed move issues version 3 and blocks again.
        Assert.Equal("planned-time-differs", (await Json(await Book(number, "09:00", day: 11))).GetProperty("rule").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Book(number, "09:00", day: 11, confirm: true)).StatusCode);
        Assert.Equal(3, (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/instructions/versions")).GetArrayLength());
        Assert.Equal("Missing", (await Item(number, "patient-informed")).GetProperty("status").GetString());
        // The same slot again (e.g. to staff it) changes nothing for the patient: no confirmation needed, no new version.
        Assert.Equal(HttpStatusCode.Created, (await Book(number, "09:00", day: 11)).StatusCode);
        Assert.Equal(3, (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/instructions/versions")).GetArrayLength());
    }

    [Fact]
    public async Task The_case_pages_form_records_patient_informed_for_nurses_only()
    {
        var number = await ReadyCaseAsync("BF-6");
        Assert.Equal(HttpStatusCode.Created, (await Book(number, "11:00", confirm: true)).StatusCode);
        using (var asSurgeon = await FormSession.SignInAsync(factory, "surgeon@test.local"))
        {
            var refused = await asSurgeon.PostAsync($"/forms/cases/{number}/patient-informed", [new("how", "phone")], $"/cases/{number}");
            Assert.True(refused.Refused);
            Assert.Contains("nurse", refused.Error!, StringComparison.Ordinal);
        }
        Assert.Equal("Missing", (await Item(number, "patient-informed")).GetProperty("status").GetString());
        using var asNurse = await FormSession.SignInAsync(factory, "nurse@test.local");
        Assert.Contains("Record patient told", WebUtility.HtmlDecode(await asNurse.GetStringAsync($"/cases/{number}")), StringComparison.Ordinal);
        var done = await asNurse.PostAsync($"/forms/cases/{number}/patient-informed", [new("how", "in-person"), new("note", "at the pre-op clinic")], $"/cases/{number}");
        Assert.False(done.Refused, done.Error);
        Assert.Equal("Met", (await Item(number, "patient-informed")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_slot_shorter_than_the_median_needs_a_reason_and_a_blank_length_books_the_estimate()
    {
        var number = await ReadyCaseAsync("BF-2");
        var shortSlot = await Book(number, "08:00", minutes: 30);
        Assert.Equal(HttpStatusCode.BadRequest, shortSlot.StatusCode);
        var message = (await Json(shortSlot)).GetProperty("errors").GetProperty("shortSlotReason")[0].GetString()!;
        Assert.Contains("30 min is shorter than the estimate's median", message, StringComparison.Ordinal);
        Assert.Equal("Ready", (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Book(number, "08:00", minutes: null)).StatusCode);
        var booking = (await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/{Day(10)}"))[0].GetProperty("bookings")[0];
        var estimated = booking.GetProperty("durationMinutes").GetInt32();
        Assert.True(estimated > 30, $"booked {estimated} min");

        var other = await ReadyCaseAsync("BF-3");
        Assert.Equal(HttpStatusCode.Created, (await Book(other, "13:00", minutes: 30, confirm: true, shortSlotReason: "hardware removal of one loose screw only")).StatusCode);
        var saved = (await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/{Day(10)}"))[0].GetProperty("bookings").EnumerateArray().Single(b => b.GetProperty("caseNumber").GetInt32() == other);
        Assert.Equal("hardware removal of one loose screw only", saved.GetProperty("shortSlotReason").GetString());
    }

    [Fact]
    public async Task The_board_form_books_through_the_same_command_keeps_choices_on_a_refusal_and_confirms_success()
    {
        var number = await ReadyCaseAsync("BF-4");
        using var form = await FormSession.SignInAsync(factory, "scheduler@test.local");
        var board = $"/board?date={Day(10)}";

        // The board shows the planned time and starts the form there.
        var page = WebUtility.HtmlDecode(await form.GetStringAsync(board));
        Assert.Contains("value=\"08:00\"", page, StringComparison.Ordinal);
        Assert.Contains($"{Today.AddDays(10):ddd d MMM yyyy} 08:00", page, StringComparison.Ordinal);
        // A person holding two roles is offered once.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "<option value=\"A1\""));

        // The same person twice on one team: refused in plain words with her name, every choice given back.
        var refused = await form.PostAsync("/forms/bookings", [new("date", Day(10)), new("case", number.ToString()), new("roomId", "OR1"), new("start", "08:00"),
            new("durationMinutes", "120"), new("team-anesthesiologist", "A1"), new("team-nurse", "A1"), new("overrideReason", "kept text")], board);
        Assert.True(refused.Refused);
        Assert.Contains("Ann Alder is already on this team", refused.Error!, StringComparison.Ordinal);
        Assert.DoesNotContain("team[", refused.Error!, StringComparison.Ordinal);
        Assert.Contains("team-anesthesiologist=A1", refused.Location, StringComparison.Ordinal);
        Assert.Contains("durationMinutes=120", refused.Location, StringComparison.Ordinal);
        var back = WebUtility.HtmlDecode(await form.GetStringAsync(refused.Location));
        Assert.Contains("<option value=\"A1\" selected", back, StringComparison.Ordinal);
        Assert.Contains("value=\"120\"", back, StringComparison.Ordinal);
        Assert.Contains("value=\"kept text\"", back, StringComparison.Ordinal);
        Assert.Contains("Ann Alder is already on this team", back, StringComparison.Ordinal);

        // Another time without the tick: refused, naming both times, choices kept.
        var moved = await form.PostAsync("/forms/bookings", [new("date", Day(10)), new("case", number.ToString()), new("roomId", "OR1"), new("start", "10:00"),
            new("durationMinutes", "120")], board);
        Assert.True(moved.Refused);
        Assert.Contains($"{Day(10)} 08:00", moved.Error!, StringComparison.Ordinal);
        Assert.Contains("Move the planned time", moved.Error!, StringComparison.Ordinal);
        Assert.Contains("value=\"10:00\"", WebUtility.HtmlDecode(await form.GetStringAsync(moved.Location)), StringComparison.Ordinal);

        // A short slot without a reason: the form field is named in words.
        var shortSlot = await form.PostAsync("/forms/bookings", [new("date", Day(10)), new("case", number.ToString()), new("roomId", "OR1"), new("start", "08:00"),
            new("durationMinutes", "20")], board);
        Assert.Contains("Reason for a short slot", shortSlot.Error!, StringComparison.Ordinal);

        // Blank minutes book the estimate (the API's rule), and the board says it was booked.
        var ok = await form.PostAsync("/forms/bookings", [new("date", Day(10)), new("case", number.ToString()), new("roomId", "OR1"), new("start", "08:00"),
            new("durationMinutes", ""), new("team-anesthesiologist", "A1")], board);
        Assert.False(ok.Refused, ok.Error);
        Assert.Contains($"booked={number}", ok.Location, StringComparison.Ordinal);
        var done = WebUtility.HtmlDecode(await form.GetStringAsync(ok.Location));
        Assert.Contains($"Booked case {number}", done, StringComparison.Ordinal);
        Assert.Equal("Scheduled", (await scheduler.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_proposal_api_answers_the_contract_for_schedulers_only()
    {
        var number = await ReadyCaseAsync("BF-5");
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.GetAsync($"/api/schedule/proposal?from={Day(1)}&days=14")).StatusCode);
        foreach (var days in new[] { "0", "29", "x" })
        {
            var bad = await scheduler.GetAsync($"/api/schedule/proposal?from={Day(1)}&days={days}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("days", out _));
        }
        var response = await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/proposal?from={Day(0)}&days=14");
        Assert.Equal(["bookings", "unplaced"], response.EnumerateObject().Select(p => p.Name));
        var booking = response.GetProperty("bookings").EnumerateArray().Single();
        Assert.Equal(["case", "patient", "roomId", "date", "start", "minutes", "plannedDate", "reason"], booking.EnumerateObject().Select(p => p.Name));
        Assert.Equal(number, booking.GetProperty("case").GetInt32());
        Assert.Equal("DOE, Jane", booking.GetProperty("patient").GetString());
        // Planned Day(10) 08:00 and that day is free: kept exactly.
        Assert.Equal(Day(10), booking.GetProperty("date").GetString());
        Assert.Equal("08:00", booking.GetProperty("start").GetString());
        Assert.Equal(Day(10), booking.GetProperty("plannedDate").GetString());
        Assert.Contains("planned date and time kept", booking.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(response.GetProperty("unplaced").EnumerateArray());

        var page = WebUtility.HtmlDecode(await (await FormSession.SignInAsync(factory, "scheduler@test.local")).GetStringAsync($"/board/proposal?from={Day(0)}&days=14"));
        Assert.Contains("DOE, Jane", page, StringComparison.Ordinal);
        Assert.Contains("planned date and time kept", page, StringComparison.Ordinal);
    }
}

public sealed class BookingFaithApiTests_Sqlite() : BookingFaithApiTests(DatabaseProvider.Sqlite);

public sealed class BookingFaithApiTests_Postgres() : BookingFaithApiTests(DatabaseProvider.Postgres);
