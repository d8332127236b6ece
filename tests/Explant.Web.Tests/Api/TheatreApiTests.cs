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
using Conditional = Explant.Web.Tests.Infrastructure.TheatreSession;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Day of surgery over the API: check-in with two identifiers, the WHO checklist gating the milestones, the level
/// and reconciliation controls, and the operative note that never changes once signed.
/// </summary>
public abstract class TheatreApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, nurse = null!, anesthesiologist = null!, scheduler = null!, otherSurgeon = null!;

    /// <summary>The booked day of every case here (bookings in the past are refused, so it lies ahead of the start).</summary>
    private static readonly DateOnly SurgeryDay = Today.AddDays(10);

    /// <summary>The clients that answer each role's checklist items.</summary>
    private Dictionary<string, HttpClient> byRole = null!;

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
        await factory.AddUserAsync("other.surgeon@test.local", Roles.Surgeon);
        otherSurgeon = await factory.ClientForAsync("other.surgeon@test.local");
        byRole = new() { [Roles.Surgeon] = surgeon, [Roles.Anesthesiologist] = anesthesiologist, [Roles.Nurse] = nurse };
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<int> StoredDurationsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().OperationDurations.CountAsync();
    }

    /// <summary>
    /// A Ready case booked for <see cref="SurgeryDay"/> 08:00 (bookings in the past are refused, so the booking is 10
    /// days ahead); the caller moves the clock to that morning (<see cref="MorningOfSurgery"/>) before check-in.
    /// </summary>
    private async Task<int> BookedCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(surgeon, nurse, number);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        var booked = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("Scheduled", (await Json(booked)).GetProperty("state").GetString());
        return number;
    }

    /// <summary>07:00 on the booked day: check-in happens on the day of surgery only.</summary>
    private void MorningOfSurgery() => factory.Clock.MoveTo(SurgeryDay, new TimeOnly(7, 0));

    private string NowUtc(double minutes = 0) =>
        factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static object CheckIn(string mrn, string birthDate = "1970-05-01", bool fasting = true, bool holds = true) =>
        new { mrn, birthDate, fastingConfirmed = fasting, medicationHoldsConfirmed = holds, note = "wristband read" };

    private async Task<string> CaseStateAsync(int number) =>
        (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString()!;

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {rule}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(rule, JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
    }

    private static IEnumerable<string> MilestonesOf(JsonElement view) =>
        view.GetProperty("record").GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("milestone").GetString()!);

    /// <summary>Check-in to out of room without detours (for the note tests), on the booked day.</summary>
    private Task<Conditional> OperateAsync(int number, string mrn) => DayOfSurgery.OperateAsync(factory, byRole, number, mrn, SurgeryDay);

    [Fact]
    public async Task A_case_postponed_after_check_in_and_scheduled_again_is_checked_in_afresh()
    {
        var number = await BookedCaseAsync("T-150");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150"));
        await t.TickPhaseAsync("SignIn");

        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/transitions/Postpone", new { reason = "theatre list overran" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/transitions/Resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null)).StatusCode);
        // The apixaban stop confirmed at check-in was for the first date: a new date needs it confirmed again (the patient
        // may have restarted), so the booking is refused until a nurse records it for the new date.
        var rebook = new { @case = number.ToString(), roomId = "OR1", date = Day(11), start = "08:00", durationMinutes = 120, confirmTimeChange = true };
        var refusedRebook = await scheduler.PostAsJsonAsync("/api/bookings", rebook);
        Assert.Equal(HttpStatusCode.Conflict, refusedRebook.StatusCode);
        Assert.Contains("apixaban", await refusedRebook.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var patientId = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("patient").GetProperty("id").GetGuid();
        var confirmed = await nurse.PutAsJsonAsync($"/api/patients/{patientId}",
            PatientBody("T-150", medications: [new { name = "apixaban", dose = "5 mg bd", stoppedOn = Day(7), stoppedForSurgeryOn = Day(11) }]));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/bookings", rebook)).StatusCode);
        // The same record, a new day: refused until the new booked day comes.
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150")), HttpStatusCode.Conflict, "check-in-booked-day");
        factory.Clock.MoveTo(SurgeryDay.AddDays(1), new TimeOnly(7, 0));
        // The time changed (issue #14 §2): check-in waits until a nurse records that the patient was told.
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150")), HttpStatusCode.Conflict, "readiness-at-check-in");
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/patient-informed", new { how = "phone" })).StatusCode);

        var again = await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150"));
        Assert.Equal("CheckedIn", again.GetProperty("caseState").GetString());
        Assert.Equal("SignIn", again.GetProperty("currentPhase").GetString());
        Assert.Empty(again.GetProperty("record").GetProperty("ticks").EnumerateArray());
        Assert.Contains("voided", again.GetProperty("record").GetProperty("checkInNote").GetString(), StringComparison.Ordinal);
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150")), HttpStatusCode.Conflict, "check-in-once");
    }

    [Fact]
    public async Task A_case_goes_from_check_in_to_recovery_and_every_safety_gate_refuses_with_its_rule()
    {
        var number = await BookedCaseAsync("T-100");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();

        // Wrong-patient control: a wristband that does not match stores nothing.
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-999")), HttpStatusCode.Conflict, "two-identifiers");
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-100", birthDate: "1970-05-02")), HttpStatusCode.Conflict, "two-identifiers");
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-100", fasting: false)), HttpStatusCode.Conflict, "check-in-confirmations");
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync($"/api/cases/{number}/theatre")).StatusCode);
        Assert.Equal("Scheduled", await CaseStateAsync(number));

        var view = await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn(" t-100 "));
        Assert.Equal("CheckedIn", view.GetProperty("caseState").GetString());
        Assert.Equal("CheckedIn", await CaseStateAsync(number));
        Assert.Equal("SignIn", view.GetProperty("currentPhase").GetString());
        Assert.Equal("InRoom", view.GetProperty("nextMilestone").GetString());
        Assert.Equal(8, view.GetProperty("unaccountedPlanned").GetInt32());
        Assert.NotNull(t.ETag);

        await t.TickPhaseAsync("SignIn");
        Assert.Equal("InTheatre", (await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" })).GetProperty("caseState").GetString());
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        // Incision is not next yet (milestones are ordered), then not before a complete Time Out.
        await AssertRefused(await t.Milestone(surgeon, "Incision"), HttpStatusCode.Conflict, "milestone-order");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await AssertRefused(await t.Milestone(surgeon, "Incision"), HttpStatusCode.Conflict, "time-out-before-incision");
        Assert.DoesNotContain("Incision", MilestonesOf(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")));

        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(-1) });
        // The level image is evidence for its Time Out item: the item cannot be ticked before, nor a wrong level confirmed.
        var planned = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString()!;
        Assert.False(string.IsNullOrEmpty(planned));
        await AssertRefused(await t.SendAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = "L4-L5", image = "AP fluoroscopy" }), HttpStatusCode.Conflict, "levels-match-plan");
        Assert.Equal(JsonValueKind.Null, (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("confirmedLevels").ValueKind);
        var confirmed = await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = planned, image = "AP fluoroscopy, counted from the sacrum" });
        Assert.Equal(planned, confirmed.GetProperty("record").GetProperty("confirmedLevels").GetString());
        await t.TickPhaseAsync("TimeOut");

        var incision = await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision" });
        Assert.Empty(incision.GetProperty("prophylaxisFlags").EnumerateArray());
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureStart" });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureEnd" });

        // Nobody leaves the room with a planned component unaccounted for, nor before Sign Out.
        await AssertRefused(await t.Milestone(nurse, "OutOfRoom"), HttpStatusCode.Conflict, "reconciliation-before-leaving");
        Assert.Equal("InTheatre", await CaseStateAsync(number));
        await t.AccountAllAsync(nurse);
        Assert.Equal(0, t.Last.GetProperty("unaccountedPlanned").GetInt32());
        Assert.All(t.Last.GetProperty("record").GetProperty("explants").EnumerateArray(), l => Assert.Equal("Removed", l.GetProperty("outcome").GetString()));
        await t.OkAsync(nurse, HttpMethod.Put, "theatre/counts", new { correct = true });
        await AssertRefused(await t.Milestone(nurse, "OutOfRoom"), HttpStatusCode.Conflict, "sign-out-before-leaving");
        await t.TickPhaseAsync("SignOut", "so-specimen");
        Assert.Equal(0, await StoredDurationsAsync());

        // Two hours and five minutes after entering the room: the operation's actual joins the estimates' history in the
        // same save (issue #17 §3), with the features it was estimated by.
        factory.Clock.Advance(TimeSpan.FromMinutes(125));
        var left = await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "OutOfRoom" });
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var c = await db.Cases.AsNoTracking().SingleAsync(x => x.Number == number);
            var record = await db.IntraOpRecords.AsNoTracking().SingleAsync(r => r.CaseId == c.Id);
            Assert.True(record.InRoomMinutes >= 125, $"{record.InRoomMinutes} min in the room");
            var actual = await db.OperationDurations.AsNoTracking().SingleAsync();
            Assert.Equal((c.Id, record.InRoomMinutes!.Value, 8, 8, 3, false, c.Surgeon), (actual.CaseId, actual.Minutes, actual.Components, actual.PlannedComponents, actual.Levels, actual.Infection, actual.Surgeon));
        }
        Assert.Equal("Recovering", left.GetProperty("caseState").GetString());
        Assert.Equal(JsonValueKind.Null, left.GetProperty("currentPhase").ValueKind);
        Assert.Equal(JsonValueKind.Null, left.GetProperty("nextMilestone").ValueKind);
        Assert.Equal(["InRoom", "AnesthesiaStart", "Positioned", "Incision", "ClosureStart", "ClosureEnd", "OutOfRoom"], MilestonesOf(left).ToArray());
        Assert.Equal("Recovering", await CaseStateAsync(number));
    }

    [Fact]
    public async Task A_signed_operative_note_never_changes_addenda_are_listed_and_the_pdf_shows_components_and_signature()
    {
        var number = await BookedCaseAsync("T-200");
        var record = await OperateAsync(number, "T-200");
        var lines = record.Last.GetProperty("record").GetProperty("explants").EnumerateArray().Select(l => l.GetProperty("description").GetString()!).ToList();

        var note = new Conditional(number, factory, byRole);
        var draft = await note.OkAsync(surgeon, HttpMethod.Post, "note");
        Assert.False(draft.GetProperty("signed").GetBoolean());
        var components = draft.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "components").GetProperty("text").GetString()!;
        Assert.All(lines, l => Assert.Contains($"{l}: Removed", components, StringComparison.Ordinal));

        const string edited = "Solid fusion L3-L5; loose screws at L5 bilaterally, removed with the system's driver.";
        await note.OkAsync(surgeon, HttpMethod.Put, "note/sections/findings", new { text = edited });
        var signed = await note.OkAsync(surgeon, HttpMethod.Post, "note/sign");
        Assert.True(signed.GetProperty("signed").GetBoolean());
        Assert.Equal("surgeon@test.local", signed.GetProperty("signedBy").GetString());

        var refused = await note.SendAsync(surgeon, HttpMethod.Put, "note/sections/findings", new { text = "changed after signing" });
        await AssertRefused(refused, HttpStatusCode.Conflict, "note-signed");
        var stored = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note");
        Assert.Equal(edited, stored.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "findings").GetProperty("text").GetString());

        var addendum = await note.SendAsync(surgeon, HttpMethod.Post, "note/addenda", new { text = "Culture results to follow." });
        Assert.Equal(HttpStatusCode.OK, addendum.StatusCode);
        var listed = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note");
        var a = Assert.Single(listed.GetProperty("addenda").EnumerateArray());
        Assert.Equal("Culture results to follow.", a.GetProperty("text").GetString());
        Assert.Equal("surgeon@test.local", a.GetProperty("by").GetString());
        Assert.Equal(edited, listed.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "findings").GetProperty("text").GetString());

        var pdf = await nurse.GetAsync($"/api/cases/{number}/note.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var text = PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("Signed by surgeon@test.local", text, StringComparison.Ordinal);
        Assert.Contains("Components removed / retained", text, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains($"{l}: Removed, intact", text, StringComparison.Ordinal));
        Assert.Contains("Culture results to follow.", text, StringComparison.Ordinal);
        Assert.Contains(edited, text, StringComparison.Ordinal);
        Assert.DoesNotContain("DRAFT", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tick_with_a_stale_entity_tag_is_refused_with_412_and_not_stored()
    {
        var number = await BookedCaseAsync("T-300");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-300"));
        var seen = t.ETag!;
        var first = await t.OkAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "si-identity", answer = "Yes" });
        Assert.NotEqual(seen, t.ETag);

        t.ETag = seen;   // a second tablet that has not reloaded
        var stale = await t.SendAsync(anesthesiologist, HttpMethod.Post, "theatre/ticks", new { itemId = "si-anaesthesia-check", answer = "Yes" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var stored = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre");
        Assert.Equal(["si-identity"], stored.GetProperty("record").GetProperty("ticks").EnumerateArray().Select(x => x.GetProperty("itemId").GetString()!).ToArray());
        Assert.Equal(first.GetProperty("record").GetProperty("revision").GetInt64(), stored.GetProperty("record").GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task A_scheduler_cannot_tick_the_checklist()
    {
        var number = await BookedCaseAsync("T-400");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-400"));
        var response = await t.SendAsync(scheduler, HttpMethod.Post, "theatre/ticks", new { itemId = "si-identity", answer = "Yes" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("role:checklist", (await Json(response)).GetProperty("rule").GetString());
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("ticks").EnumerateArray());
    }

    // ---- side doors of the issue "Pathway integrity": each refused through the API ----------------------

    [Fact]
    public async Task Check_in_on_any_day_but_the_booked_day_is_refused_naming_both_dates()
    {
        var number = await BookedCaseAsync("T-500");
        var t = new Conditional(number, factory, byRole);
        var refused = await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-500"));
        var body = await refused.Content.ReadAsStringAsync();
        await AssertRefused(refused, HttpStatusCode.Conflict, "check-in-booked-day");
        Assert.Contains($"booked for {SurgeryDay:yyyy-MM-dd}; today is {Today:yyyy-MM-dd}", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync($"/api/cases/{number}/theatre")).StatusCode);
        Assert.Equal("Scheduled", await CaseStateAsync(number));

        // Late in the evening before (local), it is already the booked day in UTC: still refused.
        factory.Clock.MoveTo(SurgeryDay.AddDays(-1), new TimeOnly(22, 30));
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-500")), HttpStatusCode.Conflict, "check-in-booked-day");

        MorningOfSurgery();
        Assert.Equal("CheckedIn", (await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-500"))).GetProperty("caseState").GetString());
    }

    [Fact]
    public async Task Back_dated_and_future_times_are_refused_and_a_time_without_offset_is_hospital_wall_clock_time()
    {
        var number = await BookedCaseAsync("T-600");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        var checkedIn = (await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-600"))).GetProperty("record").GetProperty("checkedInUtc").GetDateTime();
        await t.TickPhaseAsync("SignIn");

        // In room before check-in (an instant with Z), then in the future (beyond the tolerance).
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom", at = checkedIn.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }),
            HttpStatusCode.Conflict, "milestone-after-check-in");
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom", at = NowUtc(30) }),
            HttpStatusCode.UnprocessableEntity, "milestone-not-future");
        var malformed = await t.SendAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom", at = "half past seven" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"at\"", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("milestones").EnumerateArray());

        // Without an offset the time is the hospital's wall clock (Chicago), whatever the server's zone.
        var local = TimeZoneInfo.ConvertTimeFromUtc(factory.Clock.GetUtcNow().UtcDateTime, TimeZoneInfo.FindSystemTimeZoneById(TestClock.Zone)).AddMinutes(-1);
        var inRoom = await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom", at = local.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture) });
        var stored = inRoom.GetProperty("record").GetProperty("milestones")[0].GetProperty("atUtc").GetDateTime();
        Assert.Equal(TestClock.At(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local)).UtcDateTime, DateTime.SpecifyKind(stored, DateTimeKind.Utc));

        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await AssertRefused(await t.SendAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = checkedIn.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }),
            HttpStatusCode.Conflict, "prophylaxis-after-check-in");
        await AssertRefused(await t.SendAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(60) }),
            HttpStatusCode.UnprocessableEntity, "prophylaxis-not-future");
        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(-1) });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString(), image = "AP fluoroscopy" });
        await t.TickPhaseAsync("TimeOut");
        var timeOut = t.Last.GetProperty("record").GetProperty("ticks").EnumerateArray().Max(x => x.GetProperty("atUtc").GetDateTime());

        // An incision back-dated before the Time Out's last tick.
        await AssertRefused(await t.SendAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision", at = timeOut.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }),
            HttpStatusCode.Conflict, "incision-after-time-out");
        Assert.DoesNotContain("Incision", MilestonesOf(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")));
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision" });
    }

    [Fact]
    public async Task A_nurse_cannot_answer_a_surgeon_or_anaesthesia_item_and_antibiotic_yes_needs_a_recorded_dose()
    {
        var number = await BookedCaseAsync("T-700");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        var view = await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-700"));
        var owners = view.GetProperty("checklist").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("owner").GetString());
        Assert.Equal(Roles.Anesthesiologist, owners["si-airway"]);
        Assert.Equal(Roles.Surgeon, owners["to-critical-surgeon"]);
        Assert.Equal(Roles.Nurse, owners["so-counts"]);

        var refused = await t.SendAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "si-anaesthesia-check", answer = "Yes" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("checklist-owner", (await Json(refused)).GetProperty("rule").GetString());
        await t.TickPhaseAsync("SignIn");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" });
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });

        refused = await t.SendAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "to-critical-surgeon", answer = "Yes" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("checklist-owner", (await Json(refused)).GetProperty("rule").GetString());
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "to-antibiotic", answer = "Yes" }), HttpStatusCode.Conflict, "tick-evidence:to-antibiotic");
        await AssertRefused(await t.SendAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "to-antibiotic", answer = "NotApplicable" }), HttpStatusCode.Conflict, "tick-evidence:to-antibiotic");
        var ticks = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("ticks").EnumerateArray().Select(x => x.GetProperty("itemId").GetString()).ToList();
        Assert.DoesNotContain("to-critical-surgeon", ticks);
        Assert.DoesNotContain("to-antibiotic", ticks);

        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(-1) });
        var ticked = await t.OkAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "to-antibiotic", answer = "Yes" });
        Assert.Contains(ticked.GetProperty("record").GetProperty("ticks").EnumerateArray(), x => x.GetProperty("itemId").GetString() == "to-antibiotic");
    }

    [Fact]
    public async Task Every_write_after_the_record_closed_is_refused_and_only_the_cases_surgeon_signs_the_note()
    {
        var number = await BookedCaseAsync("T-800");
        var t = await OperateAsync(number, "T-800");
        var line = t.Last.GetProperty("record").GetProperty("explants")[0].GetProperty("id").GetGuid();
        var before = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetRawText();

        (HttpClient Client, HttpMethod Method, string Path, object Body)[] writes =
        [
            (nurse, HttpMethod.Put, "theatre/steps/1", new { done = true, note = "late" }),
            (surgeon, HttpMethod.Put, "theatre/findings", new { loosening = false, estimatedBloodLossMl = 900 }),
            (nurse, HttpMethod.Put, "theatre/counts", new { correct = false, discrepancy = "one swab" }),
            (anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(-30) }),
            (nurse, HttpMethod.Post, "theatre/specimens", new { kind = "Histology", description = "membrane" }),
            (nurse, HttpMethod.Put, $"theatre/explants/{line}", new { outcome = "NotFound", detail = "looked again" }),
            (nurse, HttpMethod.Post, "theatre/explants", new { description = "crosslink", outcome = "Removed" }),
            (nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "so-recovery", answer = "Yes" }),
            (surgeon, HttpMethod.Post, "theatre/levels", new { levels = "L3-L5", image = "again" }),
            (nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "OutOfRoom" }),
        ];
        foreach (var (client, method, path, body) in writes)
        {
            t.ETag = null;
            var response = await t.SendAsync(client, method, path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Conflict && text.Contains("\"record-closed\"", StringComparison.Ordinal), $"{method} {path}: {(int)response.StatusCode} {text}");
        }
        Assert.Equal(before, (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetRawText());

        var note = new Conditional(number, factory, byRole);
        await note.OkAsync(surgeon, HttpMethod.Post, "note");
        var signedByOther = await note.SendAsync(otherSurgeon, HttpMethod.Post, "note/sign");
        Assert.Equal(HttpStatusCode.Forbidden, signedByOther.StatusCode);
        Assert.Equal("note-own-surgeon", (await Json(signedByOther)).GetProperty("rule").GetString());
        Assert.False((await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note")).GetProperty("signed").GetBoolean());
        var nurseDraft = await note.SendAsync(nurse, HttpMethod.Post, "note");
        Assert.Equal(HttpStatusCode.Forbidden, nurseDraft.StatusCode);
        Assert.True((await note.OkAsync(surgeon, HttpMethod.Post, "note/sign")).GetProperty("signed").GetBoolean());
    }

    [Fact]
    public async Task Implausible_blood_loss_and_overlong_text_are_refused_with_the_field_named()
    {
        var number = await BookedCaseAsync("T-900");
        var t = new Conditional(number, factory, byRole);
        MorningOfSurgery();
        var tooLong = await t.SendAsync(nurse, HttpMethod.Post, "check-in", new { mrn = "T-900", birthDate = "1970-05-01", fastingConfirmed = true, medicationHoldsConfirmed = true, note = new string('x', 5000) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await Json(tooLong)).GetProperty("errors").TryGetProperty("note", out _));
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-900"));

        var blood = await t.SendAsync(surgeon, HttpMethod.Put, "theatre/findings", new { estimatedBloodLossMl = 250000 });
        Assert.Equal(HttpStatusCode.BadRequest, blood.StatusCode);
        Assert.True((await Json(blood)).GetProperty("errors").TryGetProperty("estimatedBloodLossMl", out _));
        Assert.Equal(JsonValueKind.Null, (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("estimatedBloodLossMl").ValueKind);
    }

    [Fact]
    public async Task Sign_Out_and_the_counts_wait_for_the_incision_through_the_api_and_the_form()
    {
        var number = await BookedCaseAsync("TH-SO");
        MorningOfSurgery();
        var t = new Conditional(number, factory, byRole);
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("TH-SO"));
        await t.TickPhaseAsync("SignIn");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" });
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = NowUtc(-1) });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString(), image = "AP fluoroscopy" });
        await t.TickPhaseAsync("TimeOut");

        foreach (var refused in new[]
        {
            await t.SendAsync(nurse, HttpMethod.Put, "theatre/counts", new { correct = true }),
            await t.SendAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "so-procedure-recorded" }),
        })
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Conflict, body);
            Assert.Equal("sign-out-before-incision", JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
        }
        using (var form = await FormSession.SignInAsync(factory, "nurse@test.local"))
        {
            var posted = await form.PostAsync($"/forms/theatre/{number}/counts", ("revision", t.ETag!.Trim('"')), ("correct", "true"));
            Assert.Contains("record the incision first", posted.Error, StringComparison.Ordinal);
        }
        var record = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record");
        Assert.Equal(JsonValueKind.Null, record.GetProperty("countsCorrect").ValueKind);

        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision" });
        await t.OkAsync(nurse, HttpMethod.Put, "theatre/counts", new { correct = true });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/ticks", new { itemId = "so-procedure-recorded" });
    }
}

public sealed class TheatreApiTests_Sqlite() : TheatreApiTests(DatabaseProvider.Sqlite);

public sealed class TheatreApiTests_Postgres() : TheatreApiTests(DatabaseProvider.Postgres);
