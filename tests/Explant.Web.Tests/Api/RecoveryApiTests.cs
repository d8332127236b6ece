using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Core.Recovery;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// After the operation over the API: the recovery record opened when the patient leaves the theatre, discharge gated
/// by the criteria with the follow-up plan generated, visits, missed contacts and closing, PROMs against the
/// baseline (MCID), PROM links and the complication register.
/// </summary>
public abstract class RecoveryApiTests(DatabaseProvider provider) : IAsyncLifetime
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

    private IReadOnlyList<string> Criteria => factory.Services.GetRequiredService<IOptions<RecoveryOptions>>().Value.DischargeCriteria;

    private static readonly string[] VisitCodes = ["2wk", "6wk", "3mo", "6mo", "1y"];

    /// <summary>Moves the app's clock to a wall-clock time on <see cref="Scenario.Today"/> + <paramref name="day"/> (forward only).</summary>
    private void At(int day, int hour, int minute = 0) => factory.Clock.MoveTo(Today.AddDays(day), new TimeOnly(hour, minute));

    private static DateOnly Date(int day) => Today.AddDays(day);

    /// <summary>The day of surgery: every case is booked on Day(10) at 08:00 and operated that morning.</summary>
    private const int SurgeryDay = 10;

    /// <summary>A Ready case booked on Day(10) (Scheduled); the clock is still on Day(0).</summary>
    private async Task<int> BookedCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(surgeon, nurse, number);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        var booked = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(SurgeryDay), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("Scheduled", (await Json(booked)).GetProperty("state").GetString());
        return number;
    }

    private async Task<string> CaseStateAsync(int number) =>
        (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString()!;

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string rule)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {rule}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(rule, JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
    }

    private static async Task AssertInvalid(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 on {field}, got {(int)response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"400 without an error on {field}: {body}");
    }

    private static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    /// <summary>Sends requests to one case's records with If-Match set to the last entity tag it saw.</summary>
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

        public async Task<JsonElement> OkAsync(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            var response = await SendAsync(client, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(Last.ValueKind == JsonValueKind.Object && Last.TryGetProperty("record", out _), $"{method} {path}: 200 without a record: {Last.GetRawText()}");
            Assert.NotNull(ETag);
            return Last;
        }
    }

    /// <summary>
    /// Check-in to out of room without detours (the shared day-of-surgery flow): on the booked day, checked in at
    /// 07:00, each checklist item ticked by its owner, the clock moving on a minute a step. The case is Recovering,
    /// operated on Day(10), out of the room that morning.
    /// </summary>
    private Task OperateAsync(int number, string mrn) =>
        DayOfSurgery.OperateAsync(factory, DayOfSurgery.Team(surgeon, anesthesiologist, nurse), number, mrn, Date(SurgeryDay));

    private static object Discharge(string? date = null) => new
    {
        date, woundCare = "keep the dressing dry for 5 days", activityLimits = "no lifting over 5 kg for 6 weeks", painPlan = "paracetamol, ibuprofen", physioReferral = true,
    };

    /// <summary>Operated on Day(10), recovery opened, every criterion ticked and discharged on Day(12) (today then, the default): FollowUp.</summary>
    private async Task<Conditional> DischargedAsync(int number, string mrn)
    {
        await OperateAsync(number, mrn);
        At(SurgeryDay + 2, 11);
        var r = new Conditional(number);
        await r.OkAsync(nurse, HttpMethod.Post, "recovery");
        foreach (var criterion in Criteria)
        {
            await r.OkAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion });
        }
        Assert.Equal("FollowUp", (await r.OkAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge())).GetProperty("caseState").GetString());
        return r;
    }

    private static object Prom(string timePoint, int? back, int? leg, int? odiEach) =>
        new { timePoint, backPain = back, legPain = leg, odi = Enumerable.Repeat(odiEach, 10).ToArray() };

    private static Dictionary<string, JsonElement> PlanOf(JsonElement view) =>
        view.GetProperty("followUp").EnumerateArray().ToDictionary(x => x.GetProperty("item").GetProperty("code").GetString()!);

    [Fact]
    public async Task Recovery_opens_when_the_patient_leaves_theatre_and_discharge_waits_for_every_criterion_then_starts_follow_up_with_the_plan()
    {
        var number = await BookedCaseAsync("R-100");
        var r = new Conditional(number);

        await AssertRefused(await r.SendAsync(nurse, HttpMethod.Post, "recovery"), HttpStatusCode.Conflict, "recovery-after-theatre");
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync($"/api/cases/{number}/recovery")).StatusCode);
        Assert.Equal("Scheduled", await CaseStateAsync(number));

        await OperateAsync(number, "R-100");
        // The operating surgeon signs the note before anyone takes the case over (issue #12 §6).
        await factory.AddUserAsync("colleague@test.local", Roles.Surgeon);
        var colleague = await factory.ClientForAsync("colleague@test.local");
        await AssertRefused(await colleague.PostAsJsonAsync($"/api/cases/{number}/hand-over", new { reason = "covering the ward" }), HttpStatusCode.Conflict, "hand-over-note-unsigned");
        var opened = await r.OkAsync(nurse, HttpMethod.Post, "recovery");
        Assert.Equal("Recovering", opened.GetProperty("caseState").GetString());
        var record = opened.GetProperty("record");
        Assert.Equal(Day(SurgeryDay), record.GetProperty("surgeryDate").GetString());
        Assert.Equal((1, 3), (record.GetProperty("expectedStayMinDays").GetInt32(), record.GetProperty("expectedStayMaxDays").GetInt32()));
        Assert.Empty(record.GetProperty("plan").EnumerateArray());
        // Opening twice returns the same record.
        Assert.Equal(record.GetProperty("id").GetGuid(), (await r.OkAsync(nurse, HttpMethod.Post, "recovery")).GetProperty("record").GetProperty("id").GetGuid());

        await AssertRefused(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge()), HttpStatusCode.Conflict, "discharge-criteria");
        foreach (var criterion in Criteria.SkipLast(1))
        {
            await r.OkAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion });
        }
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion = "Feels fine" }), "criterion");
        var refused = await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge());
        await AssertRefused(refused, HttpStatusCode.Conflict, "discharge-criteria");
        Assert.Contains(Criteria[^1], (await Json(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Recovering", await CaseStateAsync(number));
        var stored = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery");
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("record").GetProperty("dischargedOn").ValueKind);
        Assert.Equal(Criteria.Count - 1, stored.GetProperty("record").GetProperty("discharge").GetArrayLength());

        await r.OkAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion = Criteria[^1] });

        // Two days later: a discharge dated tomorrow or before the operation is refused naming the date, and nothing is stored.
        At(SurgeryDay + 2, 11);
        await AssertInvalid(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge(Day(SurgeryDay + 3))), "date");
        await AssertInvalid(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge(Day(SurgeryDay - 1))), "date");
        await AssertInvalid(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge("12/03/2026")), "date");
        var untouched = await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery");
        Assert.Equal(JsonValueKind.Null, untouched.GetProperty("record").GetProperty("dischargedOn").ValueKind);
        Assert.Empty(untouched.GetProperty("record").GetProperty("plan").EnumerateArray());
        Assert.Equal("Recovering", await CaseStateAsync(number));

        var discharged = await r.OkAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge(Day(SurgeryDay + 2)));
        Assert.Equal("FollowUp", discharged.GetProperty("caseState").GetString());
        Assert.Equal("FollowUp", await CaseStateAsync(number));

        var view = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery");
        Assert.Equal("FollowUp", view.GetProperty("caseState").GetString());
        var rec = view.GetProperty("record");
        Assert.Equal(Day(SurgeryDay + 2), rec.GetProperty("dischargedOn").GetString());
        Assert.Equal("surgeon@test.local", rec.GetProperty("dischargedBy").GetString());
        Assert.True(rec.GetProperty("physioReferral").GetBoolean());
        Assert.Equal("no lifting over 5 kg for 6 weeks", rec.GetProperty("activityLimits").GetString());
        Assert.Equal(2, view.GetProperty("lengthOfStayDays").GetInt32());
        Assert.False(view.GetProperty("stayOutsideExpected").GetBoolean());

        var plan = PlanOf(view);
        Assert.Equal(["baseline", "2wk", "6wk", "3mo", "6mo", "1y"], plan.Keys.ToArray());
        string Due(string code) => plan[code].GetProperty("item").GetProperty("dueDate").GetString()!;
        Assert.Equal(Day(SurgeryDay + 14), Due("2wk"));
        Assert.Equal(Day(SurgeryDay + 42), Due("6wk"));
        Assert.Equal(Day(SurgeryDay + 2 + 90), Due("3mo"));   // 90 days after the discharge
        Assert.Equal(Date(SurgeryDay).AddMonths(6).ToString("yyyy-MM-dd"), Due("6mo"));
        Assert.Equal(Date(SurgeryDay).AddYears(1).ToString("yyyy-MM-dd"), Due("1y"));
        Assert.Equal("NotYetDue", plan["2wk"].GetProperty("status").GetString());
        Assert.Equal(3, plan.Values.Count(p => p.GetProperty("item").GetProperty("proms").GetArrayLength() > 0));

        // The record is discharged: no more ticks, no second discharge.
        await AssertRefused(await r.SendAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion = Criteria[0] }), HttpStatusCode.Conflict, "discharged");
        await AssertRefused(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge()), HttpStatusCode.Conflict, "discharged");
    }

    [Fact]
    public async Task Follow_up_visits_refuse_unknown_codes_and_the_follow_up_closes_after_three_missed_contacts_not_two()
    {
        var number = await BookedCaseAsync("R-200");
        var r = await DischargedAsync(number, "R-200");

        At(SurgeryDay + 14, 9);   // the 2-week visit
        var visit = await r.OkAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "2wk", wound = "Healing", neurology = "Improved", note = "walking 1 km" });
        Assert.Equal("Done", PlanOf(visit)["2wk"].GetProperty("status").GetString());
        var recorded = Assert.Single(visit.GetProperty("record").GetProperty("visits").EnumerateArray());
        Assert.Equal(("Healing", Day(SurgeryDay + 14)), (recorded.GetProperty("wound").GetString(), recorded.GetProperty("date").GetString()));   // blank date = today
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "3wk", date = Day(SurgeryDay + 14), wound = "Healed", neurology = "Unchanged" }), "code");
        // A visit is documented when it happens, not ahead of time, and not before the operation.
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "6wk", date = Day(SurgeryDay + 15), wound = "Healed", neurology = "Unchanged" }), "date");
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "6wk", date = Day(SurgeryDay - 1), wound = "Healed", neurology = "Unchanged" }), "date");
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "6wk", date = Day(SurgeryDay + 14), wound = "Oozing", neurology = "Unchanged" }), "wound");
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "6wk", wound = "Healed", neurology = "Unchanged", note = new string('n', 4001) }), "note");
        // Clinical records are written by clinical roles: the scheduler reads only.
        await AssertRefused(await r.SendAsync(scheduler, HttpMethod.Post, "recovery/visits", new { code = "6wk", wound = "Healed", neurology = "Unchanged" }), HttpStatusCode.Forbidden, "role:visit");
        Assert.Single((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record").GetProperty("visits").EnumerateArray());

        At(SurgeryDay + 52, 9);
        await AssertRefused(await r.SendAsync(surgeon, HttpMethod.Post, "recovery/close"), HttpStatusCode.Conflict, "close-follow-up");
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/missed", new { date = Day(SurgeryDay + 53), note = "no answer" }), "date");
        await AssertInvalid(await r.SendAsync(nurse, HttpMethod.Post, "recovery/missed", new { date = Day(SurgeryDay - 1), note = "no answer" }), "date");
        await AssertRefused(await r.SendAsync(scheduler, HttpMethod.Post, "recovery/missed", new { note = "no answer" }), HttpStatusCode.Forbidden, "role:follow-up");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record").GetProperty("missed").EnumerateArray());

        var seen = r.ETag;
        await r.OkAsync(nurse, HttpMethod.Post, "recovery/missed", new { date = Day(SurgeryDay + 42), note = "no answer" });
        var current = r.ETag;
        r.ETag = seen;   // a second screen that has not reloaded
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await r.SendAsync(surgeon, HttpMethod.Post, "recovery/missed", new { date = Day(SurgeryDay + 42), note = "no answer" })).StatusCode);
        Assert.Single((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record").GetProperty("missed").EnumerateArray());
        r.ETag = current;
        await r.OkAsync(nurse, HttpMethod.Post, "recovery/missed", new { date = Day(SurgeryDay + 44), note = "no answer" });
        var two = await r.SendAsync(surgeon, HttpMethod.Post, "recovery/close");
        await AssertRefused(two, HttpStatusCode.Conflict, "close-follow-up");
        Assert.Equal("FollowUp", await CaseStateAsync(number));

        var third = await r.OkAsync(nurse, HttpMethod.Post, "recovery/missed", new { note = "letter returned" });
        Assert.Equal(Day(SurgeryDay + 52), third.GetProperty("record").GetProperty("missed")[2].GetProperty("date").GetString());   // blank date = today
        Assert.Equal("lost to follow-up after 3 missed contacts", third.GetProperty("closeReason").GetString());
        await AssertRefused(await r.SendAsync(nurse, HttpMethod.Post, "recovery/close"), HttpStatusCode.Forbidden, "role:close");
        var closed = await r.OkAsync(surgeon, HttpMethod.Post, "recovery/close");
        Assert.Equal("Closed", closed.GetProperty("caseState").GetString());
        Assert.Equal("lost to follow-up after 3 missed contacts", closed.GetProperty("record").GetProperty("closedReason").GetString());
        Assert.Equal("Closed", await CaseStateAsync(number));
        await AssertRefused(await r.SendAsync(nurse, HttpMethod.Post, "recovery/visits", new { code = "6wk", wound = "Healed", neurology = "Unchanged" }), HttpStatusCode.Conflict, "follow-up-closed");
    }

    [Fact]
    public async Task Proms_show_the_change_from_the_pre_operative_baseline_against_the_mcid()
    {
        var number = await BookedCaseAsync("R-300");

        var baseline = await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 7, 6, 3)));
        Assert.Equal(60.0m, baseline.GetProperty("odiScore").GetDecimal());
        Assert.Equal("Clinic", baseline.GetProperty("source").GetString());
        await AssertRefused(await surgeon.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 5, 5, 2)), HttpStatusCode.Conflict, "prom-once");
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 3, 5, 2)), "timePoint");
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("6wk", 11, 5, 2)), "timePoint");

        await DischargedAsync(number, "R-300");
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 5, 5, 2)), HttpStatusCode.Conflict, "baseline-before-surgery");
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("6wk", 3, 5, 2)), "timePoint");   // a visit without PROMs
        // Two days after the operation is not "3 months": the point's window opens on its due date (discharge + 90 days).
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 3, 5, 2)), HttpStatusCode.Conflict, "prom-window");
        At(SurgeryDay + 2 + 89, 9);
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 3, 5, 2)), HttpStatusCode.Conflict, "prom-window");
        Assert.Single((await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).EnumerateArray());   // the baseline only

        At(SurgeryDay + 2 + 90, 9);
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 11, 5, 2)), "backPain");
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", new { timePoint = "3mo", backPain = 3, odi = new int?[] { 2, 2, 2, 2, 2, 6, 2, 2, 2, 2 } }), "odi[5]");
        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", new { timePoint = "3mo", backPain = 3, odi = new int?[] { 2, 2, 2 } }), "odi");

        // 3 months: back 7 → 3 (−4, MCID), leg 6 → 5 (−1, 16.7 %: not), ODI 60 → 40 (−20, MCID).
        var followUp = await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 3, 5, 2)));
        Assert.Equal(40.0m, followUp.GetProperty("odiScore").GetDecimal());
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("3mo", 2, 2, 1)), HttpStatusCode.Conflict, "prom-once");

        var trajectory = (await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).EnumerateArray().ToList();
        Assert.Equal(["baseline", "3mo"], trajectory.Select(p => p.GetProperty("timePoint").GetString()!).ToArray());
        var b = trajectory[0];
        Assert.Equal(60.0m, b.GetProperty("odi").GetDecimal());
        Assert.All(new[] { "backMcid", "legMcid", "odiMcid" }, k => Assert.Equal(JsonValueKind.Null, b.GetProperty(k).ValueKind));

        var f = trajectory[1];
        Assert.Equal((3, 5), (f.GetProperty("backPain").GetInt32(), f.GetProperty("legPain").GetInt32()));
        Assert.Equal(40.0m, f.GetProperty("odi").GetDecimal());
        var back = f.GetProperty("backMcid");
        Assert.Equal((7m, 3m, -4m), (back.GetProperty("baseline").GetDecimal(), back.GetProperty("followUp").GetDecimal(), back.GetProperty("change").GetDecimal()));
        Assert.True(back.GetProperty("reached").GetBoolean());
        var leg = f.GetProperty("legMcid");
        Assert.Equal(-1m, leg.GetProperty("change").GetDecimal());
        Assert.False(leg.GetProperty("reached").GetBoolean());
        var odi = f.GetProperty("odiMcid");
        Assert.Equal((60.0m, 40.0m, -20.0m), (odi.GetProperty("baseline").GetDecimal(), odi.GetProperty("followUp").GetDecimal(), odi.GetProperty("change").GetDecimal()));
        Assert.True(odi.GetProperty("reachedByPoints").GetBoolean());
        Assert.True(odi.GetProperty("reached").GetBoolean());
        Assert.Equal(Day(SurgeryDay + 92), f.GetProperty("collectedOn").GetString());

        // The 1-year window closes 14 days (grace) after its due date: a day later the PROM is refused, nothing stored.
        At((Date(SurgeryDay).AddYears(1).DayNumber - Today.DayNumber) + 15, 9);
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("1y", 2, 2, 1)), HttpStatusCode.Conflict, "prom-window");
        Assert.Equal(2, (await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).GetArrayLength());
    }

    [Fact]
    public async Task A_prom_link_is_a_url_whose_token_is_stored_only_as_its_hash_and_it_expires_with_its_points_window()
    {
        var number = await BookedCaseAsync("R-400");
        await DischargedAsync(number, "R-400");

        await AssertInvalid(await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "6wk" }), "timePoint");
        await AssertRefused(await scheduler.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "1y" }), HttpStatusCode.Forbidden, "role:prom-link");
        // Not issued before the 1-year window opens.
        await AssertRefused(await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "1y" }), HttpStatusCode.Conflict, "prom-window");

        // Issued on the window's last day (due + 14 days' grace): the link dies with the window at midnight, not 14 days later.
        var lastDay = Date(SurgeryDay).AddYears(1).AddDays(14);
        factory.Clock.MoveTo(lastDay, new TimeOnly(9, 0));
        var link = await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "1y" }));
        Assert.Equal("1y", link.GetProperty("timePoint").GetString());
        var url = link.GetProperty("url").GetString()!;
        Assert.Contains("/prom/", url, StringComparison.Ordinal);
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.True(token.Length >= 32, url);

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var stored = await db.PromLinks.AsNoTracking().SingleAsync();
        Assert.Equal("1y", stored.TimePoint);
        Assert.NotEqual(token, stored.TokenHash, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(PromLink.Hash(token), stored.TokenHash);
        Assert.Null(stored.UsedUtc);
        Assert.Equal(TestClock.At(lastDay.AddDays(1), TimeOnly.MinValue).UtcDateTime, DateTime.SpecifyKind(stored.ExpiresUtc, DateTimeKind.Utc));
    }

    [Fact]
    public async Task A_link_issued_from_the_recovery_form_is_shown_once_on_the_page_and_never_travels_in_a_url()
    {
        var number = await BookedCaseAsync("R-410");
        await DischargedAsync(number, "R-410");
        factory.Clock.MoveTo(Date(SurgeryDay).AddYears(1), new TimeOnly(9, 0));
        using var form = await FormSession.SignInAsync(factory, "nurse@test.local");
        var page = $"/cases/{number}/recovery";

        var posted = await form.PostAsync($"/forms/recovery/{number}/link", [new("timePoint", "1y")], page);
        Assert.False(posted.Refused, posted.Error);
        Assert.Equal(page + "#proms", posted.Location);

        var first = await form.GetStringAsync(page);
        var shown = System.Text.RegularExpressions.Regex.Match(first, "id=\"prom-link\" href=\"[^\"]*/prom/([^\"]+)\"");
        Assert.True(shown.Success, "the issued link is on the page that follows the post");
        await using (var scope = factory.Scope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().PromLinks.AsNoTracking().SingleAsync();
            Assert.Equal(PromLink.Hash(shown.Groups[1].Value), stored.TokenHash);
        }
        // Shown once: the next view of the page no longer carries it.
        Assert.DoesNotContain("id=\"prom-link\"", await form.GetStringAsync(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complications_are_keyed_like_the_consent_graded_and_placed_in_the_global_period_and_ssi_window()
    {
        var number = await BookedCaseAsync("R-500");
        var infection = new { key = "infection", occurredOn = Day(SurgeryDay + 20), grade = "IIIb", ssiDepth = "DeepIncisional", description = "deep wound infection, washout" };
        await AssertRefused(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", infection), HttpStatusCode.Conflict, "complication-after-surgery");

        await OperateAsync(number, "R-500");
        // On the day of surgery a complication dated 20 days later has not happened yet.
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", infection), "occurredOn");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/complications")).EnumerateArray());

        At(SurgeryDay + 91, 12);
        var created = await Created(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", infection));
        Assert.Equal("IIIb", created.GetProperty("grade").GetString());
        Assert.True(created.GetProperty("inGlobalPeriod").GetBoolean());
        var window = created.GetProperty("ssiWindow");
        Assert.Equal("DeepIncisional", window.GetProperty("depth").GetString());
        Assert.True(window.GetProperty("inside").GetBoolean());
        Assert.Equal(90, window.GetProperty("windowDays").GetInt32());
        Assert.Equal(Day(SurgeryDay), window.GetProperty("surgeryDate").GetString());
        Assert.Equal(Day(SurgeryDay + 89), window.GetProperty("lastDayInWindow").GetString());
        var c = created.GetProperty("complication");
        Assert.Equal(("infection", "DeepIncisional", "surgeon@test.local"), (c.GetProperty("key").GetString(), c.GetProperty("ssiDepth").GetString(), c.GetProperty("recordedBy").GetString()));

        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "pulmonary-embolism", occurredOn = Day(SurgeryDay + 3), grade = "II" }), "key");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 3), grade = "IIIc" }), "grade");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 3), grade = "II", ssiDepth = "SuperficialIncisional" }), "ssiDepth");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "infection", occurredOn = Day(SurgeryDay + 3), grade = "II", ssiDepth = "1" }), "ssiDepth");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay - 1), grade = "II" }), "occurredOn");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 92), grade = "II" }), "occurredOn");
        await AssertInvalid(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", grade = "II" }), "occurredOn");
        await AssertRefused(await scheduler.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 3), grade = "II" }), HttpStatusCode.Forbidden, "role:complication");
        var admin = await factory.ClientForAsync("admin@test.local");
        await AssertRefused(await admin.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 3), grade = "II" }), HttpStatusCode.Forbidden, "role:complication");
        Assert.Single((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/complications")).EnumerateArray());

        var hematoma = await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "hematoma", occurredOn = Day(SurgeryDay + 2), grade = "II-d" }));
        Assert.Equal("II-d", hematoma.GetProperty("grade").GetString());
        Assert.Equal(JsonValueKind.Null, hematoma.GetProperty("ssiWindow").ValueKind);
        var late = await Created(await anesthesiologist.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "readmission", occurredOn = Day(SurgeryDay + 91), grade = "II" }));
        Assert.False(late.GetProperty("inGlobalPeriod").GetBoolean());
        var lastDay = await Created(await surgeon.PostAsJsonAsync($"/api/cases/{number}/complications", new { key = "dural-tear", occurredOn = Day(SurgeryDay + 90), grade = "IIIb" }));
        Assert.True(lastDay.GetProperty("inGlobalPeriod").GetBoolean());

        var listed = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/complications")).EnumerateArray().ToList();
        Assert.Equal(["hematoma", "infection", "dural-tear", "readmission"], listed.Select(x => x.GetProperty("complication").GetProperty("key").GetString()!).ToArray());
        Assert.Equal([true, true, true, false], listed.Select(x => x.GetProperty("inGlobalPeriod").GetBoolean()).ToArray());
    }

    [Fact]
    public async Task A_scheduler_cannot_record_a_prom()
    {
        var number = await BookedCaseAsync("R-600");
        await AssertRefused(await scheduler.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 7, 6, 3)), HttpStatusCode.Forbidden, "role:prom");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).EnumerateArray());
        // The refused attempt used nothing up: the nurse can still take the one baseline.
        await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 7, 6, 3)));
    }

    [Fact]
    public async Task A_baseline_taken_before_surgery_completes_the_plans_baseline_point_so_the_follow_up_can_close_when_every_visit_is_done()
    {
        var number = await BookedCaseAsync("R-700");
        await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 7, 6, 3)));
        var r = await DischargedAsync(number, "R-700");

        var plan = PlanOf(r.Last);
        Assert.True(plan["baseline"].GetProperty("status").GetString() == "Done",
            "BUG: the baseline PROM was recorded before surgery, yet the plan generated at discharge shows the baseline point " +
            $"{plan["baseline"].GetProperty("status").GetString()}: RecoveryService.Discharge must mark it done from the stored response, or the plan can never be complete");

        // Each visit on its due date, the clock moving with them.
        foreach (var code in VisitCodes)
        {
            var due = DateOnly.ParseExact(plan[code].GetProperty("item").GetProperty("dueDate").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            factory.Clock.MoveTo(due, new TimeOnly(10, 0));
            await r.OkAsync(surgeon, HttpMethod.Post, "recovery/visits", new { code, date = due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), wound = "Healed", neurology = "Unchanged" });
        }
        var close = await r.SendAsync(surgeon, HttpMethod.Post, "recovery/close");
        Assert.True(close.StatusCode == HttpStatusCode.OK, $"BUG: every visit done and the baseline recorded, yet close: {(int)close.StatusCode} {await close.Content.ReadAsStringAsync()}");
        Assert.Equal("follow-up plan complete", r.Last.GetProperty("record").GetProperty("closedReason").GetString());
        Assert.Equal("Closed", await CaseStateAsync(number));
    }

    // ---- form posts (static SSR): the same commands, refusals come back as ?error=… naming each field by its label ----

    private static readonly System.Text.RegularExpressions.Regex AntiforgeryField =
        new("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = AntiforgeryField.Match(html);
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A cookie client signed in through the login form, as a browser would be; redirects are not followed.</summary>
    private async Task<HttpClient> FormClientAsync(string email)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await AntiforgeryTokenAsync(client, "/login");
        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = ExplantFactory.Password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain("error", login.Headers.Location!.OriginalString, StringComparison.Ordinal);   // lands on the role's worklist (SignInLandingTests)
        return client;
    }

    /// <summary>Posts a form with the page's antiforgery token; returns the decoded redirect target (never a 500).</summary>
    private static async Task<string> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, page);
        var response = await client.PostAsync(action, new FormUrlEncodedContent(fields));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Uri.UnescapeDataString(response.Headers.Location!.OriginalString);
    }

    private static void AssertFormError(string location, string expected)
    {
        Assert.Contains("error=", location, StringComparison.Ordinal);
        Assert.Contains(expected, location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_kind_of_recovery_form_post_is_refused_like_its_json_twin_with_the_field_or_rule_and_nothing_is_stored()
    {
        var number = await BookedCaseAsync("R-800");
        await OperateAsync(number, "R-800");
        var r = new Conditional(number);
        await r.OkAsync(nurse, HttpMethod.Post, "recovery");
        foreach (var criterion in Criteria)
        {
            await r.OkAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion });
        }
        At(SurgeryDay + 2, 11);
        var page = $"/cases/{number}/recovery";
        var form = $"/forms/recovery/{number}";
        var ward = await FormClientAsync("nurse@test.local");
        string Revision() => r.ETag!.Trim('"', 'W', '/');

        // tick, discharge: an unknown criterion; a discharge tomorrow, in a culture's date format, or with a garbled revision.
        AssertFormError(await PostFormAsync(ward, page, $"{form}/tick", new() { ["criterion"] = "Feels fine", ["revision"] = Revision() }), "Criterion:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/discharge", new() { ["date"] = Day(SurgeryDay + 3), ["revision"] = Revision() }), "Date:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/discharge", new() { ["date"] = "03/12/2026", ["revision"] = Revision() }), "Date:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/discharge", new() { ["physioReferral"] = "maybe", ["revision"] = Revision() }), "Physiotherapy referral:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/discharge", new() { ["revision"] = "twelve" }), "Page version:");
        Assert.Equal("Recovering", await CaseStateAsync(number));

        await r.OkAsync(surgeon, HttpMethod.Post, "recovery/discharge", Discharge());
        At(SurgeryDay + 14, 9);
        ward = await FormClientAsync("nurse@test.local");   // the cookie of two weeks ago has expired on the app's clock

        // visit, missed contact, close: an enum by number, a future date, the nurse closing.
        AssertFormError(await PostFormAsync(ward, page, $"{form}/visit", new() { ["code"] = "2wk", ["wound"] = "2", ["neurology"] = "Unchanged", ["revision"] = Revision() }), "Wound:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/visit", new() { ["code"] = "2wk", ["date"] = Day(SurgeryDay + 15), ["wound"] = "Healed", ["neurology"] = "Unchanged", ["revision"] = Revision() }), "Date:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/missed", new() { ["date"] = Day(SurgeryDay + 15), ["revision"] = Revision() }), "Date:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/close", new() { ["revision"] = Revision() }), "close needs role surgeon");
        var stored = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record");
        Assert.Empty(stored.GetProperty("visits").EnumerateArray());
        Assert.Empty(stored.GetProperty("missed").EnumerateArray());

        // PROM in clinic and link: a number that is not one; the 3-month point two weeks after surgery.
        AssertFormError(await PostFormAsync(ward, page, $"{form}/prom", new() { ["timePoint"] = "3mo", ["backPain"] = "3", ["odi3"] = "three" }), "ODI question 4:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/prom", new() { ["timePoint"] = "3mo", ["backPain"] = "3" }), "opens on");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/link", new() { ["timePoint"] = "3mo" }), "opens on");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).EnumerateArray());

        // complication: a date in the future and an SSI depth by number; the scheduler is refused.
        AssertFormError(await PostFormAsync(ward, page, $"{form}/complication", new() { ["key"] = "hematoma", ["occurredOn"] = Day(SurgeryDay + 15), ["grade"] = "II" }), "Occurred on:");
        AssertFormError(await PostFormAsync(ward, page, $"{form}/complication", new() { ["key"] = "infection", ["occurredOn"] = Day(SurgeryDay + 3), ["grade"] = "II", ["ssiDepth"] = "1" }), "Surgical site infection depth:");
        await factory.AddUserAsync("scheduler2@test.local", Roles.Scheduler);
        var office = await FormClientAsync("scheduler2@test.local");
        AssertFormError(await PostFormAsync(office, page, $"{form}/complication", new() { ["key"] = "hematoma", ["occurredOn"] = Day(SurgeryDay + 3), ["grade"] = "II" }), "complications are recorded by clinicians");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/complications")).EnumerateArray());

        // The patient's link form: a malformed answer is refused and the link stays unused.
        At(SurgeryDay + 2 + 90, 9);
        var link = await Created(await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "3mo" }));
        var path = new Uri(link.GetProperty("url").GetString()!).AbsolutePath;
        var phone = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        AssertFormError(await PostFormAsync(phone, path, $"/forms{path}", new() { ["backPain"] = "2", ["odi0"] = "-" }), "ODI question 1:");
        Assert.Empty((await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms")).EnumerateArray());
        Assert.EndsWith("?thanks=1", await PostFormAsync(phone, path, $"/forms{path}", new() { ["backPain"] = "2", ["legPain"] = "1" }), StringComparison.Ordinal);
        Assert.Equal("3mo", (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/proms"))[0].GetProperty("timePoint").GetString());
    }
}

public sealed class RecoveryApiTests_Sqlite() : RecoveryApiTests(DatabaseProvider.Sqlite);

public sealed class RecoveryApiTests_Postgres() : RecoveryApiTests(DatabaseProvider.Postgres);
