using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;

namespace Explant.Planner;

public sealed record SolverSettings(double TimeLimitSeconds = 30, int Workers = 2, int Seed = 1, Action<long, long, double>? Progress = null)
{
    /// <summary>
    /// Test hook: multiplies every CP-SAT deterministic budget, so a test can starve the search (a tiny factor) the
    /// way a busy machine or a short limit would, and check that the greedy incumbent still comes back.
    /// </summary>
    internal double WorkScale { get; init; } = 1;

    /// <summary>Test hook: wall-clock time lost before every CP-SAT solve (a machine busy with other work).</summary>
    internal TimeSpan StallBeforeEachSolve { get; init; }
}

/// <summary>
/// CP-SAT on the decomposed model (see <see cref="Layout"/>): case → day and room, surgeon → one room per day,
/// room-day capacity with turnover, surgeon daily limits, capabilities; start times follow. A relaxation (rooms
/// pooled per day and capability, no surgeon overlap) gives the reported lower bound, valid for the original
/// problem, and its solution guides a day-by-day construction; large-neighbourhood search improves the start.
/// </summary>
public static class CpSatPlanner
{
    /// <summary>
    /// Never worse than the greedy baseline: its plan is computed first, handed to CP-SAT as a hint and kept as the
    /// incumbent. Whatever the limit or the machine's load, when the greedy places every mandatory case the answer is
    /// a valid plan whose objective is at most the greedy's; <see cref="InfeasibleException"/> only when the greedy
    /// fails too and CP-SAT finds nothing (or proves there is nothing) in the time.
    /// </summary>
    public static Plan Solve(Problem problem, SolverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(settings);
        Plan? baseline = null;
        InfeasibleException? greedyFailure = null;
        try
        {
            baseline = GreedyPlanner.Solve(problem);
        }
        catch (InfeasibleException e)
        {
            // The exact model may still place what the greedy could not.
            greedyFailure = e;
        }
        var impossible = problem.Cases.Where(c => c.Mandatory).Select(c => (c.Id, Why: Layout.Impossible(problem, c))).Where(x => x.Why is not null).ToList();
        if (impossible.Count > 0)
        {
            throw new InfeasibleException([.. impossible.Select(x => (x.Id, x.Why!))]);
        }
        Tuning.Value = settings;
        Plan? found;
        try
        {
            found = Search(problem, settings, baseline);
        }
        finally
        {
            Tuning.Value = null;
        }
        // The incumbent is checked independently: a search result that is invalid or not better never replaces it.
        if (found is not null && !PlanValidator.Validate(problem, found).Valid)
        {
            found = null;
        }
        var best = found is null || (baseline is not null && baseline.Objective < found.Objective) ? baseline : found;
        if (best is null)
        {
            // Neither the greedy nor CP-SAT placed every mandatory case: report the greedy's reasons, which name what was left.
            throw new InfeasibleException([.. (greedyFailure?.Cases ?? []).Select(c => (c.CaseId, c.Reason + "; CP-SAT found no plan either (infeasible or out of time)"))]);
        }
        return best;
    }

    /// <summary>The settings of the solve in progress on this flow (test hooks reach every CP-SAT call, parallel ones included).</summary>
    private static readonly AsyncLocal<SolverSettings?> Tuning = new();

    /// <summary>The relaxation, constructions and search, from the greedy plan when there is one; null when no plan was found.</summary>
    private static Plan? Search(Problem problem, SolverSettings settings, Plan? baseline)
    {
        var clock = Stopwatch.StartNew();
        var limit = settings.TimeLimitSeconds;
        var deadline = limit * 0.95;
        double Left() => deadline - clock.Elapsed.TotalSeconds;
        var workers = Math.Max(1, settings.Workers);
        // Work done so far in deterministic units (CP-SAT's clock plus model charges; side-by-side solves count once),
        // so the search's budget does not depend on how fast the wall clock ran.
        var (bound, guides, work) = Relaxation(problem, new Budget(Math.Max(0.5, limit * 0.2), limit * 0.035, workers, settings.Seed), baseline);

        // One construction per relaxation solution, side by side; the best start wins (the baseline included).
        var current = baseline;
        var built = new (Plan? Plan, double Work)[guides.Count];
        Parallel.For(0, guides.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
            built[i] = Left() > 0 ? Construct(problem, guides[i], settings.Seed + i, limit * 0.004, Left) : (null, 0));
        work += built.Select(b => b.Work).DefaultIfEmpty(0).Max();
        foreach (var (b, _) in built)
        {
            if (b is not null && (current is null || b.Objective < current.Objective))
            {
                current = b;
            }
        }
        if (current is not null && current != baseline)
        {
            settings.Progress?.Invoke(current.Objective, bound, clock.Elapsed.TotalSeconds);
        }
        if (current is null)
        {
            // No start at all: the whole model on its own, for half the time left.
            var seconds = Math.Max(0.5, Left() / 2);
            var whole = Window.Around(problem, new Dictionary<string, (int, string)>(), problem.Cases, 0, problem.Days - 1, home: false);
            var result = SolveWindow(problem, whole, null, new Budget(seconds, seconds * DetPerSecond, workers, settings.Seed), settings.Progress);
            work += result.Deterministic + result.Charge;
            if (result.Placed is not null)
            {
                current = ToPlan(problem, result.Placed);
            }
        }
        if (current is null)
        {
            return null;
        }
        current = Improve(problem, current, settings, bound, clock, deadline, deadline * DetPerSecond - work);

        // Never worse than the baseline we already hold.
        var best = baseline is not null && baseline.Objective < current.Objective ? baseline : current;
        var lower = Math.Min(bound, best.Objective);
        return best with { LowerBound = lower, Status = lower == best.Objective ? PlanStatus.Optimal : PlanStatus.Feasible };
    }

