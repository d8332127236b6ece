using Google.OrTools.Sat;

namespace Explant.Planner;

public sealed record SolverSettings(double TimeLimitSeconds = 30, int Workers = 2, int Seed = 1, Action<long, long, double>? Progress = null);

/// <summary>
/// CP-SAT on the decomposed model (see <see cref="Layout"/>): case → day, surgeon → room per day, room-day
/// capacity with turnover, surgeon daily limits, capabilities; hinted with the greedy plan; start times follow.
/// A relaxation (rooms pooled per day and capability, no surgeon overlap) gives the reported lower bound, which is
/// therefore valid for the original problem, not only for the decomposed one.
/// </summary>
public static class CpSatPlanner
{
    public static Plan Solve(Problem problem, SolverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(settings);
        Plan? hint = null;
        try
        {
            hint = GreedyPlanner.Solve(problem);
        }
        catch (InfeasibleException)
        {
            // The exact model may still place what the greedy could not.
        }
        var impossible = problem.Cases.Where(c => c.Mandatory).Select(c => (c.Id, Why: Layout.Impossible(problem, c))).Where(x => x.Why is not null).ToList();
        if (impossible.Count > 0)
        {
            throw new InfeasibleException([.. impossible.Select(x => (x.Id, x.Why!))]);
        }

        var bound = LowerBound(problem, settings with { TimeLimitSeconds = Math.Max(1, settings.TimeLimitSeconds * 0.15), Progress = null });
        var main = Main(problem, hint, settings with { TimeLimitSeconds = Math.Max(1, settings.TimeLimitSeconds * 0.85) });
        if (main is null)
        {
            if (hint is null)
            {
                throw new InfeasibleException([.. problem.Cases.Where(c => c.Mandatory).Select(c => (c.Id, "no plan found that fits every mandatory case (CP-SAT: infeasible or out of time)"))]);
            }
            main = hint;
        }
        // Never worse than the baseline we already hold.
        var best = hint is not null && hint.Objective < main.Objective ? hint : main;
        var lower = Math.Min(bound, best.Objective);
        return best with { LowerBound = lower, Status = lower == best.Objective ? PlanStatus.Optimal : PlanStatus.Feasible };
    }

