namespace Explant.Planner;

/// <summary>
/// Checks a plan against every hard constraint of the scheduling issue, independently of how it was made, and
/// computes its true objective. Used by tests, benchmarks and the CLI (a planner bug can never ship a bad plan).
/// </summary>
public static class PlanValidator
{
    public sealed record Result(bool Valid, IReadOnlyList<string> Violations, long Objective);

    public static Result Validate(Problem problem, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        var v = new List<string>();
        var cases = problem.Cases.ToDictionary(c => c.Id);
        var rooms = problem.Rooms.ToDictionary(r => r.Id);
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);

        var seen = new Dictionary<string, int>();
        foreach (var id in plan.Assignments.Select(a => a.CaseId).Concat(plan.Unscheduled))
        {
            seen[id] = seen.GetValueOrDefault(id) + 1;
        }
        foreach (var c in problem.Cases)
        {
            var n = seen.GetValueOrDefault(c.Id);
            if (n != 1)
            {
                v.Add($"case {c.Id} appears {n} times (must be exactly once, assigned or unscheduled)");
            }
        }
        foreach (var id in seen.Keys.Where(id => !cases.ContainsKey(id)))
        {
            v.Add($"unknown case {id}");
        }
        foreach (var id in plan.Unscheduled.Where(id => cases.TryGetValue(id, out var c) && c.Mandatory))
        {
            v.Add($"mandatory case {id} is unscheduled");
        }

        var placed = new List<(PlanCase Case, Assignment A)>();
        foreach (var a in plan.Assignments)
        {
            if (!cases.TryGetValue(a.CaseId, out var c))
            {
                continue;
            }
            if (!rooms.TryGetValue(a.RoomId, out var room))
            {
                v.Add($"case {c.Id}: unknown room {a.RoomId}");
                continue;
            }
            if (a.Day < 0 || a.Day >= problem.Days || a.Day < c.ReleaseDay || (c.DueDay is { } due && a.Day > due))
            {
                v.Add($"case {c.Id}: day {a.Day} outside [{c.ReleaseDay}, {c.DueDay?.ToString() ?? "end"}] or the horizon");
                continue;
            }
            var missing = c.Requires.Except(room.Capabilities).ToList();
            if (missing.Count > 0)
            {
                v.Add($"case {c.Id}: room {room.Id} lacks {string.Join(", ", missing)}");
            }
            if (a.StartMinute < 0 || a.StartMinute + c.DurationMinutes > room.MinutesByDay[a.Day])
            {
                v.Add($"case {c.Id}: [{a.StartMinute}, {a.StartMinute + c.DurationMinutes}) outside room {room.Id} day {a.Day} [0, {room.MinutesByDay[a.Day]})");
            }
            placed.Add((c, a));
        }

        foreach (var group in placed.GroupBy(p => (p.A.Day, p.A.RoomId)))
        {
            var ordered = group.OrderBy(p => p.A.StartMinute).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var prevEnd = ordered[i - 1].A.StartMinute + ordered[i - 1].Case.DurationMinutes;
                if (ordered[i].A.StartMinute < prevEnd + problem.TurnoverMinutes)
                {
                    v.Add($"room {group.Key.RoomId} day {group.Key.Day}: {ordered[i].Case.Id} starts {ordered[i].A.StartMinute}, before {ordered[i - 1].Case.Id} ends {prevEnd} + turnover {problem.TurnoverMinutes}");
                }
            }
        }
        foreach (var group in placed.GroupBy(p => (p.A.Day, p.Case.SurgeonId)))
        {
            var ordered = group.OrderBy(p => p.A.StartMinute).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].A.StartMinute < ordered[i - 1].A.StartMinute + ordered[i - 1].Case.DurationMinutes)
                {
                    v.Add($"surgeon {group.Key.SurgeonId} day {group.Key.Day}: {ordered[i - 1].Case.Id} and {ordered[i].Case.Id} overlap");
                }
            }
            var total = group.Sum(p => p.Case.DurationMinutes);
            if (surgeons.TryGetValue(group.Key.SurgeonId, out var s) && total > s.MaxMinutesByDay[group.Key.Day])
            {
                v.Add($"surgeon {group.Key.SurgeonId} day {group.Key.Day}: {total} min over the limit {s.MaxMinutesByDay[group.Key.Day]}");
            }
        }

        return new Result(v.Count == 0, v, Objective(problem, plan));
    }

    /// <summary>The issue's objective, computed from the plan alone.</summary>
    public static long Objective(Problem problem, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        var w = problem.Weights;
        var cases = problem.Cases.ToDictionary(c => c.Id);
        long total = 0;
        total += (long)w.UnscheduledOptional * plan.Unscheduled.Count(id => cases.TryGetValue(id, out var c) && !c.Mandatory);
        total += (long)w.DelayPerDay * plan.Assignments.Where(a => cases.ContainsKey(a.CaseId)).Sum(a => (long)(a.Day - cases[a.CaseId].ReleaseDay));
        total += (long)w.OpenRoomDay * plan.Assignments.Select(a => (a.Day, a.RoomId)).Distinct().Count();
        total += (long)w.SurgeonRoomSwitch * plan.Assignments.Where(a => cases.ContainsKey(a.CaseId))
            .GroupBy(a => (a.Day, cases[a.CaseId].SurgeonId))
            .Sum(g => (long)(g.Select(a => a.RoomId).Distinct().Count() - 1));
        return total;
    }
}
