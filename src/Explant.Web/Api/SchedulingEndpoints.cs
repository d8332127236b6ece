using System.Globalization;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Explant.Core.Scheduling;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

/// <summary>Operating rooms, surgeon blocks, staff and bookings (book, move, assign the team) with conflict detection.</summary>
internal static class SchedulingEndpoints
{
    public sealed record TeamInput(string? Role, string? StaffId);
    public sealed record BookingInput(string? Case, string? RoomId, DateOnly? Date, string? Start, int? DurationMinutes, string? OverrideReason, List<TeamInput>? Team,
        bool? ConfirmTimeChange = null, string? ShortSlotReason = null);
    public sealed record DayRoom(string RoomId, string RoomName, bool Open, string? Hours, IReadOnlyList<Booking> Bookings);

    public static IEndpointRouteBuilder MapSchedulingApi(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").RequireAuthorization(Policies.Staff);
        rooms.MapGet("/", async (ExplantDbContext db, CancellationToken ct) => TypedResults.Ok(await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct)));
        rooms.MapPost("/", CreateRoom);
        rooms.MapPost("/{id}/closures", Close);
        rooms.MapPost("/{id}/blocks", AddBlock);
        var staff = app.MapGroup("/api/staff").RequireAuthorization(Policies.Staff);
        staff.MapGet("/", async (ExplantDbContext db, CancellationToken ct) => TypedResults.Ok(await db.Staff.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct)));
        staff.MapPost("/", CreateStaff);
        staff.MapPost("/{id}/absences", AddAbsence);
        app.MapPost("/api/bookings", Book).RequireAuthorization(Policies.Staff);
        app.MapGet("/api/schedule/proposal", Proposal).RequireAuthorization(Policies.Staff);
        app.MapGet("/api/schedule/{date}", Day).RequireAuthorization(Policies.Staff);
        app.MapGet("/api/calendar/rooms/{roomId}.ics", async (string roomId, ExplantDbContext db, HospitalTime time, HospitalTime clock, CancellationToken ct) =>
            Ics(await CalendarFeed.ForRoom(db, time, roomId, clock.Today.AddDays(-30), ct), $"room-{roomId}.ics")).RequireAuthorization(Policies.Staff);
        app.MapGet("/api/calendar/surgeons/{surgeon}.ics", async (string surgeon, ExplantDbContext db, HospitalTime time, HospitalTime clock, CancellationToken ct) =>
            Ics(await CalendarFeed.ForSurgeon(db, time, surgeon, clock.Today.AddDays(-30), ct), "surgeon.ics")).RequireAuthorization(Policies.Staff);
        app.MapGet("/api/schedule/{date}/list.pdf", async (string date, ExplantDbContext db, ReadinessService readiness, IOptions<HospitalOptions> hospital, CancellationToken ct) =>
            TypedResults.File((await DailyList.Load(db, readiness, ParseDate(date), ct)).ToPdf(hospital.Value.Name), "application/pdf", $"operating-list-{date}.pdf"))
            .RequireAuthorization(Policies.Staff);
        return app;
    }

    private static FileContentHttpResult Ics(string text, string name) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/calendar", name);

    private static TimeOnly Time(string? value, string field) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new ValidationException(new Dictionary<string, string[]> { [field] = [$"'{value}' is not a time (HH:mm)"] });

    // Rooms, closures, blocks, staff and absences: binding and rendering only; the role check, parsing, defaults and
    // validation are the Core command's (SchedulingCommands), so a wrong role is refused before the body is judged.
    private static async Task<Created<OperatingRoom>> CreateRoom(RoomInput input, HttpContext http, ExplantDbContext db, IOptions<SchedulingOptions> options, CancellationToken ct)
    {
        var room = await SchedulingCommands.CreateRoom(db, input, options.Value, http.User.ToCaseActor(), ct);
        return TypedResults.Created($"/api/rooms/{room.Id}", room);
    }

    private static async Task<Ok<OperatingRoom>> Close(string id, ClosureInput input, HttpContext http, ExplantDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await SchedulingCommands.CloseRoom(db, id, input, http.User.ToCaseActor(), ct));

    private static async Task<Ok<OperatingRoom>> AddBlock(string id, BlockInput input, HttpContext http, ExplantDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await SchedulingCommands.AddBlock(db, id, input, http.User.ToCaseActor(), ct));

    private static async Task<Created<StaffMember>> CreateStaff(StaffInput input, HttpContext http, ExplantDbContext db, CancellationToken ct)
    {
        var member = await SchedulingCommands.CreateStaff(db, input, http.User.ToCaseActor(), ct);
        return TypedResults.Created($"/api/staff/{member.Id}", member);
    }

    private static async Task<Ok<StaffMember>> AddAbsence(string id, AbsenceInput input, HttpContext http, ExplantDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await SchedulingCommands.AddAbsence(db, id, input, http.User.ToCaseActor(), ct));

    private static async Task<Created<CaseView>> Book(BookingInput input, HttpContext http, ExplantDbContext db, ReadinessService readiness, HospitalTime time,
        IOptions<SchedulingOptions> options, HospitalTime clock, CancellationToken ct)
    {
        // Parsing, defaults (a missing duration books the estimate) and validation are the command's, as for the board's form.
        var command = BookCase.Parse(new BookCase.Input(input.Case, input.RoomId, input.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), input.Start,
            input.DurationMinutes?.ToString(CultureInfo.InvariantCulture), input.OverrideReason,
            [.. (input.Team ?? []).Select(t => new BookCase.TeamMember(t.Role ?? "", t.StaffId ?? ""))], input.ConfirmTimeChange ?? false, input.ShortSlotReason));
        var c = await BookCase.Handle(db, readiness, time, options.Value, command, http.User.ToCaseActor(), clock.UtcNow, ct);
        http.Response.SetETag(c.Revision);
        return TypedResults.Created($"/api/cases/{c.Number}", await CaseView.Load(db, c, clock.Today, ct, await readiness.Evaluate(c, ct)));
    }

    /// <summary>GET /api/schedule/proposal?from=YYYY-MM-DD&amp;days=N (scheduler; 1–28 days): the proposal the page shows.</summary>
    private static async Task<Ok<WeekProposal.Result>> Proposal(string? from, string? days, HttpContext http, ExplantDbContext db, ReadinessService readiness, HospitalTime time,
        IOptions<SchedulingOptions> options, CancellationToken ct)
    {
        WeekProposal.RequireScheduler(http.User.ToCaseActor());
        WeekProposal.CheckWindow(from, days, out var start, out var count);
        return TypedResults.Ok(await WeekProposal.Build(db, readiness, time, options.Value, start, count, ct));
    }

    private static DateOnly ParseDate(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ValidationException(new Dictionary<string, string[]> { ["date"] = [$"'{date}' is not a date (YYYY-MM-DD)"] });

    private static async Task<Ok<IReadOnlyList<DayRoom>>> Day(string date, ExplantDbContext db, CancellationToken ct)
    {
        var d = ParseDate(date);
        var rooms = await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        var days = await db.RoomDays.AsNoTracking().Where(r => r.Date == d).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<DayRoom>>([.. rooms.Select(r =>
        {
            var open = r.OpenOn(d);
            var bookings = days.FirstOrDefault(x => x.RoomId == r.Id)?.Bookings.OrderBy(b => b.Start).ToList() ?? [];
            return new DayRoom(r.Id, r.Name, open is not null, open is { } o ? $"{o.Opens:HH:mm}–{o.Closes:HH:mm}" : null, bookings);
        })]);
    }
}
