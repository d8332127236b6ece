using Explant.Core.Data;

namespace Explant.Core.Scheduling;

/// <summary>A person assigned to a booked case in one role.</summary>
public sealed class TeamAssignment
{
    public string Role { get; set; } = "";
    public string StaffId { get; set; } = "";
    public string Name { get; set; } = "";
}

public sealed class Booking
{
    public Guid CaseId { get; set; }
    public int CaseNumber { get; set; }
    public string Surgeon { get; set; } = "";
    public TimeOnly Start { get; set; }
    public int DurationMinutes { get; set; }
    public string? OverrideReason { get; set; }

    /// <summary>Why the slot is shorter than the estimate's median (issue #14 §2), when it is.</summary>
    public string? ShortSlotReason { get; set; }
    public string BookedBy { get; set; } = "";
    // Bookings stored before teams existed have no "Team"/"RequiredRoles" in their JSON; read them as empty.
    private List<TeamAssignment>? team;
    private List<string>? requiredRoles;

    public List<TeamAssignment> Team { get => team ??= []; set => team = value; }

    /// <summary>Roles the case's procedure definition lists under Personnel (pinned version), copied at booking.</summary>
    public List<string> RequiredRoles { get => requiredRoles ??= []; set => requiredRoles = value; }

    public TimeOnly End => Start.AddMinutes(DurationMinutes);

    /// <summary>Required roles nobody is assigned to yet (the case's surgeon fills the surgeon role).</summary>
    public IReadOnlyList<string> TeamGaps =>
        [.. RequiredRoles.Where(r => r != TeamRoles.Surgeon && Team.All(t => t.Role != r))];

    public bool Involves(string person) =>
        string.Equals(Surgeon, person, StringComparison.OrdinalIgnoreCase) || Team.Any(t => string.Equals(t.StaffId, person, StringComparison.OrdinalIgnoreCase));
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
        var open = room.OpenOn(Date);
        if (open is null)
        {
            conflicts.Add(new("room-closed", $"{room.Id} is closed on {Date:yyyy-MM-dd}", Soft: false));
        }
        else if (end > start && (start < open.Value.Opens || end > open.Value.Closes))
        {
            conflicts.Add(new("outside-hours", $"{start:HH:mm}–{end:HH:mm} is outside {room.Id}'s hours {open.Value.Opens:HH:mm}–{open.Value.Closes:HH:mm}", Soft: false));
        }
        foreach (var b in Bookings.Where(b => b.CaseId != caseId))
        {
            // Turnover separates consecutive cases in either order (docs/clinical-rules.md §6).
            if (start < b.End.AddMinutes(room.TurnoverMinutes) && b.Start < end.AddMinutes(room.TurnoverMinutes))
            {
                conflicts.Add(new("room-double-booked", $"{room.Id} has case {b.CaseNumber} {b.Start:HH:mm}–{b.End:HH:mm} (+{room.TurnoverMinutes} min turnover)", Soft: false));
            }
        }
        return conflicts;
    }

    public bool Remove(Guid caseId) => Bookings.RemoveAll(b => b.CaseId == caseId) > 0;

    public void Add(Booking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        Bookings.RemoveAll(b => b.CaseId == booking.CaseId);
        Bookings.Add(booking);
    }
}