    /// <summary>
    /// A solve's limits. Deterministic time (CP-SAT's own work measure) ends a solve the same way on every run; the
    /// wall-clock seconds keep the promised time on a loaded machine, where a run may then stop earlier and differ.
    /// </summary>
    private sealed record Budget(double Seconds, double Deterministic, int Workers, int Seed);

    private static CpSolver Solver(Budget b, string extra = "")
    {
        var tuning = Tuning.Value;
        if (tuning is { StallBeforeEachSolve: var stall } && stall > TimeSpan.Zero)
        {
            Thread.Sleep(stall);
        }
        var deterministic = b.Deterministic * (tuning?.WorkScale ?? 1);
        return new()
        {
            StringParameters = string.Create(CultureInfo.InvariantCulture,
                $"num_workers:{b.Workers},random_seed:{b.Seed},{(b.Workers > 1 ? "interleave_search:true," : "")}max_deterministic_time:{Math.Max(tuning?.WorkScale < 1 ? 1e-9 : 0.001, deterministic)},max_time_in_seconds:{Math.Max(0.01, b.Seconds)}{(extra.Length > 0 ? "," + extra : "")}"),
        };
    }

    private sealed class Progress(Action<long, long, double> report) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback() => report((long)ObjectiveValue(), (long)BestObjectiveBound(), WallTime());
    }

    private static Dictionary<string, (int Day, string Room)> Placement(Plan plan) => plan.Assignments.ToDictionary(a => a.CaseId, a => (a.Day, a.RoomId));

    private static Plan ToPlan(Problem problem, IReadOnlyDictionary<string, (int Day, string Room)> place)
    {
        var placed = new List<(PlanCase, int, string)>();
        var unscheduled = new List<string>();
        foreach (var c in problem.Cases)
        {
            if (place.TryGetValue(c.Id, out var p))
            {
                placed.Add((c, p.Day, p.Room));
            }
            else
            {
                unscheduled.Add(c.Id);
            }
        }
        var plan = new Plan(PlanStatus.Feasible, 0, 0, Layout.Sequence(problem, placed), unscheduled);
        return plan with { Objective = PlanValidator.Objective(problem, plan) };
    }

    /// <summary>
    /// The part of the problem a model solves: the free cases, each on a day within [FirstDay, LastDay] (or back on
    /// its Home day); every other placed case stays where it is, using room minutes (Σ duration + turnover),
    /// surgeon minutes and the surgeon's room on its day.
    /// </summary>
    private sealed class Window
    {
        public required IReadOnlyList<PlanCase> Cases { get; init; }
        public int FirstDay { get; init; }
        public int LastDay { get; init; }
        public Dictionary<string, int> Home { get; } = [];
        public Dictionary<(int Day, string Room), int> Used { get; } = [];
        public Dictionary<(string Surgeon, int Day), string> FixedRoom { get; } = [];
        public Dictionary<(string Surgeon, int Day), int> FixedLoad { get; } = [];

        /// <summary>Mandatory cases that may stay out (construction only), at the reward given.</summary>
        public HashSet<string> Soft { get; } = [];

        /// <summary>What placing a case is worth instead of the optional-case weight (construction only).</summary>
        public Dictionary<string, long> Reward { get; } = [];

        public static Window Around(Problem problem, IReadOnlyDictionary<string, (int Day, string Room)> place, IReadOnlyList<PlanCase> free, int first, int last, bool home)
        {
            var w = new Window { Cases = free, FirstDay = first, LastDay = last };
            var ids = free.Select(c => c.Id).ToHashSet();
            foreach (var c in problem.Cases)
            {
                if (!place.TryGetValue(c.Id, out var p))
                {
                    continue;
                }
                if (ids.Contains(c.Id))
                {
                    if (home && (p.Day < first || p.Day > last))
                    {
                        w.Home[c.Id] = p.Day;
                    }
                    continue;
                }
                w.Used[(p.Day, p.Room)] = w.Used.GetValueOrDefault((p.Day, p.Room)) + c.DurationMinutes + problem.TurnoverMinutes;
                w.FixedRoom[(c.SurgeonId, p.Day)] = p.Room;
                w.FixedLoad[(c.SurgeonId, p.Day)] = w.FixedLoad.GetValueOrDefault((c.SurgeonId, p.Day)) + c.DurationMinutes;
            }
            return w;
        }
    }

    /// <summary>A window's placement (null: none found), CP-SAT's deterministic time, optimality, and a deterministic charge for building the model.</summary>
    private sealed record WindowResult(Dictionary<string, (int Day, string Room)>? Placed, double Deterministic, bool Optimal, double Charge = 0);

    /// <summary>
    /// Solves a window exactly (within the budget): x[case, day, room]; a surgeon uses at most one room a day; a
    /// room-day holds Σ(duration + turnover) ≤ open minutes + turnover. Returns the whole placement (fixed cases
    /// included) or null. With a hint (the current placement) the solver starts from it, so it never returns worse.
    /// </summary>
    private static WindowResult SolveWindow(Problem problem, Window win, IReadOnlyDictionary<string, (int Day, string Room)>? hint, Budget budget, Action<long, long, double>? progress = null, string extra = "")
    {
        var model = new CpModel();
        var w = problem.Weights;
        var turnover = problem.TurnoverMinutes;
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var x = new List<(PlanCase Case, int Day, Room Room, BoolVar Var)>();
        var z = new Dictionary<(string Surgeon, int Day, string Room), BoolVar>();
        var roomLoad = new Dictionary<(int Day, string Room), (Room Room, List<BoolVar> Vars, List<long> Minutes)>();
        var surgeonLoad = new Dictionary<(string Surgeon, int Day), (List<BoolVar> Vars, List<long> Minutes)>();
        var objVars = new List<BoolVar>();
        var objCoeffs = new List<long>();
        long constant = 0;
        var softReward = 10L * (w.UnscheduledOptional + (long)w.DelayPerDay * problem.Days + w.OpenRoomDay) + 1000;

        foreach (var c in win.Cases)
        {
            var surgeon = surgeons[c.SurgeonId];
            var vars = new List<BoolVar>();
            var days = Enumerable.Range(Math.Max(c.ReleaseDay, win.FirstDay), Math.Max(0, Math.Min(Layout.LastDay(problem, c), win.LastDay) - Math.Max(c.ReleaseDay, win.FirstDay) + 1));
            if (win.Home.TryGetValue(c.Id, out var homeDay))
            {
                days = days.Append(homeDay);
            }
            var reward = win.Reward.TryGetValue(c.Id, out var r0) ? r0 : c.Mandatory ? softReward : w.UnscheduledOptional;
            foreach (var d in days)
            {
                if (surgeon.MaxMinutesByDay[d] - win.FixedLoad.GetValueOrDefault((c.SurgeonId, d)) < c.DurationMinutes)
                {
                    continue;
                }
                var fixedRoom = win.FixedRoom.GetValueOrDefault((c.SurgeonId, d));
                foreach (var room in problem.Rooms)
                {
                    if (!Layout.HasAll(room, c) || room.MinutesByDay[d] < c.DurationMinutes || (fixedRoom is not null && fixedRoom != room.Id)
                        || room.MinutesByDay[d] + turnover - win.Used.GetValueOrDefault((d, room.Id)) < c.DurationMinutes + turnover)
                    {
                        continue;
                    }
                    var v = model.NewBoolVar("");
                    x.Add((c, d, room, v));
                    vars.Add(v);
                    if (!z.TryGetValue((c.SurgeonId, d, room.Id), out var zv))
                    {
                        z[(c.SurgeonId, d, room.Id)] = zv = model.NewBoolVar("");
                    }
                    model.AddImplication(v, zv);
                    if (!roomLoad.TryGetValue((d, room.Id), out var rl))
                    {
                        roomLoad[(d, room.Id)] = rl = (room, [], []);
                    }
                    rl.Vars.Add(v);
                    rl.Minutes.Add(c.DurationMinutes + turnover);
                    if (!surgeonLoad.TryGetValue((c.SurgeonId, d), out var sl))
                    {
                        surgeonLoad[(c.SurgeonId, d)] = sl = ([], []);
                    }
                    sl.Vars.Add(v);
                    sl.Minutes.Add(c.DurationMinutes);
                    var cost = (long)w.DelayPerDay * (d - c.ReleaseDay) - (c.Mandatory && !win.Soft.Contains(c.Id) ? 0 : reward);
                    if (cost != 0)
                    {
                        objVars.Add(v);
                        objCoeffs.Add(cost);
                    }
                }
            }
            if (c.Mandatory && !win.Soft.Contains(c.Id))
            {
                if (vars.Count == 0)
                {
                    return new WindowResult(null, 0, false, 0.001);
                }
                model.AddExactlyOne(vars);
            }
            else
            {
                model.AddAtMostOne(vars);
                constant += reward;
            }
        }
        foreach (var group in z.GroupBy(kv => (kv.Key.Surgeon, kv.Key.Day)))
        {
            model.AddAtMostOne(group.Select(kv => kv.Value));
        }
        foreach (var ((s, d), load) in surgeonLoad)
        {
            model.Add(LinearExpr.WeightedSum(load.Vars, load.Minutes) <= surgeons[s].MaxMinutesByDay[d] - win.FixedLoad.GetValueOrDefault((s, d)));
        }
        var open = new Dictionary<(int Day, string Room), BoolVar>();
        foreach (var ((d, r), load) in roomLoad)
        {
            var used = win.Used.GetValueOrDefault((d, r));
            var left = load.Room.MinutesByDay[d] + turnover - used;
            if (used > 0)
            {
                // Already open for the fixed cases: no opening cost, less room left.
                model.Add(LinearExpr.WeightedSum(load.Vars, load.Minutes) <= left);
                continue;
            }
            var o = model.NewBoolVar("");
            open[(d, r)] = o;
            model.Add(LinearExpr.WeightedSum(load.Vars, load.Minutes) <= LinearExpr.Term(o, left));
            foreach (var v in load.Vars)
            {
                model.AddImplication(v, o);
            }
            if (w.OpenRoomDay != 0)
            {
                objVars.Add(o);
                objCoeffs.Add(w.OpenRoomDay);
            }
        }
        model.Minimize(LinearExpr.WeightedSum(objVars, objCoeffs) + constant);

        if (hint is not null)
        {
            var usedZ = new HashSet<(string, int, string)>();
            var usedOpen = new HashSet<(int, string)>();
            foreach (var (c, d, room, v) in x)
            {
                var on = hint.TryGetValue(c.Id, out var p) && p.Day == d && p.Room == room.Id;
                model.AddHint(v, on);
                if (on)
                {
                    usedZ.Add((c.SurgeonId, d, room.Id));
                    usedOpen.Add((d, room.Id));
                }
            }
            foreach (var (key, v) in z)
            {
                model.AddHint(v, usedZ.Contains(key));
            }
            foreach (var (key, v) in open)
            {
                model.AddHint(v, usedOpen.Contains(key));
            }
        }

        using var solver = Solver(budget, extra);
        var status = progress is { } p0 ? solver.Solve(model, new Progress(p0)) : solver.Solve(model);
        var det = solver.Response?.DeterministicTime ?? 0;
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return new WindowResult(null, det, false, ModelCharge(x.Count));
        }
        var free = win.Cases.Select(c => c.Id).ToHashSet();
        var placed = new Dictionary<string, (int Day, string Room)>();
        if (hint is not null)
        {
            foreach (var (id, p) in hint)
            {
                if (!free.Contains(id))
                {
                    placed[id] = p;
                }
            }
        }
        foreach (var (c, d, room, v) in x)
        {
            if (solver.BooleanValue(v))
            {
                placed[c.Id] = (d, room.Id);
            }
        }
        return new WindowResult(placed, det, status == CpSolverStatus.Optimal, ModelCharge(x.Count));
    }

    /// <summary>Building, loading and presolving a model costs time CP-SAT's deterministic clock does not fully see.</summary>
    private static double ModelCharge(int variables) => 0.002 + 2e-5 * variables;

    /// <summary>The last day a case could go at all (its surgeon works long enough and a suitable room is open long enough).</summary>
    private static int LastFeasibleDay(Problem problem, Surgeon surgeon, PlanCase c)
    {
        for (var d = Layout.LastDay(problem, c); d >= c.ReleaseDay; d--)
        {
            if (surgeon.MaxMinutesByDay[d] >= c.DurationMinutes && problem.Rooms.Any(r => Layout.HasAll(r, c) && r.MinutesByDay[d] >= c.DurationMinutes))
            {
                return d;
            }
        }
        return -1;
    }

    /// <summary>
    /// A start better than the baseline: the relaxation says which cases to take and on which day (it weighs every
    /// case against every other, which a one-pass greedy cannot); each day is then packed exactly into rooms, in day
    /// order. A case that does not fit its day moves on to the next day it may use; a mandatory case on its last
    /// possible day must fit. Other optional cases may fill what is left of a day. Null when a mandatory case is left.
    /// </summary>
    private static (Plan? Plan, double Work) Construct(Problem problem, IReadOnlyDictionary<string, int> target, int seed, double detPerDay, Func<double> left)
    {
        var work = 0.0;
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var last = problem.Cases.ToDictionary(c => c.Id, c => LastFeasibleDay(problem, surgeons[c.SurgeonId], c));
        var w = problem.Weights;
        var place = new Dictionary<string, (int Day, string Room)>();
        var pending = new List<PlanCase>();
        var byDay = problem.Cases.Where(c => target.ContainsKey(c.Id)).GroupBy(c => target[c.Id]).ToDictionary(g => g.Key, g => g.ToList());
        var others = problem.Cases.Where(c => !c.Mandatory && !target.ContainsKey(c.Id)).ToList();
        for (var d = 0; d < problem.Days; d++)
        {
            if (left() <= 0)
            {
                return (null, work);
            }
            var wanted = pending.Where(c => c.ReleaseDay <= d && d <= last[c.Id]).Concat(byDay.GetValueOrDefault(d) ?? []).ToList();
            var extra = others.Where(c => !place.ContainsKey(c.Id) && c.ReleaseDay <= d && d <= last[c.Id]
                && (long)w.DelayPerDay * (d - c.ReleaseDay) < w.UnscheduledOptional).OrderBy(c => c.DurationMinutes).ThenBy(c => c.Id, StringComparer.Ordinal).Take(15).ToList();
            if (wanted.Count + extra.Count == 0 || problem.Rooms.All(r => r.MinutesByDay[d] == 0))
            {
                continue;
            }
            WindowResult? result = null;
            foreach (var strict in new[] { true, false })
            {
                var win = new Window { Cases = [.. wanted, .. extra], FirstDay = d, LastDay = d };
                foreach (var c in wanted.Where(c => c.Mandatory && (!strict || last[c.Id] > d)))
                {
                    win.Soft.Add(c.Id);
                }
                foreach (var c in extra)
                {
                    // Below what the relaxation chose, so those come first.
                    win.Reward[c.Id] = w.UnscheduledOptional - Math.Max(1, w.UnscheduledOptional / 5);
                }
                result = SolveWindow(problem, win, null, new Budget(Math.Max(0.05, Math.Min(left(), 2)), detPerDay, 1, seed));
                work += result.Deterministic + result.Charge;
                if (result.Placed is not null)
                {
                    break;
                }
            }
            if (result?.Placed is null)
            {
                return (null, work);
            }
            foreach (var (id, p) in result.Placed)
            {
                place[id] = p;
            }
            pending = [.. wanted.Where(c => !place.ContainsKey(c.Id) && last[c.Id] > d)];
        }
        var repaired = Repair(problem, place, seed, detPerDay * 5, left);
        return (repaired.Plan, work + repaired.Work);
    }

    /// <summary>
    /// Places the mandatory cases a construction left out: first where room is left, else by re-solving the days
    /// they may use with every case on those days free (optional cases may then give way). Null if that fails.
    /// </summary>
    private static (Plan? Plan, double Work) Repair(Problem problem, Dictionary<string, (int Day, string Room)> place, int seed, double det, Func<double> left)
    {
        var work = 0.0;
        var missing = problem.Cases.Where(c => c.Mandatory && !place.ContainsKey(c.Id) && !Insert(problem, place, c)).ToList();
        if (missing.Count > 0)
        {
            var first = missing.Min(c => c.ReleaseDay);
            var last = missing.Max(c => Layout.LastDay(problem, c));
            var free = problem.Cases.Where(c => missing.Contains(c) || (place.TryGetValue(c.Id, out var p) && p.Day >= first && p.Day <= last)).ToList();
            var result = SolveWindow(problem, Window.Around(problem, place, free, first, last, home: false), place,
                new Budget(Math.Max(0.05, left()), det, 1, seed));
            work += result.Deterministic + result.Charge;
            if (result.Placed is null)
            {
                return (null, work);
            }
            place = result.Placed;
        }
        return (ToPlan(problem, place), work);
    }

    /// <summary>Puts a case into the earliest room-day with room left, keeping its surgeon in one room that day.</summary>
    private static bool Insert(Problem problem, Dictionary<string, (int Day, string Room)> place, PlanCase c)
    {
        var cases = problem.Cases.ToDictionary(k => k.Id);
        var surgeon = problem.Surgeons.First(s => s.Id == c.SurgeonId);
        for (var d = c.ReleaseDay; d <= Layout.LastDay(problem, c); d++)
        {
            var mine = place.Where(kv => kv.Value.Day == d && cases[kv.Key].SurgeonId == c.SurgeonId).ToList();
            if (surgeon.MaxMinutesByDay[d] - mine.Sum(kv => cases[kv.Key].DurationMinutes) < c.DurationMinutes)
            {
                continue;
            }
            foreach (var room in problem.Rooms.Where(r => Layout.HasAll(r, c) && (mine.Count == 0 || mine[0].Value.Room == r.Id)))
            {
                var used = place.Where(kv => kv.Value == (d, room.Id)).Sum(kv => cases[kv.Key].DurationMinutes + problem.TurnoverMinutes);
                if (used + c.DurationMinutes + problem.TurnoverMinutes <= room.MinutesByDay[d] + problem.TurnoverMinutes && room.MinutesByDay[d] >= c.DurationMinutes)
                {
                    place[c.Id] = (d, room.Id);
                    return true;
                }
            }
        }
        return false;
    }

    private enum Kind
    {
        Days,
        DaysPull,
        Surgeons,
        RoomDays,
    }

    /// <summary>
    /// Large-neighbourhood search. Each round draws several neighbourhoods of the current plan and solves them side by
    /// side (one CP-SAT worker each, as many at a time as there are workers); the best improvement is applied, and so
    /// is every further one that touches none of the same cases, room-days or surgeon-days (then both stay valid and
    /// their gains add up). Kinds: consecutive days (with the optional cases that could go there); the same, plus
    /// cases elsewhere that could move into those days; a few surgeons' whole schedules; some rooms over a few days.
    /// Kinds that improve are drawn more often; neighbourhoods grow while their models solve to optimality and shrink
    /// when they do not. Every solve and the whole search stop on deterministic budgets (CP-SAT's work measure plus a
    /// charge per model), so a seed gives the same plan on a quiet machine; the wall clock always wins.
    /// </summary>
    private static Plan Improve(Problem problem, Plan start, SolverSettings settings, long bound, Stopwatch clock, double deadline, double detBudget)
    {
        var best = start;
        if (problem.Cases.Count == 0 || best.Objective <= bound || detBudget <= 0 || deadline - clock.Elapsed.TotalSeconds < 0.1)
        {
            return best;
        }
        var rng = new Random(settings.Seed);
        var threads = Math.Max(1, settings.Workers);
        var jobsPerRound = 2 * threads;
        var place = Placement(best);
        var workDays = Enumerable.Range(0, problem.Days).Where(d => problem.Rooms.Any(r => r.MinutesByDay[d] > 0)).ToList();
        if (workDays.Count == 0)
        {
            return best;
        }
        var cases = problem.Cases.ToDictionary(c => c.Id);
        var kinds = Enum.GetValues<Kind>();
        var score = kinds.ToDictionary(k => k, _ => 1.0);
        var size = Math.Min(problem.Cases.Count, 40.0);
        var detUsed = 0.0;
        var round = 0;
        var idle = 0;
        while (detUsed < detBudget && deadline - clock.Elapsed.TotalSeconds > 0.1 && idle < 200 && best.Objective > bound)
        {
            round++;
            var jobs = new (Kind Kind, Window Window)[jobsPerRound];
            for (var t = 0; t < jobsPerRound; t++)
            {
                var kind = Draw(rng, score);
                jobs[t] = (kind, Neighbourhood(problem, place, workDays, kind, (int)size, rng));
            }
            var results = new WindowResult[jobsPerRound];
            Parallel.For(0, jobsPerRound, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                results[t] = SolveWindow(problem, jobs[t].Window, place, new Budget(deadline - clock.Elapsed.TotalSeconds, PerSolve, 1, settings.Seed + round * jobsPerRound + t), extra: "linearization_level:2"));
            detUsed += results.Sum(r => r.Deterministic + r.Charge) / threads;
            // A neighbourhood that freed everything and was solved to optimality: nothing left to find.
            var exhausted = Enumerable.Range(0, jobsPerRound).Any(t => results[t].Optimal && jobs[t].Window.Cases.Count == problem.Cases.Count
                && jobs[t].Window.FirstDay == 0 && jobs[t].Window.LastDay == problem.Days - 1 && jobs[t].Window.Home.Count == 0);

            // What each result changes, and by how much it improves the plan.
            var moves = new List<(int Job, long Gain, Dictionary<string, (int Day, string Room)?> Changes, HashSet<(int, string)> RoomDays, HashSet<(string, int)> SurgeonDays)>();
            for (var t = 0; t < jobsPerRound; t++)
            {
                var r = results[t];
                var gain = 0L;
                if (r.Placed is not null)
                {
                    var changes = new Dictionary<string, (int Day, string Room)?>();
                    foreach (var c in jobs[t].Window.Cases)
                    {
                        var before = place.TryGetValue(c.Id, out var b) ? b : ((int, string)?)null;
                        var after = r.Placed.TryGetValue(c.Id, out var a) ? a : ((int, string)?)null;
                        if (before != after)
                        {
                            changes[c.Id] = after;
                        }
                    }
                    var roomDays = new HashSet<(int, string)>();
                    var surgeonDays = new HashSet<(string, int)>();
                    foreach (var (id, after) in changes)
                    {
                        foreach (var p in new[] { place.TryGetValue(id, out var b) ? b : ((int Day, string Room)?)null, after })
                        {
                            if (p is { } q)
                            {
                                roomDays.Add((q.Day, q.Room));
                                surgeonDays.Add((cases[id].SurgeonId, q.Day));
                            }
                        }
                    }
                    gain = best.Objective - ToPlan(problem, r.Placed).Objective;
                    if (changes.Count > 0 && gain >= 0)
                    {
                        moves.Add((t, gain, changes, roomDays, surgeonDays));
                    }
                }
                score[jobs[t].Kind] = 0.9 * score[jobs[t].Kind] + 0.1 * (gain > 0 ? 1 + Math.Min(gain, 100) / 20.0 : 0.2);
                size = r.Optimal ? Math.Min(size * 1.05, 400) : Math.Max(size * 0.93, 12);
            }
            if (moves.Count == 0)
            {
                idle++;
                if (exhausted)
                {
                    break;
                }
                continue;
            }
            var merged = new Dictionary<string, (int Day, string Room)>(place);
            var takenCases = new HashSet<string>();
            var takenRoomDays = new HashSet<(int, string)>();
            var takenSurgeonDays = new HashSet<(string, int)>();
            var total = 0L;
            foreach (var m in moves.OrderByDescending(m => m.Gain).ThenBy(m => m.Job))
            {
                if ((total > 0 && m.Gain == 0) || m.Changes.Keys.Any(takenCases.Contains) || m.RoomDays.Overlaps(takenRoomDays) || m.SurgeonDays.Overlaps(takenSurgeonDays))
                {
                    continue;
                }
                foreach (var (id, after) in m.Changes)
                {
                    if (after is { } a)
                    {
                        merged[id] = a;
                    }
                    else
                    {
                        merged.Remove(id);
                    }
                }
                takenCases.UnionWith(m.Changes.Keys);
                takenRoomDays.UnionWith(m.RoomDays);
                takenSurgeonDays.UnionWith(m.SurgeonDays);
                total += m.Gain;
                if (m.Gain == 0)
                {
                    break;
                }
            }
            var plan = ToPlan(problem, merged);
            if (plan.Objective > best.Objective || !PlanValidator.Validate(problem, plan).Valid)
            {
                // Cannot happen when the moves are independent; fall back to the single best one.
                var first = moves.OrderByDescending(m => m.Gain).ThenBy(m => m.Job).First();
                merged = results[first.Job].Placed!;
                plan = ToPlan(problem, merged);
                if (!PlanValidator.Validate(problem, plan).Valid)
                {
                    idle++;
                    continue;
                }
            }
            idle = plan.Objective < best.Objective ? 0 : idle + 1;
            if (plan.Objective < best.Objective)
            {
                settings.Progress?.Invoke(plan.Objective, bound, clock.Elapsed.TotalSeconds);
            }
            best = plan;
            place = merged;
            if (exhausted)
            {
                break;
            }
        }
        return best;
    }

    /// <summary>Deterministic budget of one neighbourhood solve.</summary>
    private const double PerSolve = 0.15;

    /// <summary>Deterministic-time units (with charges) the search does per wall-clock second on our quiet 2-core machine, a little low on purpose.</summary>
    private const double DetPerSecond = 0.33;

    private static Kind Draw(Random rng, Dictionary<Kind, double> score)
    {
        var total = score.Values.Sum();
        var pick = rng.NextDouble() * total;
        foreach (var (k, s) in score)
        {
            pick -= s;
            if (pick <= 0)
            {
                return k;
            }
        }
        return score.Keys.Last();
    }

    private static Window Neighbourhood(Problem problem, Dictionary<string, (int Day, string Room)> place, List<int> workDays, Kind kind, int size, Random rng)
    {
        var cases = problem.Cases;
        var unplaced = cases.Where(c => !place.ContainsKey(c.Id)).ToList();
        switch (kind)
        {
            case Kind.Surgeons:
            {
                var order = problem.Surgeons.Select(s => s.Id).OrderBy(_ => rng.Next()).ToList();
                var chosen = new HashSet<string>();
                var free = new List<PlanCase>();
                foreach (var s in order)
                {
                    if (free.Count >= size && chosen.Count > 0)
                    {
                        break;
                    }
                    chosen.Add(s);
                    free.AddRange(cases.Where(c => c.SurgeonId == s));
                }
                return Window.Around(problem, place, free, 0, problem.Days - 1, home: false);
            }
            case Kind.RoomDays:
            {
                var rooms = problem.Rooms.Select(r => r.Id).OrderBy(_ => rng.Next()).Take(Math.Max(1, (problem.Rooms.Count + 1) / 2)).ToHashSet();
                var i = rng.Next(workDays.Count);
                var first = workDays[i];
                var lastDay = first;
                var free = new List<PlanCase>();
                for (var j = i; j < workDays.Count && (free.Count < size * 2 / 3 || j == i); j++)
                {
                    lastDay = workDays[j];
                    free.AddRange(cases.Where(c => place.TryGetValue(c.Id, out var p) && p.Day == lastDay && rooms.Contains(p.Room)));
                }
                free.AddRange(Candidates(problem, unplaced, first, lastDay, size - free.Count, rng));
                return Window.Around(problem, place, free, first, lastDay, home: false);
            }
            default:
            {
                var i = rng.Next(workDays.Count);
                var free = new List<PlanCase>();
                var first = workDays[i];
                var lastDay = first;
                var target = kind == Kind.DaysPull ? size / 2 : size * 2 / 3;
                for (var j = i; j < workDays.Count && (free.Count < target || j == i); j++)
                {
                    lastDay = workDays[j];
                    free.AddRange(cases.Where(c => place.TryGetValue(c.Id, out var p) && p.Day == lastDay));
                }
                var inside = free.Count;
                if (kind == Kind.DaysPull)
                {
                    var movable = cases.Where(c => place.TryGetValue(c.Id, out var p) && (p.Day < first || p.Day > lastDay)
                        && c.ReleaseDay <= lastDay && Layout.LastDay(problem, c) >= first).OrderBy(_ => rng.Next()).Take(Math.Max(0, size - free.Count));
                    free.AddRange(movable);
                }
                free.AddRange(Candidates(problem, unplaced, first, lastDay, Math.Max(size - inside, size / 3), rng));
                return Window.Around(problem, place, free, first, lastDay, home: kind == Kind.DaysPull);
            }
        }
    }

    /// <summary>Unscheduled cases that could go within [first, last], at most <paramref name="count"/>, drawn at random.</summary>
    private static IEnumerable<PlanCase> Candidates(Problem problem, List<PlanCase> unplaced, int first, int last, int count, Random rng)
    {
        var all = unplaced.Where(c => c.ReleaseDay <= last && Layout.LastDay(problem, c) >= first).ToList();
        return all.Count <= count ? all : all.OrderBy(_ => rng.Next()).Take(Math.Max(0, count));
    }

    /// <summary>
    /// The relaxation: rooms pooled per day (and per capability), surgeon overlap and room switches ignored. Its best
    /// bound is a valid lower bound for the original problem; its best solution (case → day) guides the construction.
    /// Two single-worker solves side by side (one with the stronger linear relaxation), each on a deterministic budget.
    /// </summary>
    private static (long Bound, List<Dictionary<string, int>> Guides, double Work) Relaxation(Problem problem, Budget budget, Plan? start)
    {
        var hint = start?.Assignments.ToDictionary(a => a.CaseId, a => a.Day);
        var runs = budget.Workers > 1 ? 2 : 1;
        var results = new (long Bound, long Objective, Dictionary<string, int>? Days, double Work)[runs];
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = runs }, i =>
            results[i] = RelaxationOnce(problem, budget with { Workers = 1, Seed = budget.Seed + i }, i == 0 ? "linearization_level:2" : "", hint));
        // Its models run slower per deterministic unit than the small windows do.
        return (results.Max(r => r.Bound), [.. results.Where(r => r.Days is not null).OrderBy(r => r.Objective).Select(r => r.Days!)], 1.25 * results.Max(r => r.Work));
    }

    private static (long Bound, long Objective, Dictionary<string, int>? Days, double Work) RelaxationOnce(Problem problem, Budget budget, string parameters,
        IReadOnlyDictionary<string, int>? hint)
    {
        var model = new CpModel();
        var w = problem.Weights;
        var surgeons = problem.Surgeons.ToDictionary(s => s.Id);
        var y = new Dictionary<(string Case, int Day), BoolVar>();
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
        if (hint is not null)
        {
            // The greedy plan is a solution of the relaxation too (each of its room-days is open): CP-SAT starts from it.
            foreach (var ((id, d), v) in y)
            {
                model.AddHint(v, hint.TryGetValue(id, out var day) && day == d);
            }
        }
        using var solver = Solver(budget, parameters);
        var status = solver.Solve(model);
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible))
        {
            return (0, long.MaxValue, null, solver.Response?.DeterministicTime ?? 0);
        }
        var days = new Dictionary<string, int>();
        foreach (var ((id, d), v) in y)
        {
            if (solver.BooleanValue(v))
            {
                days[id] = d;
            }
        }
        return ((long)Math.Ceiling(solver.BestObjectiveBound - 1e-6), (long)Math.Round(solver.ObjectiveValue), days, (solver.Response?.DeterministicTime ?? 0) + ModelCharge(y.Count));
    }
}
