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

/// <summary>Manual booking: conflicts refused with their rule, a soft conflict overridden with a reason, and a race won by exactly one.</summary>
public abstract class SchedulingApiTests(DatabaseProvider provider) : IAsyncLifetime
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
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR2", capabilities = Array.Empty<string>(), hours = week, turnoverMinutes = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR3", capabilities = new[] { "fluoroscopy", "neuromonitoring" }, hours = week, turnoverMinutes = 30 })).StatusCode);
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

    private Task<HttpResponseMessage> Book(int number, string room, string start, int minutes = 120, string? overrideReason = null, int day = 10) =>
        scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = room, date = Day(day), start, durationMinutes = minutes, overrideReason, confirmTimeChange = true });

    private static async Task<IEnumerable<string>> Rules(HttpResponseMessage r) =>
        (await Json(r)).GetProperty("conflicts").EnumerateArray().Select(c => c.GetProperty("rule").GetString()!);

    [Fact]
    public async Task Booking_a_ready_case_schedules_it_and_conflicts_are_refused_with_their_rule()
    {
        var first = await ReadyCaseAsync("B-1");
        var booked = await Book(first, "OR1", "08:00");
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var view = await Json(booked);
        Assert.Equal("Scheduled", view.GetProperty("state").GetString());

        var second = await ReadyCaseAsync("B-2");
        var overlap = await Book(second, "OR1", "10:15");
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.Contains("room-double-booked", await Rules(overlap));               // 08:00–10:00 + 30 min turnover

        Assert.Contains("surgeon-double-booked", await Rules(await Book(second, "OR3", "09:00")));   // same surgeon, other room
        Assert.Contains("missing-capability", await Rules(await Book(second, "OR2", "13:00")));
        Assert.Contains("outside-hours", await Rules(await Book(second, "OR1", "15:00")));
        // Booking a Scheduled case again moves it: one booking, at the new time.
        var moved = await Book(first, "OR1", "13:00");
        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);
        Assert.Equal("Scheduled", (await Json(moved)).GetProperty("state").GetString());

        var ok = await Book(second, "OR1", "10:30");
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var day = await scheduler.GetFromJsonAsync<JsonElement>($"/api/schedule/{Day(10)}");
        var or1 = day.EnumerateArray().Single(r => r.GetProperty("roomId").GetString() == "OR1").GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal(2, or1.Count);
        Assert.Equal(new[] { "10:30:00", "13:00:00" }, or1.Select(b => b.GetProperty("start").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task A_closed_room_and_a_soft_conflict_need_different_answers()
    {
        var number = await ReadyCaseAsync("B-3");
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/rooms/OR1/closures", new { date = Day(10) })).StatusCode);
        Assert.Contains("room-closed", await Rules(await Book(number, "OR1", "08:00")));

        // Over the surgeon's daily limit (480 min) is soft: refused without a reason, accepted with one.
        var soft = await Book(number, "OR1", "08:00", minutes: 500, day: 11);
        Assert.Contains("surgeon-over-limit", await Rules(soft));
        Assert.Equal(HttpStatusCode.Conflict, soft.StatusCode);
        var withReason = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(11), start = "08:00", durationMinutes = 470, overrideReason = "long revision planned", confirmTimeChange = true });
        Assert.Equal(HttpStatusCode.Created, withReason.StatusCode);
    }

    [Fact]
    public async Task The_daily_list_names_the_components_to_remove_with_manufacturer_and_system()
    {
        var number = await ReadyCaseAsync("B-7");
        Assert.Equal(HttpStatusCode.Created, (await Book(number, "OR1", "08:00")).StatusCode);
        var pdf = await nurse.GetAsync($"/api/schedule/{Day(10)}/list.pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var text = PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains($"Case {number}: DOE, Jane, MRN B-7", text, StringComparison.Ordinal);
        Assert.Contains("L3 left pedicle screw", text, StringComparison.Ordinal);
        Assert.Contains("hardware Acme Spine 1", text, StringComparison.Ordinal);
        Assert.Contains("prone", text, StringComparison.Ordinal);
        Assert.Contains("Allergies: latex", text, StringComparison.Ordinal);
        var page = System.Net.WebUtility.HtmlDecode(await nurse.GetStringAsync($"/schedule/{Day(10)}"));
        Assert.Contains("L3–L5", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calendar_feeds_per_room_and_surgeon_list_bookings_without_patient_identifiers()
    {
        var number = await ReadyCaseAsync("B-8");
        Assert.Equal(HttpStatusCode.Created, (await Book(number, "OR1", "08:00")).StatusCode);
        var room = Ical.Net.Calendar.Load(await nurse.GetStringAsync("/api/calendar/rooms/OR1.ics"))!;
        var e = Assert.Single(room.Events);
        Assert.Equal($"Case {number} — OR1", e.Summary);
        Assert.Equal("America/Chicago", e.DtStart!.TzId);
        Assert.Equal(8, e.DtStart.Hour);
        var text = await nurse.GetStringAsync("/api/calendar/surgeons/surgeon@test.local.ics");
        Assert.Single(Ical.Net.Calendar.Load(text)!.Events);
        Assert.DoesNotContain("B-8", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Doe", text, StringComparison.Ordinal);
        Assert.Empty(Ical.Net.Calendar.Load(await nurse.GetStringAsync("/api/calendar/rooms/OR2.ics"))!.Events);
    }

    [Fact]
    public async Task Only_a_scheduler_books()
    {
        var number = await ReadyCaseAsync("B-4");
        var response = await surgeon.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Two_schedulers_booking_the_same_slot_at_once_one_wins_nothing_is_double_booked()
    {
        var a = await ReadyCaseAsync("B-5");
        var b = await ReadyCaseAsync("B-6");
        var results = await Task.WhenAll(Book(a, "OR1", "08:00"), Book(b, "OR1", "08:00"));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(results, r => r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed);
        await using var scope = factory.Scope();
        var rows = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().RoomDays.AsNoTracking().ToListAsync();
        Assert.Single(Assert.Single(rows).Bookings);
    }

    [Fact]
    public async Task The_same_surgeon_booked_in_two_rooms_at_once_one_wins_the_surgeon_is_never_double_booked()
    {
        // Different rooms are different rows: only the surgeon's day row (PersonDay) serialises these two.
        var a = await ReadyCaseAsync("B-8");
        var b = await ReadyCaseAsync("B-9");
        var results = await Task.WhenAll(Book(a, "OR1", "08:00"), Book(b, "OR3", "08:00"));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Single(results, r => r.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed);
        await using var scope = factory.Scope();
        var rows = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().RoomDays.AsNoTracking().ToListAsync();
        Assert.Single(rows.SelectMany(r => r.Bookings));
    }
}

public sealed class SchedulingApiTests_Sqlite() : SchedulingApiTests(DatabaseProvider.Sqlite);

public sealed class SchedulingApiTests_Postgres() : SchedulingApiTests(DatabaseProvider.Postgres);
