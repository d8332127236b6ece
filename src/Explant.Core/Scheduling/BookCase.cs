using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

public sealed class SchedulingOptions
{
    /// <summary>Maximum operating minutes per surgeon per day (DOMAIN.md §8.1 ⚠ local setting); exceeding it is a soft conflict.</summary>
    public int SurgeonDailyLimitMinutes { get; set; } = 480;

    /// <summary>Turnover for a new room when none is given (DOMAIN.md §8.1: default 30 min ⚠, set per room).</summary>
    public int DefaultTurnoverMinutes { get; set; } = 30;

    /// <summary>Room capabilities every removal needs: an intra-operative level image (rule 30, [S45]) needs fluoroscopy.</summary>
    public List<string> RequiredCapabilities { get; set; } = ["fluoroscopy"];
}

/// <summary>A booking refused for its conflicts; soft ones can be overridden by a scheduler with a reason.</summary>
public sealed class BookingConflictException(IReadOnlyList<Conflict> conflicts)
    : Exception("booking refused: " + string.Join("; ", conflicts.Select(c => $"{c.Rule}: {c.Message}{(c.Soft ? " (soft: override with a reason)" : "")}")))
{
    public IReadOnlyList<Conflict> Conflicts { get; } = conflicts;
}

/// <summary>Books a Ready case into a room at a local date and time, refusing every conflict of the scheduling issue §3.</summary>
public static class BookCase
{
    public sealed record Command(string Case, string RoomId, DateOnly Date, TimeOnly Start, int DurationMinutes, string? OverrideReason);

    public static async Task<SurgicalCase> Handle(ExplantDbContext db, ReadinessService readiness, HospitalTime time, SchedulingOptions options,
        Command command, CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Roles.Scheduler]))
        {
            throw new DomainRuleException("role:book", "booking needs role scheduler", forbidden: true);
        }
        if (command.DurationMinutes is <= 0 or > 24 * 60)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["durationMinutes"] = ["must be between 1 and 1440"] });
        }
        var c = await CaseHandlers.Find(db, command.Case, ct) ?? throw new NotFoundException($"case {command.Case}");
        var room = await db.OperatingRooms.FirstOrDefaultAsync(r => r.Id == command.RoomId, ct) ?? throw new NotFoundException($"room {command.RoomId}");
        var roomDay = await db.RoomDays.FirstOrDefaultAsync(r => r.RoomId == room.Id && r.Date == command.Date, ct);
        var conflicts = new List<Conflict>();
        if (c.State != CaseState.Ready)
        {
            conflicts.Add(new("case-not-ready", $"case {c.Number} is {c.State}; only Ready cases are booked", Soft: false));
        }
        var missing = options.RequiredCapabilities.Except(room.Capabilities).ToList();
        if (missing.Count > 0)
        {
            conflicts.Add(new("missing-capability", $"{room.Id} lacks {string.Join(", ", missing)}", Soft: false));
        }
        conflicts.AddRange((roomDay ?? RoomDay.For(room.Id, command.Date)).RoomConflicts(room, command.Start, command.DurationMinutes, c.Id));

        var end = command.Start.AddMinutes(command.DurationMinutes);
        var sameDay = await db.RoomDays.Where(r => r.Date == command.Date && r.RoomId != room.Id).ToListAsync(ct);
        var surgeonBookings = sameDay.SelectMany(r => r.Bookings.Select(b => (Room: r.RoomId, Booking: b)))
            .Concat((roomDay?.Bookings ?? []).Select(b => (Room: room.Id, Booking: b)))
            .Where(x => x.Booking.Surgeon == c.Surgeon && x.Booking.CaseId != c.Id).ToList();
        foreach (var (otherRoom, b) in surgeonBookings.Where(x => x.Room != room.Id && command.Start < x.Booking.End && x.Booking.Start < end))
        {
            conflicts.Add(new("surgeon-double-booked", $"{c.Surgeon} operates case {b.CaseNumber} in {otherRoom} {b.Start:HH:mm}–{b.End:HH:mm}", Soft: false));
        }
        var total = surgeonBookings.Sum(x => x.Booking.DurationMinutes) + command.DurationMinutes;
        if (total > options.SurgeonDailyLimitMinutes)
        {
            conflicts.Add(new("surgeon-over-limit", $"{c.Surgeon} would operate {total} min on {command.Date:yyyy-MM-dd} (limit {options.SurgeonDailyLimitMinutes})", Soft: true));
        }
        if (conflicts.Any(x => !x.Soft) || (conflicts.Count > 0 && string.IsNullOrWhiteSpace(command.OverrideReason)))
        {
            throw new BookingConflictException(conflicts);
        }

        if (roomDay is null)
        {
            roomDay = RoomDay.For(room.Id, command.Date);
            db.RoomDays.Add(roomDay);
        }
        roomDay.Add(new Booking
        {
            CaseId = c.Id, CaseNumber = c.Number, Surgeon = c.Surgeon, Start = command.Start, DurationMinutes = command.DurationMinutes,
            OverrideReason = conflicts.Count > 0 ? command.OverrideReason!.Trim() : null, BookedBy = actor.Name,
        });
        c.SetPlannedSurgery(Fasting.ToUtc(command.Date.ToDateTime(command.Start), time.Zone), actor, nowUtc);
        // Readiness is judged against the booked date; the room-day, the date and the transition save together.
        return await readiness.Fire(c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), null, CaseTrigger.Schedule,
            new TransitionRequest(conflicts.Count > 0 ? $"booked with override: {command.OverrideReason}" : $"booked {room.Id} {command.Date:yyyy-MM-dd} {command.Start:HH:mm}"),
            actor, ct);
    }
}
