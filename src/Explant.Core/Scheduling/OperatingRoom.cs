using Explant.Core.Data;

namespace Explant.Core.Scheduling;

public sealed class WeeklyHours
{
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

/// <summary>An operating room: what it can do, when it is open, and its turnover time (DOMAIN.md §8.1 ⚠ local settings).</summary>
public sealed class OperatingRoom : IVersioned
{
    private OperatingRoom() { }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public List<string> Capabilities { get; private set; } = [];
    public List<WeeklyHours> Hours { get; private set; } = [];
    public List<DateOnly> Closures { get; private set; } = [];
    public int TurnoverMinutes { get; private set; }
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

    /// <summary>Opening hours on a date, or null when closed.</summary>
    public (TimeOnly Opens, TimeOnly Closes)? OpenOn(DateOnly date) =>
        Closures.Contains(date) ? null : Hours.FirstOrDefault(h => h.Day == date.DayOfWeek) is { } h ? (h.Opens, h.Closes) : null;
}
