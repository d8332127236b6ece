using Explant.Core.Data;

namespace Explant.Core.Scheduling;

public sealed class Booking
{
    public Guid CaseId { get; set; }
    public int CaseNumber { get; set; }
    public string Surgeon { get; set; } = "";
    public TimeOnly Start { get; set; }
    public int DurationMinutes { get; set; }
    public string? OverrideReason { get; set; }
    public string BookedBy { get; set; } = "";

    public TimeOnly End => Start.AddMinutes(DurationMinutes);
}

public sealed record Conflict(string Rule, string Message, bool Soft);

/// <summary>
/// One room on one date with its bookings. Bookings of a room-day change together under one revision, so two
/// schedulers booking the same room-day at once cannot both succeed: the second save fails (412/409).
/// </summary>
public sealed class RoomDay : IVersioned
{
    private RoomDay() { }

    public Guid Id { get; private set; }
    public string RoomId { get; private set; } = "";
    public DateOnly Date { get; private set; }
    public List<Booking> Bookings { get; private set; } = [];
    public long Revision { get; set; }

    public static RoomDay For(string roomId, DateOnly date) => new() { Id = Guid.CreateVersion7(), RoomId = roomId, Date = date };

    /// <summary>Room-level conflicts of a proposed booking: closed, outside hours, overlap with turnover.</summary>
    public IReadOnlyList<Conflict> RoomConflicts(OperatingRoom room, TimeOnly start, int minutes, Guid caseId)
    {
        ArgumentNullException.ThrowIfNull(room);
        var conflicts = new List<Conflict>();
        var end = start.AddMinutes(minutes);
        if (end <= start)
        {
            conflicts.Add(new("outside-hours", $"{start:HH:mm} + {minutes} min runs past midnight", Soft: false));
        }
        if (room.OpenOn(Date) is not { } open)
        {
            conflicts.Add(new("room-closed", $"{room.Id} is closed on {Date:yyyy-MM-dd}", Soft: false));
        }
        else if (start < open.Opens || end > open.Closes || end <= start)
        {
            conflicts.Add(new("outside-hours", $"{start:HH:mm}–{end:HH:mm} is outside {room.Id}'s hours {open.Opens:HH:mm}–{open.Closes:HH:mm}", Soft: false));
        }
        foreach (var b in Bookings.Where(b => b.CaseId != caseId))
        {
            // Turnover separates consecutive cases in either order (DOMAIN.md §8.1).
            if (start < b.End.AddMinutes(room.TurnoverMinutes) && b.Start < end.AddMinutes(room.TurnoverMinutes))
            {
                conflicts.Add(new("room-double-booked", $"{room.Id} has case {b.CaseNumber} {b.Start:HH:mm}–{b.End:HH:mm} (+{room.TurnoverMinutes} min turnover)", Soft: false));
            }
        }
        return conflicts;
    }

    public void Add(Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        Bookings.RemoveAll(b => b.CaseId == booking.CaseId);
        Bookings.Add(booking);
    }
}
