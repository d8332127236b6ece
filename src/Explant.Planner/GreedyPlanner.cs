namespace Explant.Planner;

/// <summary>
/// The baseline: mandatory cases first, by due day, release day and length; each goes to the cheapest day and
/// room that still fits (delay, then opening a new room-day), keeping a surgeon in one room per day.
/// </summary>
public static class GreedyPlanner
{
    public static Plan Solve(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var w = problem.Weights;
        var roomUsed = new Dictionary<(int Day, string Room), int>();       // Σ duration + turnover·(n−1)
        var surgeonRoom = new Dictionary<(string Surgeon, int Day), string>();
        var surgeonLoad = new Dictionary<(string Surgeon, int Day), int>();
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var placed = new List<(PlanCase, int, string)>();
        var unscheduled = new List<string>();
        var failed = new List<(string, string)>();

        var order = problem.Cases
            .OrderByDescending(c => c.Mandatory)
            .ThenBy(c => Layout.LastDay(problem, c))
            .ThenBy(c => c.ReleaseDay)
            .ThenByDescending(c => c.DurationMinutes)
            .ThenBy(c => c.Id, StringComparer.Ordinal);

        foreach (var c in order)
        {
            (int Day, Room Room, long Cost, int Slack)? best = null;
            for (var d = c.ReleaseDay; d <= Layout.LastDay(problem, c); d++)
            {
                var load = surgeonLoad.GetValueOrDefault((c.SurgeonId, d));
                if (load + c.DurationMinutes > surgeons[c.SurgeonId].MaxMinutesByDay[d])
                {
                    continue;
                }
                var fixedRoom = surgeonRoom.GetValueOrDefault((c.SurgeonId, d));
                foreach (var room in problem.Rooms.Where(r => Layout.HasAll(r, c) && (fixedRoom is null || r.Id == fixedRoom)))
                {
                    var used = roomUsed.GetValueOrDefault((d, room.Id));
                    var need = used == 0 ? c.DurationMinutes : used + problem.TurnoverMinutes + c.DurationMinutes;
                    if (need > room.MinutesByDay[d])
                    {
                        continue;
                    }
                    var cost = (long)w.DelayPerDay * (d - c.ReleaseDay) + (used == 0 ? w.OpenRoomDay : 0);
                    var slack = room.MinutesByDay[d] - need;
                    if (best is null || cost < best.Value.Cost || (cost == best.Value.Cost && slack < best.Value.Slack))
                    {
                        best = (d, room, cost, slack);
                    }
                }
            }
            // An optional case is only worth placing when that costs less than leaving it out.
            if (best is { } b && (c.Mandatory || b.Cost < w.UnscheduledOptional))
            {
                var key = (b.Day, b.Room.Id);
                var used = roomUsed.GetValueOrDefault(key);
                roomUsed[key] = used == 0 ? c.DurationMinutes : used + problem.TurnoverMinutes + c.DurationMinutes;
                surgeonRoom[(c.SurgeonId, b.Day)] = b.Room.Id;
                surgeonLoad[(c.SurgeonId, b.Day)] = surgeonLoad.GetValueOrDefault((c.SurgeonId, b.Day)) + c.DurationMinutes;
                placed.Add((c, b.Day, b.Room.Id));
            }
            else if (c.Mandatory)
            {
                failed.Add((c.Id, Layout.Impossible(problem, c) ?? "no room-day with enough time was left for it (greedy)"));
            }
            else
            {
                unscheduled.Add(c.Id);
            }
        }
        if (failed.Count > 0)
        {
            throw new InfeasibleException(failed);
        }
        var plan = new Plan(PlanStatus.Feasible, 0, 0, Layout.Sequence(problem, placed), unscheduled);
        return plan with { Objective = PlanValidator.Objective(problem, plan) };
    }
}