    private static CpSolver Solver(SolverSettings s) => new()
    {
        // Deterministic for a seed: interleaved workers and a deterministic time budget; the wall-clock limit is a safety net.
        StringParameters = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"num_workers:{s.Workers},random_seed:{s.Seed},interleave_search:true,max_deterministic_time:{s.TimeLimitSeconds},max_time_in_seconds:{s.TimeLimitSeconds * 2 + 5}"),
    };

    private sealed class Progress(Action<long, long, double> report) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback() => report((long)ObjectiveValue(), (long)BestObjectiveBound(), WallTime());
    }

    private static Plan? Main(Problem problem, Plan? hint, SolverSettings settings)
    {
        var model = new CpModel();
        var w = problem.Weights;
        var rooms = problem.Rooms;
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var y = new Dictionary<(string Case, int Day), BoolVar>();
        var z = new Dictionary<(string Surgeon, int Day, string Room), BoolVar>();
        var open = new Dictionary<(int Day, string Room), BoolVar>();
        var objective = new List<LinearExpr>();
        long constant = 0;

        BoolVar Z(string s, int d, string r)
        {
            if (!z.TryGetValue((s, d, r), out var v))
            {
                v = model.NewBoolVar($"z_{s}_{d}_{r}");
                z[(s, d, r)] = v;
            }
            return v;
        }

        foreach (var c in problem.Cases)
        {
            var vars = new List<BoolVar>();
            for (var d = c.ReleaseDay; d <= Layout.LastDay(problem, c); d++)
            {
                var suitable = rooms.Where(r => Layout.HasAll(r, c) && r.MinutesByDay[d] >= c.DurationMinutes).ToList();
                if (suitable.Count == 0 || surgeons[c.SurgeonId].MaxMinutesByDay[d] < c.DurationMinutes)
                {
                    continue;
                }
                var v = model.NewBoolVar($"y_{c.Id}_{d}");
                y[(c.Id, d)] = v;
                vars.Add(v);
                model.Add(LinearExpr.Sum(suitable.Select(r => Z(c.SurgeonId, d, r.Id)))>= 1).OnlyEnforceIf(v);
                if (d > c.ReleaseDay && w.DelayPerDay > 0)
                {
                    objective.Add(LinearExpr.Term(v, (long)w.DelayPerDay * (d - c.ReleaseDay)));
                }
            }
            if (c.Mandatory)
            {
                model.Add(LinearExpr.Sum(vars) == 1);
            }
            else
            {
                model.Add(LinearExpr.Sum(vars) <= 1);
                constant += w.UnscheduledOptional;
                foreach (var v in vars)
                {
                    objective.Add(LinearExpr.Term(v, -w.UnscheduledOptional));
                }
            }
        }

        var byRoomDay = new Dictionary<(int Day, string Room), List<IntVar>>();
        foreach (var group in problem.Cases.GroupBy(c => c.SurgeonId))
        {
            for (var d = 0; d < problem.Days; d++)
            {
                var cs = group.Where(c => y.ContainsKey((c.Id, d))).ToList();
                var zs = rooms.Where(r => z.ContainsKey((group.Key, d, r.Id))).Select(r => (Room: r, Var: z[(group.Key, d, r.Id)])).ToList();
                if (cs.Count == 0)
                {
                    continue;
                }
                var count = LinearExpr.Sum(cs.Select(c => y[(c.Id, d)]));
                var load = LinearExpr.WeightedSum(cs.Select(c => y[(c.Id, d)]), cs.Select(c => (long)c.DurationMinutes));
                model.Add(load <= surgeons[group.Key].MaxMinutesByDay[d]);
                model.Add(LinearExpr.Sum(zs.Select(x => x.Var)) <= 1);
                model.Add(LinearExpr.Sum(zs.Select(x => x.Var)) <= count);
                var maxT = cs.Sum(c => c.DurationMinutes + problem.TurnoverMinutes);
                var t = model.NewIntVar(0, maxT, $"t_{group.Key}_{d}");
                model.Add(t == load + count * problem.TurnoverMinutes);
                foreach (var (room, zv) in zs)
                {
                    var m = model.NewIntVar(0, maxT, $"m_{group.Key}_{d}_{room.Id}");
                    model.Add(m == t).OnlyEnforceIf(zv);
                    model.Add(m == 0).OnlyEnforceIf(zv.Not());
                    if (!byRoomDay.TryGetValue((d, room.Id), out var list))
                    {
                        byRoomDay[(d, room.Id)] = list = [];
                        open[(d, room.Id)] = model.NewBoolVar($"open_{d}_{room.Id}");
                    }
                    list.Add(m);
                    model.AddImplication(zv, open[(d, room.Id)]);
                }
            }
        }
        foreach (var ((d, r), ms) in byRoomDay)
        {
            var room = rooms.First(x => x.Id == r);
            model.Add(LinearExpr.Sum(ms) <= LinearExpr.Term(open[(d, r)], room.MinutesByDay[d] + problem.TurnoverMinutes));
            objective.Add(LinearExpr.Term(open[(d, r)], w.OpenRoomDay));
        }
        model.Minimize(LinearExpr.Sum(objective) + constant);

        if (hint is not null)
        {
            var assigned = hint.Assignments.ToDictionary(a => a.CaseId);
            var cases = problem.Cases.ToDictionary(c => c.Id);
            foreach (var ((cid, d), v) in y)
            {
                model.AddHint(v, assigned.TryGetValue(cid, out var a) && a.Day == d);
            }
            var used = hint.Assignments.Select(a => (cases[a.CaseId].SurgeonId, a.Day, a.RoomId)).ToHashSet();
            foreach (var (key, v) in z)
            {
                model.AddHint(v, used.Contains(key));
            }
            var openUsed = hint.Assignments.Select(a => (a.Day, a.RoomId)).ToHashSet();
            foreach (var (key, v) in open)
            {
                model.AddHint(v, openUsed.Contains(key));
            }
        }

        var solver = Solver(settings);
        var status = settings.Progress is { } p ? solver.Solve(model, new Progress(p)) : solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return null;
        }
        var placed = new List<(PlanCase, int, string)>();
        var unscheduled = new List<string>();
        foreach (var c in problem.Cases)
        {
            var day = y.Where(kv => kv.Key.Case == c.Id && solver.Value(kv.Value) == 1).Select(kv => (int?)kv.Key.Day).FirstOrDefault();
            if (day is not { } d)
            {
                unscheduled.Add(c.Id);
                continue;
            }
            var room = rooms.First(r => z.TryGetValue((c.SurgeonId, d, r.Id), out var zv) && solver.Value(zv) == 1 && Layout.HasAll(r, c));
            placed.Add((c, d, room.Id));
        }
        var plan = new Plan(PlanStatus.Feasible, 0, 0, Layout.Sequence(problem, placed), unscheduled);
        return plan with { Objective = PlanValidator.Objective(problem, plan) };
    }

    /// <summary>Best bound of a relaxation: rooms pooled per day (and per capability), surgeon overlap and room switches ignored.</summary>
    private static long LowerBound(Problem problem, SolverSettings settings)
    {
        var model = new CpModel();
        var w = problem.Weights;
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var y = new Dictionary<(string, int), BoolVar>();
        var objective = new List<LinearExpr>();
        long constant = 0;
        foreach (var c in problem.Cases)
        {
            var vars = new List<BoolVar>();
            for (var d = c.ReleaseDay; d <= Layout.LastDay(problem, c); d++)
            {
                if (!problem.Rooms.Any(r => Layout.HasAll(r, c) && r.MinutesByDay[d] >= c.DurationMinutes) || surgeons[c.SurgeonId].MaxMinutesByDay[d] < c.DurationMinutes)
                {
                    continue;
                }
                var v = model.NewBoolVar("");
                y[(c.Id, d)] = v;
                vars.Add(v);
                objective.Add(LinearExpr.Term(v, (long)w.DelayPerDay * (d - c.ReleaseDay)));
            }
            if (c.Mandatory)
            {
                model.Add(LinearExpr.Sum(vars) == 1);
            }
            else
            {
                model.Add(LinearExpr.Sum(vars) <= 1);
                constant += w.UnscheduledOptional;
                objective.AddRange(vars.Select(v => LinearExpr.Term(v, -w.UnscheduledOptional)));
            }
        }
        var capabilities = problem.Cases.SelectMany(c => c.Requires).Distinct().ToList();
        for (var d = 0; d < problem.Days; d++)
        {
            var open = problem.Rooms.ToDictionary(r => r.Id, r => model.NewBoolVar(""));
            objective.AddRange(open.Values.Select(o => LinearExpr.Term(o, w.OpenRoomDay)));
            var today = problem.Cases.Where(c => y.ContainsKey((c.Id, d))).ToList();
            // In any real plan a used room-day holds Σ(duration + turnover) ≤ minutes + turnover.
            foreach (var set in capabilities.Select(q => (string?)q).Prepend(null))
            {
                var cs = today.Where(c => set is null || c.Requires.Contains(set)).ToList();
                var rs = problem.Rooms.Where(r => set is null || r.Capabilities.Contains(set)).ToList();
                model.Add(LinearExpr.WeightedSum(cs.Select(c => y[(c.Id, d)]), cs.Select(c => (long)c.DurationMinutes + problem.TurnoverMinutes))
                    <= LinearExpr.WeightedSum(rs.Select(r => open[r.Id]), rs.Select(r => (long)r.MinutesByDay[d] + problem.TurnoverMinutes)));
            }
            foreach (var g in today.GroupBy(c => c.SurgeonId))
            {
                model.Add(LinearExpr.WeightedSum(g.Select(c => y[(c.Id, d)]), g.Select(c => (long)c.DurationMinutes)) <= surgeons[g.Key].MaxMinutesByDay[d]);
            }
        }
        model.Minimize(LinearExpr.Sum(objective) + constant);
        var solver = Solver(settings);
        var status = solver.Solve(model);
        return status is CpSolverStatus.Optimal or CpSolverStatus.Feasible ? (long)Math.Ceiling(solver.BestObjectiveBound - 1e-6) : 0;
    }
}
