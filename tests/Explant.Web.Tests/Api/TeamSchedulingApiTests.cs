using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// The team on a booking: roles, availability and double-booking refused with their rule; surgeon blocks as a soft
/// conflict; gaps from the definition's Personnel; moving a Scheduled case; a postponed case leaves the schedule.
/// </summary>
public abstract class TeamSchedulingApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string[] AllDays = [.. Enum.GetValues<DayOfWeek>().Select(d => d.ToString())];
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, surgeon2 = null!, nurse = null!, anesthesiologist = null!, scheduler = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("surgeon2@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        surgeon2 = await factory.ClientForAsync("surgeon2@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        scheduler = await factory.ClientForAsync("scheduler@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = AllDays.Select(d => new { day = d, opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR3", capabilities = new[] { "fluoroscopy", "neuromonitoring" }, hours = week, turnoverMinutes = 30 })).StatusCode);
        await StaffAsync("A1", "Ann Aesthetist", ["anesthesiologist"]);
        await StaffAsync("A2", "Bob Byrne", ["anesthesiologist"]);
        await StaffAsync("N1", "Nora Nurse", ["nurse"]);
        await StaffAsync("T1", "Tom Tech", ["surgical-technologist"]);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task StaffAsync(string id, string name, string[] roles, string[]? workingDays = null)
    {
        var response = await scheduler.PostAsJsonAsync("/api/staff", new { id, name, roles, workingDays = workingDays ?? AllDays });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<int> ReadyCaseAsync(string mrn, HttpClient? by = null)
    {
        var s = by ?? surgeon;
        var (patient, construct, _) = await PatientWithConstructAsync(s, mrn);
        var number = (await OpenCaseAsync(s, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(s, nurse, number);
        await CompleteWorkUpAsync(s, nurse, anesthesiologist, number, patient);
        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        return number;
    }

    private static object[] Team(params (string Role, string StaffId)[] team) => [.. team.Select(t => new { role = t.Role, staffId = t.StaffId })];

    private Task<HttpResponseMessage> Book(int number, string room, string start, object[]? team = null, int minutes = 120, string? overrideReason = null, int day = 10, HttpClient? by = null,
        string? shortSlotReason = null) =>
        (by ?? scheduler).PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = room, date = Day(day), start, durationMinutes = minutes, overrideReason, confirmTimeChange = true, shortSlotReason, team = team ?? [] });

    private static async Task<List<JsonElement>> Conflicts(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Conflict, $"expected 409, got {(int)r.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("booking-conflict", json.GetProperty("rule").GetString());
        return [.. json.GetProperty("conflicts").EnumerateArray()];
    }

    private static async Task<string[]> Rules(HttpResponseMessage r) => [.. (await Conflicts(r)).Select(c => c.GetProperty("rule").GetString()!).Distinct().Order()];

    private static async Task AssertCreated(HttpResponseMessage r) =>
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");

    /// <summary>Every booking on a date as (room, booking).</summary>
    private async Task<List<(string Room, JsonElement Booking)>> ScheduleAsync(int day)
    {
        var rooms = await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/{Day(day)}");
        return [.. rooms.EnumerateArray().SelectMany(r => r.GetProperty("bookings").EnumerateArray().Select(b => (r.GetProperty("roomId").GetString()!, b)))];
    }

    private async Task<string> StateAsync(int number) =>
        (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}")).GetProperty("state").GetString()!;

    [Fact]
    public async Task A_team_member_in_a_role_they_do_not_hold_is_refused()
    {
        var number = await ReadyCaseAsync("TS-1");
        var refused = await Book(number, "OR1", "08:00", Team(("anesthesiologist", "T1")));
        Assert.Equal(["staff-role"], await Rules(refused));
        Assert.Equal("Ready", await StateAsync(number));
        Assert.Empty(await ScheduleAsync(10));

        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"), ("surgical-technologist", "T1"))));
    }

    [Fact]
    public async Task Absent_staff_and_a_surgeon_away_are_refused()
    {
        var number = await ReadyCaseAsync("TS-2");
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/staff/A1/absences", new { from = Day(9), to = Day(11), reason = "leave" })).StatusCode);
        var refused = await Conflicts(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        var c = Assert.Single(refused);
        Assert.Equal("staff-unavailable", c.GetProperty("rule").GetString());
        Assert.False(c.GetProperty("soft").GetBoolean());
        // Even with an override reason: a hard conflict stays refused.
        Assert.Equal(["staff-unavailable"], await Rules(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1")), overrideReason: "please")));

        // Not a working day is unavailable too.
        var offDay = Today.AddDays(10).AddDays(1).DayOfWeek.ToString();
        await StaffAsync("A3", "Cy Part-time", ["anesthesiologist"], [offDay]);
        Assert.Equal(["staff-unavailable"], await Rules(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A3")))));

        // The case's surgeon registered as staff and away that day.
        await StaffAsync("surgeon@test.local", "Dr Surgeon", ["surgeon"]);
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/staff/surgeon@test.local/absences", new { from = Day(10), to = Day(10), reason = "congress" })).StatusCode);
        Assert.Equal(["surgeon-unavailable"], await Rules(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A2")))));
        Assert.Equal("Ready", await StateAsync(number));
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A2")), day: 12));
    }

    [Fact]
    public async Task The_same_person_on_two_overlapping_bookings_is_refused()
    {
        var first = await ReadyCaseAsync("TS-3");
        await AssertCreated(await Book(first, "OR1", "08:00", Team(("anesthesiologist", "A1"), ("nurse", "N1"))));
        // Another surgeon's case in another room, overlapping 09:00–11:00: only the shared person conflicts.
        var second = await ReadyCaseAsync("TS-4", surgeon2);
        Assert.Equal(["person-double-booked"], await Rules(await Book(second, "OR3", "09:00", Team(("anesthesiologist", "A1")))));
        Assert.Equal(["person-double-booked"], await Rules(await Book(second, "OR3", "09:00", Team(("anesthesiologist", "A2"), ("nurse", "N1")))));
        Assert.Equal("Ready", await StateAsync(second));
        // Once the first case is over, the same person is free.
        await AssertCreated(await Book(second, "OR3", "10:00", Team(("anesthesiologist", "A1"))));
        var day = await ScheduleAsync(10);
        Assert.Equal(2, day.Count);
        Assert.All(day, b => Assert.Contains(b.Booking.GetProperty("team").EnumerateArray(), t => t.GetProperty("staffId").GetString() == "A1"));
    }

    [Fact]
    public async Task Booking_outside_the_surgeons_block_is_a_soft_conflict_accepted_with_a_reason()
    {
        var weekday = Today.AddDays(10).DayOfWeek.ToString();
        var block = await scheduler.PostAsJsonAsync("/api/rooms/OR1/blocks", new { day = weekday, surgeon = "surgeon2@test.local", opens = "08:00", closes = "12:00" });
        Assert.Equal(HttpStatusCode.OK, block.StatusCode);

        var number = await ReadyCaseAsync("TS-5");
        var refused = await Conflicts(await Book(number, "OR1", "08:00"));
        var c = Assert.Single(refused);
        Assert.Equal("outside-block", c.GetProperty("rule").GetString());
        Assert.True(c.GetProperty("soft").GetBoolean());
        Assert.Equal("Ready", await StateAsync(number));

        await AssertCreated(await Book(number, "OR1", "08:00", overrideReason: "block released by surgeon2 for this week"));
        var booking = Assert.Single(await ScheduleAsync(10)).Booking;
        Assert.Equal("block released by surgeon2 for this week", booking.GetProperty("overrideReason").GetString());

        // The block's owner books inside it without a reason.
        var own = await ReadyCaseAsync("TS-6", surgeon2);
        await AssertCreated(await Book(own, "OR1", "10:30", minutes: 90, shortSlotReason: "fits the block"));
    }

    [Fact]
    public async Task Team_gaps_are_the_personnel_roles_nobody_is_assigned_to()
    {
        var number = await ReadyCaseAsync("TS-7");
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        var booking = Assert.Single(await ScheduleAsync(10)).Booking;
        var team = Assert.Single(booking.GetProperty("team").EnumerateArray());
        Assert.Equal("anesthesiologist", team.GetProperty("role").GetString());
        Assert.Equal("Ann Aesthetist", team.GetProperty("name").GetString());
        Assert.Equal(["anesthesiologist", "nurse", "surgeon", "surgical-technologist"],
            booking.GetProperty("requiredRoles").EnumerateArray().Select(r => r.GetString()!).Order().ToArray());
        Assert.Equal(["nurse", "surgical-technologist"], booking.GetProperty("teamGaps").EnumerateArray().Select(r => r.GetString()!).Order().ToArray());

        // Booking the Scheduled case again with the full team (a move in place) closes the gaps.
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"), ("nurse", "N1"), ("surgical-technologist", "T1"))));
        booking = Assert.Single(await ScheduleAsync(10)).Booking;
        Assert.Empty(booking.GetProperty("teamGaps").EnumerateArray());
    }

    [Fact]
    public async Task Missing_roles_refuse_a_booking_only_when_the_setting_requires_a_full_team()
    {
        var number = await ReadyCaseAsync("TS-8");
        await using var strict = factory.WithWebHostBuilder(b => b.UseSetting("Scheduling:RequireFullTeamAtBooking", "true"));
        var client = strict.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { email = "scheduler@test.local", password = ExplantFactory.Password })).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());

        var refused = await Conflicts(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1")), by: client));
        var c = Assert.Single(refused);
        Assert.Equal("missing-role", c.GetProperty("rule").GetString());
        Assert.True(c.GetProperty("soft").GetBoolean());
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"), ("nurse", "N1"), ("surgical-technologist", "T1")), by: client));
        // The default application still books with gaps.
        var other = await ReadyCaseAsync("TS-9");
        await AssertCreated(await Book(other, "OR1", "13:00"));
    }

    [Fact]
    public async Task Moving_a_scheduled_case_frees_its_old_slot_and_leaves_one_booking()
    {
        var number = await ReadyCaseAsync("TS-10");
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        var moved = await Book(number, "OR3", "13:00", Team(("anesthesiologist", "A1")), day: 11);
        await AssertCreated(moved);
        Assert.Equal("Scheduled", (await Json(moved)).GetProperty("state").GetString());

        Assert.Empty(await ScheduleAsync(10));
        var now = Assert.Single(await ScheduleAsync(11));
        Assert.Equal("OR3", now.Room);
        Assert.Equal("13:00:00", now.Booking.GetProperty("start").GetString());
        Assert.Equal(number, now.Booking.GetProperty("caseNumber").GetInt32());

        // The old slot, and the person in it, are free for another case.
        var other = await ReadyCaseAsync("TS-11");
        await AssertCreated(await Book(other, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        Assert.Single(await ScheduleAsync(10));
        Assert.Single(await ScheduleAsync(11));
    }

    [Fact]
    public async Task A_postponed_or_cancelled_scheduled_case_leaves_the_schedule()
    {
        var number = await ReadyCaseAsync("TS-12");
        await AssertCreated(await Book(number, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        Assert.Single(await ScheduleAsync(10));

        var postponed = await surgeon.PostAsJsonAsync($"/api/cases/{number}/transitions/Postpone", new { reason = "patient has a chest infection" });
        Assert.Equal(HttpStatusCode.OK, postponed.StatusCode);
        Assert.Equal("Postponed", (await Json(postponed)).GetProperty("state").GetString());
        Assert.Empty(await ScheduleAsync(10));

        var other = await ReadyCaseAsync("TS-13");
        await AssertCreated(await Book(other, "OR1", "08:00", Team(("anesthesiologist", "A1"))));
        var cancelled = await scheduler.PostAsJsonAsync($"/api/cases/{other}/transitions/Cancel", new { reason = "booked twice", cancelReason = "Duplicate" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await Json(cancelled)).GetProperty("state").GetString());
        Assert.Empty(await ScheduleAsync(10));
    }
}

public sealed class TeamSchedulingApiTests_Sqlite() : TeamSchedulingApiTests(DatabaseProvider.Sqlite);

public sealed class TeamSchedulingApiTests_Postgres() : TeamSchedulingApiTests(DatabaseProvider.Postgres);
