using System.Globalization;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

// One input record per scheduling-configuration write (issue "Pathway integrity" §2): rooms, closures, surgeon blocks,
// staff and absences. The JSON API binds them from the body (a form would fill them from its fields); the commands
// below check the role first, then parse (weekdays by name, HH:mm times), apply defaults and validate, naming the JSON
// field, so nothing about the input is decided in the web layer. Bookings have their own command (BookCase).

public sealed record HoursInput(string? Day, string? Opens, string? Closes);

public sealed record RoomInput(string? Id, string? Name, List<string>? Capabilities, List<HoursInput>? Hours, int? TurnoverMinutes);

public sealed record ClosureInput(DateOnly? Date);

public sealed record BlockInput(string? Day, string? Surgeon, string? Opens, string? Closes);

public sealed record StaffInput(string? Id, string? Name, List<string>? Roles, List<string>? WorkingDays);

public sealed record AbsenceInput(DateOnly? From, DateOnly? To, string? Reason);

public static class SchedulingCommands
{
    private static readonly string[] Writers = [Roles.Scheduler, Roles.Admin];

    /// <summary>Creates a room; a blank turnover takes <see cref="SchedulingOptions.DefaultTurnoverMinutes"/> (local policy ⚠).</summary>
    public static async Task<OperatingRoom> CreateRoom(ExplantDbContext db, RoomInput input, SchedulingOptions options, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        RequireWriter(actor, "rooms", "rooms are configured by a scheduler or an administrator");
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var id = check.Text("id", input.Id, 40, required: true);
        var name = check.Text("name", input.Name);
        var capabilities = new List<string>();
        foreach (var (c, i) in (input.Capabilities ?? []).Select((c, i) => (c, i)))
        {
            if (check.Text($"capabilities[{i}]", c, 60, required: true) is { } t)
            {
                capabilities.Add(t);
            }
        }
        var hours = new List<WeeklyHours>();
        foreach (var (h, i) in (input.Hours ?? []).Select((h, i) => (h, i)))
        {
            var day = Weekday(check, $"hours[{i}].day", h?.Day);
            var opens = Time(check, $"hours[{i}].opens", h?.Opens);
            var closes = Time(check, $"hours[{i}].closes", h?.Closes);
            if (day is { } d && opens is { } o && closes is { } c)
            {
                hours.Add(new WeeklyHours { Day = d, Opens = o, Closes = c });
            }
        }
        check.ThrowIfAny();
        var room = OperatingRoom.Create(id!, name ?? "", capabilities, hours, input.TurnoverMinutes ?? options.DefaultTurnoverMinutes);
        if (await db.OperatingRooms.AnyAsync(r => r.Id == room.Id, ct))
        {
            throw new DomainRuleException("room-unique", $"room {room.Id} already exists");
        }
        db.OperatingRooms.Add(room);
        await db.SaveChangesAsync(ct);
        return room;
    }

    /// <summary>Closes a room for a day (the date is required).</summary>
    public static async Task<OperatingRoom> CloseRoom(ExplantDbContext db, string roomId, ClosureInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireWriter(actor, "rooms", "rooms are configured by a scheduler or an administrator");
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var date = check.Date("date", input.Date, required: true);
        check.ThrowIfAny();
        var room = await db.OperatingRooms.FirstOrDefaultAsync(r => r.Id == roomId, ct) ?? throw new NotFoundException($"room {roomId}");
        room.Close(date!.Value);
        await db.SaveChangesAsync(ct);
        return room;
    }

    /// <summary>Gives a surgeon a weekly block in a room: weekday by name, HH:mm times inside the room's hours.</summary>
    public static async Task<OperatingRoom> AddBlock(ExplantDbContext db, string roomId, BlockInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireWriter(actor, "rooms", "rooms are configured by a scheduler or an administrator");
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var day = Weekday(check, "day", input.Day);
        var surgeon = check.Text("surgeon", input.Surgeon, required: true);
        var opens = Time(check, "opens", input.Opens);
        var closes = Time(check, "closes", input.Closes);
        check.ThrowIfAny();
        var room = await db.OperatingRooms.FirstOrDefaultAsync(r => r.Id == roomId, ct) ?? throw new NotFoundException($"room {roomId}");
        room.AddBlock(day!.Value, surgeon!, opens!.Value, closes!.Value);
        await db.SaveChangesAsync(ct);
        return room;
    }

