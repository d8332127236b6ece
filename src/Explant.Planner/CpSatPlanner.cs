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

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bound = LowerBound(problem, settings with { TimeLimitSeconds = Math.Max(0.5, settings.TimeLimitSeconds * 0.1), Progress = null });
        // The whole model pays off on small instances; on large ones the time goes to the neighbourhood search.
        var mainShare = problem.Cases.Count <= 150 ? 0.35 : 0.05;
        var main = Main(problem, Window.Whole(problem), hint, settings with { TimeLimitSeconds = Math.Max(0.5, settings.TimeLimitSeconds * mainShare) });
        if (main is not null || hint is not null)
        {
            main = Improve(problem, (main ?? hint)!, settings, settings.TimeLimitSeconds * 0.95 - clock.Elapsed.TotalSeconds);
        }
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
        // Reproducible for a seed: interleaved workers stop on a deterministic budget (about 0.4 of the limit: one
        // unit took ~2 s of wall time on our 2-core machines); the wall-clock limit keeps the promised time on a
        // loaded machine, where a run may then stop earlier than its deterministic budget.
        StringParameters = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"num_workers:{s.Workers},random_seed:{s.Seed},interleave_search:true,max_deterministic_time:{s.TimeLimitSeconds * 0.4},max_time_in_seconds:{s.TimeLimitSeconds}"),
    };

    private sealed class Progress(Action<long, long, double> report) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback() => report((long)ObjectiveValue(), (long)BestObjectiveBound(), WallTime());
    }

    /// <summary>
    /// The part of the problem a model solves: the free cases within [FirstDay, LastDay]; everything else stays as
    /// it is, using room minutes (Σ duration + turnover), surgeon minutes and rooms on its days.
    /// </summary>
    private sealed record Window(IReadOnlyList<PlanCase> Cases, int FirstDay, int LastDay,
        IReadOnlyDictionary<(int Day, string Room), int> UsedMinutes, IReadOnlyDictionary<(string Surgeon, int Day), string> FixedRoom,
        IReadOnlyDictionary<(string Surgeon, int Day), int> FixedLoad, IReadOnlyList<(PlanCase Case, int Day, string Room)> Fixed)
    {
        public static Window Whole(Problem p) => new(p.Cases, 0, p.Days - 1, new Dictionary<(int, string), int>(),
            new Dictionary<(string, int), string>(), new Dictionary<(string, int), int>(), []);
    }

    /// <summary>
    /// Large-neighbourhood search: repeatedly frees the cases of a few consecutive days (plus optional cases that
    /// could go there), keeps the rest fixed, and re-solves that window exactly; a better valid plan replaces the
    /// current one. The iteration count is fixed by the time limit, so a seed gives the same plan on a quiet machine.
    /// </summary>
    private static Plan Improve(Problem problem, Plan start, SolverSettings settings, double seconds)
    {
        var best = start;
        if (seconds < 1 || problem.Days < 2)
        {
            return best;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rng = new Random(settings.Seed);
        var cases = problem.Cases.ToDictionary(c => c.Id);
        var width = Math.Min(problem.Days, 4);
        const double perIteration = 1.5;
        var iterations = Math.Max(1, (int)(seconds / perIteration));
        for (var i = 0; i < iterations && clock.Elapsed.TotalSeconds + perIteration < seconds; i++)
        {
            var first = rng.Next(problem.Days - width + 1);
            var last = first + width - 1;
            var placed = best.Assignments.Select(a => (Case: cases[a.CaseId], a.Day, Room: a.RoomId)).ToList();
            var free = placed.Where(p => p.Day >= first && p.Day <= last).Select(p => p.Case)
                .Concat(best.Unscheduled.Select(id => cases[id]).Where(c => c.ReleaseDay <= last && Layout.LastDay(problem, c) >= first))
                .ToList();
            var fixedPlaced = placed.Where(p => p.Day < first || p.Day > last).ToList();
            var window = new Window(free, first, last,
                new Dictionary<(int, string), int>(), new Dictionary<(string, int), string>(), new Dictionary<(string, int), int>(), fixedPlaced);
            var candidate = Main(problem, window, best, settings with { TimeLimitSeconds = perIteration, Progress = null });
            if (candidate is not null && candidate.Objective < best.Objective && PlanValidator.Validate(problem, candidate).Valid)
            {
                best = candidate;
                settings.Progress?.Invoke(best.Objective, 0, clock.Elapsed.TotalSeconds);
            }
        }
        return best;
    }

    private static Plan? Main(Problem problem, Window window, Plan? hint, SolverSettings settings)
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

        foreach (var c in window.Cases)
        {
            var vars = new List<BoolVar>();
            for (var d = Math.Max(c.ReleaseDay, window.FirstDay); d <= Math.Min(Layout.LastDay(problem, c), window.LastDay); d++)
            {
                var fixedRoom = window.FixedRoom.GetValueOrDefault((c.SurgeonId, d));
                var suitable = rooms.Where(r => Layout.HasAll(r, c) && r.MinutesByDay[d] >= c.DurationMinutes && (fixedRoom is null || r.Id == fixedRoom)).ToList();
                if (suitable.Count == 0 || surgeons[c.SurgeonId].MaxMinutesByDay[d] - window.FixedLoad.GetValueOrDefault((c.SurgeonId, d)) < c.DurationMinutes)
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
        foreach (var group in window.Cases.GroupBy(c => c.SurgeonId))
        {
            for (var d = window.FirstDay; d <= window.LastDay; d++)
            {
                var cs = group.Where(c => y.ContainsKey((c.Id, d))).ToList();
                var zs = rooms.Where(r => z.ContainsKey((group.Key, d, r.Id))).Select(r => (Room: r, Var: z[(group.Key, d, r.Id)])).ToList();
                if (cs.Count == 0)
                {
                    continue;
                }
                var count = LinearExpr.Sum(cs.Select(c => y[(c.Id, d)]));
                var load = LinearExpr.WeightedSum(cs.Select(c => y[(c.Id, d)]), cs.Select(c => (long)c.DurationMinutes));
                model.Add(load <= surgeons[group.Key].MaxMinutesByDay[d] - window.FixedLoad.GetValueOrDefault((group.Key, d)));
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
            var used = window.UsedMinutes.GetValueOrDefault((d, r));
            // A room-day already used by fixed cases is open anyway: no opening cost, less room left.
            model.Add(LinearExpr.Sum(ms) <= LinearExpr.Term(open[(d, r)], room.MinutesByDay[d] + problem.TurnoverMinutes - used));
            objective.Add(LinearExpr.Term(open[(d, r)], used > 0 ? 0 : w.OpenRoomDay));
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
        var placed = new List<(PlanCase, int, string)>(window.Fixed);
        var unscheduled = problem.Cases.Where(c => !window.Cases.Contains(c) && !window.Fixed.Any(f => f.Case == c)).Select(c => c.Id).ToList();
        foreach (var c in window.Cases)
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
