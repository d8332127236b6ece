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
/// Day of surgery over the API: check-in with two identifiers, the WHO checklist gating the milestones, the level
/// and reconciliation controls, and the operative note that never changes once signed.
/// </summary>
public abstract class TheatreApiTests(DatabaseProvider provider) : IAsyncLifetime
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
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>
    /// A Ready case booked (bookings in the past are refused, so the booking is 10 days ahead); check-in does not
    /// require the surgery to be today, so the day-of-surgery steps run now with milestones recorded "now".
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

    private static IEnumerable<string> Items(JsonElement view, string phase) =>
        view.GetProperty("checklist").EnumerateArray().Where(i => i.GetProperty("phase").GetString() == phase).Select(i => i.GetProperty("id").GetString()!);

    private static IEnumerable<string> MilestonesOf(JsonElement view) =>
        view.GetProperty("record").GetProperty("milestones").EnumerateArray().Select(m => m.GetProperty("milestone").GetString()!);

    /// <summary>Sends requests to one case's theatre record (or note) with If-Match set to the last entity tag it saw.</summary>
    private sealed class Conditional(int number)
    {
        public string? ETag { get; set; }
        public JsonElement Last { get; private set; }

        public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, $"/api/cases/{number}/{path}");
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            if (ETag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ETag);
            }
            var response = await client.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                ETag = response.Headers.ETag?.Tag;
                Last = await Json(response);
            }
            return response;
        }

        /// <summary>Sends and requires 200; returns the new view.</summary>
        public async Task<JsonElement> OkAsync(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            var response = await SendAsync(client, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(Last.ValueKind == JsonValueKind.Object && (Last.TryGetProperty("record", out _) || Last.TryGetProperty("sections", out _)),
                $"{method} {path}: 200 but the body is neither the theatre record view nor the note: {Last.GetRawText()[..Math.Min(300, Last.GetRawText().Length)]}");
            Assert.NotNull(ETag);
            return Last;
        }

        public Task<HttpResponseMessage> Milestone(HttpClient client, string milestone) =>
            SendAsync(client, HttpMethod.Post, "theatre/milestones", new { milestone });

        public async Task TickPhaseAsync(HttpClient client, string phase, params string[] notApplicable)
        {
            foreach (var id in Items(Last, phase).ToList())
            {
                await OkAsync(client, HttpMethod.Post, "theatre/ticks", new { itemId = id, answer = notApplicable.Contains(id) ? "NotApplicable" : "Yes" });
            }
            Assert.DoesNotContain(Last.GetProperty("checklist").EnumerateArray(), i => i.GetProperty("phase").GetString() == phase && i.GetProperty("tick").ValueKind == JsonValueKind.Null);
        }

        public async Task AccountAllAsync(HttpClient client)
        {
            foreach (var line in Last.GetProperty("record").GetProperty("explants").EnumerateArray().Select(l => l.GetProperty("id").GetGuid()).ToList())
            {
                await OkAsync(client, HttpMethod.Put, $"theatre/explants/{line}", new { outcome = "Removed", condition = "Intact" });
            }
        }
    }

    /// <summary>Check-in to out of room without detours (for the note tests).</summary>
    private async Task<Conditional> OperateAsync(int number, string mrn)
    {
        var t = new Conditional(number);
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn(mrn));
        await t.TickPhaseAsync(nurse, "SignIn");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" });
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = DateTime.UtcNow.AddMinutes(-1) });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString(), image = "AP fluoroscopy" });
        await t.TickPhaseAsync(surgeon, "TimeOut");
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision" });
        await t.OkAsync(surgeon, HttpMethod.Put, "theatre/findings", new { fusion = new[] { new { range = "L3-L5", status = "Solid" } }, loosening = true, estimatedBloodLossMl = 250 });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/specimens", new { kind = "TissueCulture", description = "deep tissue L4" });
        await t.AccountAllAsync(nurse);
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureStart" });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureEnd" });
        await t.OkAsync(nurse, HttpMethod.Put, "theatre/counts", new { correct = true });
        await t.TickPhaseAsync(nurse, "SignOut");
        Assert.Equal("Recovering", (await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "OutOfRoom" })).GetProperty("caseState").GetString());
        return t;
    }

    [Fact]
    public async Task A_case_postponed_after_check_in_and_scheduled_again_is_checked_in_afresh()
    {
        var number = await BookedCaseAsync("T-150");
        var t = new Conditional(number);
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-150"));
        await t.TickPhaseAsync(nurse, "SignIn");

        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/transitions/Postpone", new { reason = "theatre list overran" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/transitions/Resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(11), start = "08:00", durationMinutes = 120 })).StatusCode);

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
        var t = new Conditional(number);

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

        await t.TickPhaseAsync(nurse, "SignIn");
        Assert.Equal("InTheatre", (await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" })).GetProperty("caseState").GetString());
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        // Incision is not next yet (milestones are ordered), then not before a complete Time Out.
        await AssertRefused(await t.Milestone(surgeon, "Incision"), HttpStatusCode.Conflict, "milestone-order");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await AssertRefused(await t.Milestone(surgeon, "Incision"), HttpStatusCode.Conflict, "time-out-before-incision");
        Assert.DoesNotContain("Incision", MilestonesOf(await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")));

        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = DateTime.UtcNow.AddMinutes(-1) });
        // The level image is evidence for its Time Out item: the item cannot be ticked before, nor a wrong level confirmed.
        var planned = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString()!;
        Assert.False(string.IsNullOrEmpty(planned));
        await AssertRefused(await t.SendAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = "L4-L5", image = "AP fluoroscopy" }), HttpStatusCode.Conflict, "levels-match-plan");
        Assert.Equal(JsonValueKind.Null, (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("confirmedLevels").ValueKind);
        var confirmed = await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = planned, image = "AP fluoroscopy, counted from the sacrum" });
        Assert.Equal(planned, confirmed.GetProperty("record").GetProperty("confirmedLevels").GetString());
        await t.TickPhaseAsync(surgeon, "TimeOut");

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
        await t.TickPhaseAsync(nurse, "SignOut", "so-specimen");

        var left = await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "OutOfRoom" });
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

        var note = new Conditional(number);
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
        var t = new Conditional(number);
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
        var t = new Conditional(number);
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", CheckIn("T-400"));
        var response = await t.SendAsync(scheduler, HttpMethod.Post, "theatre/ticks", new { itemId = "si-identity", answer = "Yes" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("role:checklist", (await Json(response)).GetProperty("rule").GetString());
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/theatre")).GetProperty("record").GetProperty("ticks").EnumerateArray());
    }
}

public sealed class TheatreApiTests_Sqlite() : TheatreApiTests(DatabaseProvider.Sqlite);

public sealed class TheatreApiTests_Postgres() : TheatreApiTests(DatabaseProvider.Postgres);
