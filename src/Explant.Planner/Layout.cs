namespace Explant.Planner;

/// <summary>
/// The shape both solvers produce: each surgeon works in at most one room per day, so a surgeon's cases on a
/// day are consecutive in one room and can never overlap across rooms; a room-day then only has to fit
/// Σ(duration + turnover) ≤ open minutes + turnover. Start minutes follow by laying cases end to end.
/// </summary>
internal static class Layout
{
    public static List<Assignment> Sequence(Problem problem, IEnumerable<(PlanCase Case, int Day, string RoomId)> placed)
    {
        var result = new List<Assignment>();
        foreach (var roomDay in placed.GroupBy(p => (p.Day, p.RoomId)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.RoomId, StringComparer.Ordinal))
        {
            var t = 0;
            foreach (var p in roomDay.OrderBy(p => p.Case.SurgeonId, StringComparer.Ordinal).ThenBy(p => p.Case.Id, StringComparer.Ordinal))
            {
                result.Add(new Assignment(p.Case.Id, roomDay.Key.Day, roomDay.Key.RoomId, t));
                t += p.Case.DurationMinutes + problem.TurnoverMinutes;
            }
        }
        return result;
    }

    public static bool HasAll(Room room, PlanCase c) => c.Requires.All(room.Capabilities.Contains);

    public static int LastDay(Problem problem, PlanCase c) => c.DueDay ?? problem.Days - 1;

    /// <summary>Why a case cannot be placed at all, whatever else is scheduled (for the infeasibility report).</summary>
    public static string? Impossible(Problem problem, PlanCase c)
    {
        var surgeon = problem.Surgeons.First(s => s.Id == c.SurgeonId);
        var days = Enumerable.Range(c.ReleaseDay, LastDay(problem, c) - c.ReleaseDay + 1).ToList();
        if (!problem.Rooms.Any(r => HasAll(r, c)))
        {
            return $"no room has {string.Join(", ", c.Requires)}";
        }
        if (days.All(d => surgeon.MaxMinutesByDay[d] < c.DurationMinutes))
        {
            return $"surgeon {c.SurgeonId} has fewer than {c.DurationMinutes} minutes on every day {c.ReleaseDay}–{LastDay(problem, c)}";
        }
        if (days.All(d => problem.Rooms.Where(r => HasAll(r, c)).All(r => r.MinutesByDay[d] < c.DurationMinutes) || surgeon.MaxMinutesByDay[d] < c.DurationMinutes))
        {
            return $"no suitable room is open {c.DurationMinutes} minutes on a day the surgeon works, days {c.ReleaseDay}–{LastDay(problem, c)}";
        }
        return null;
    }
}