    /// <summary>Adds a member of theatre staff: team roles by key, working days by name.</summary>
    public static async Task<StaffMember> CreateStaff(ExplantDbContext db, StaffInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireWriter(actor, "staff", "staff are configured by a scheduler or an administrator");
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var id = check.Text("id", input.Id, required: true);
        var name = check.Text("name", input.Name, required: true);
        var roles = new List<string>();
        foreach (var (r, i) in (input.Roles ?? []).Select((r, i) => (r, i)))
        {
            if (check.Text($"roles[{i}]", r, 60, required: true) is { } t)
            {
                roles.Add(t);
            }
        }
        var days = new List<DayOfWeek>();
        foreach (var (d, i) in (input.WorkingDays ?? []).Select((d, i) => (d, i)))
        {
            if (Weekday(check, $"workingDays[{i}]", d) is { } w)
            {
                days.Add(w);
            }
        }
        check.ThrowIfAny();
        var member = StaffMember.Create(id!, name!, roles, days);
        if (await db.Staff.AnyAsync(s => s.Id == member.Id, ct))
        {
            throw new DomainRuleException("staff-unique", $"staff member {member.Id} already exists");
        }
        db.Staff.Add(member);
        await db.SaveChangesAsync(ct);
        return member;
    }

    /// <summary>Records an absence from..to (inclusive; to not before from), with an optional reason.</summary>
    public static async Task<StaffMember> AddAbsence(ExplantDbContext db, string staffId, AbsenceInput input, CaseActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        RequireWriter(actor, "staff", "staff are configured by a scheduler or an administrator");
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var from = check.Date("from", input.From, required: true);
        var to = check.Date("to", input.To, notBefore: input.From is { } f ? (f, "from") : null, required: true);
        var reason = check.Text("reason", input.Reason, InputLimits.Note);
        check.ThrowIfAny();
        var member = await db.Staff.FirstOrDefaultAsync(s => s.Id == staffId, ct) ?? throw new NotFoundException($"staff member {staffId}");
        member.AddAbsence(from!.Value, to!.Value, reason ?? "");
        await db.SaveChangesAsync(ct);
        return member;
    }

    private static void RequireWriter(CaseActor actor, string what, string message)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(Writers))
        {
            throw new DomainRuleException($"role:{what}", message, forbidden: true);
        }
    }

    /// <summary>A weekday by its English name ("Monday"); numbers are refused, not read as days.</summary>
    public static DayOfWeek? Weekday(Check check, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (string.IsNullOrWhiteSpace(value))
        {
            check.Add(field, $"required: a weekday ({string.Join(", ", Enum.GetNames<DayOfWeek>())})");
            return null;
        }
        if (EnumText.TryParse<DayOfWeek>(value.Trim(), out var d))
        {
            return d;
        }
        check.Add(field, $"'{Shorten(value)}' is not a weekday ({string.Join(", ", Enum.GetNames<DayOfWeek>())})");
        return null;
    }

    /// <summary>A wall-clock time of day, HH:mm.</summary>
    public static TimeOnly? Time(Check check, string field, string? value)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (string.IsNullOrWhiteSpace(value))
        {
            check.Add(field, "required: a time (HH:mm)");
            return null;
        }
        if (TimeOnly.TryParseExact(value.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return t;
        }
        check.Add(field, $"'{Shorten(value)}' is not a time (HH:mm)");
        return null;
    }

    private static string Shorten(string v) => v.Length <= 40 ? v : string.Concat(v.AsSpan(0, 40), "…");
}
