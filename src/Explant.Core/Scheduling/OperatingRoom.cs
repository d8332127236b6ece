using Explant.Core.Data;

namespace Explant.Core.Scheduling;

/// <summary>A surgeon's block: a weekly allocation of a room's time (docs/clinical-rules.md §6 ⚠ local setting).</summary>
public sealed class SurgeonBlock
{
    public DayOfWeek Day { get; set; }
    public string Surgeon { get; set; } = "";
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

public sealed class WeeklyHours
{
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

/// <summary>An operating room: what it can do, when it is open, and its turnover time (docs/clinical-rules.md §6 ⚠ local settings).</summary>
public sealed class OperatingRoom : IVersioned
{
    private OperatingRoom() { }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public List<string> Capabilities { get; private set; } = [];
    public List<WeeklyHours> Hours { get; private set; } = [];
    public List<DateOnly> Closures { get; private set; } = [];
    public int TurnoverMinutes { get; private set; }
    public List<SurgeonBlock> Blocks { get; private set; } = [];
    public long Revision { get; set; }

    public static OperatingRoom Create(string id, string name, IEnumerable<string> capabilities, IEnumerable<WeeklyHours> hours, int turnoverMinutes)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(id)) { errors["id"] = ["required"]; }
        if (turnoverMinutes is < 0 or > 240) { errors["turnoverMinutes"] = ["must be between 0 and 240"]; }
        var list = hours.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Closes <= list[i].Opens) { errors[$"hours[{i}]"] = ["closes must be after opens"]; }
        }
        if (list.GroupBy(h => h.Day).Any(g => g.Count() > 1)) { errors["hours"] = ["one entry per weekday"]; }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new OperatingRoom
        {
            Id = id.Trim(), Name = string.IsNullOrWhiteSpace(name) ? id.Trim() : name.Trim(),
            Capabilities = [.. capabilities.Select(c => c.Trim().ToLowerInvariant()).Distinct()], Hours = list, TurnoverMinutes = turnoverMinutes,
        };
    }

    public void Close(DateOnly date)
    {
        if (!Closures.Contains(date))
        {
            Closures.Add(date);
        }
    }

    /// <summary>Allocates a weekly block to a surgeon; it must lie inside the room's hours and not overlap another block.</summary>
    public void AddBlock(DayOfWeek day, string surgeon, TimeOnly opens, TimeOnly closes)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(surgeon)) { errors["surgeon"] = ["required"]; }
        if (closes <= opens) { errors["closes"] = ["must be after opens"]; }
        else if (Hours.FirstOrDefault(h => h.Day == day) is not { } h || opens < h.Opens || closes > h.Closes)
        {
            errors["opens"] = [$"the block must lie inside {Id}'s hours on {day}"];
        }
        else if (Blocks.FirstOrDefault(b => b.Day == day && opens < b.Closes && b.Opens < closes) is { } other)
        {
            errors["opens"] = [$"overlaps {other.Surgeon}'s block {other.Opens:HH:mm}–{other.Closes:HH:mm} on {day}"];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        Blocks.Add(new SurgeonBlock { Day = day, Surgeon = surgeon.Trim(), Opens = opens, Closes = closes });
    }

    public void RemoveBlock(DayOfWeek day, TimeOnly opens) => Blocks.RemoveAll(b => b.Day == day && b.Opens == opens);

    /// <summary>
    /// A booking outside the surgeon's block on a weekday the room is allocated by blocks is a soft conflict:
    /// schedulers release unused block time with a reason. Rooms without blocks that day are open booking.
    /// </summary>
    public Conflict? BlockConflict(DateOnly date, string surgeon, TimeOnly start, TimeOnly end)
    {
        var blocks = Blocks.Where(b => b.Day == date.DayOfWeek).ToList();
        if (blocks.Count == 0 || blocks.Any(b => string.Equals(b.Surgeon, surgeon, StringComparison.OrdinalIgnoreCase) && b.Opens <= start && end <= b.Closes))
        {
            return null;
        }
        return new Conflict("outside-block", $"{start:HH:mm}–{end:HH:mm} is outside {surgeon}'s block in {Id} on {date.DayOfWeek}s (blocks: "
            + string.Join(", ", blocks.OrderBy(b => b.Opens).Select(b => $"{b.Surgeon} {b.Opens:HH:mm}–{b.Closes:HH:mm}")) + ")", Soft: true);
    }

    /// <summary>Opening hours on a date, or null when closed.</summary>
    public (TimeOnly Opens, TimeOnly Closes)? OpenOn(DateOnly date) =>
        Closures.Contains(date) ? null : Hours.FirstOrDefault(h => h.Day == date.DayOfWeek) is { } h ? (h.Opens, h.Closes) : null;
}
