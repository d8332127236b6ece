using System.Diagnostics;
using System.Globalization;
using System.Text;
using Explant.Planner;
using Explant.Planner.Generation;
using Explant.Benchmarks;

// Optimiser quality run (scheduling issue §6): CP-SAT against the greedy baseline measured in the same run,
// on seeded instances, 2 workers. Usage: dotnet run -c Release --project bench/Explant.Benchmarks [-- seconds [out.md [cases,...]]]
// e.g. `-- 30 - 450` runs the 450-case instance alone and writes nothing ("-" = no report file).
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var output = args.Length > 1 ? args[1] : "docs/benchmarks.md";
(int Cases, int Days, int Rooms)[] allSizes = [(20, 5, 2), (50, 10, 3), (100, 14, 4), (200, 20, 6), (450, 28, 8)];
var only = args.Length > 2 ? args[2].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToHashSet() : null;
var sizes = allSizes.Where(s => only is null || only.Contains(s.Cases)).ToArray();

var rows = new List<string>();
var ratios = new List<double>();
foreach (var (cases, days, rooms) in sizes)
{
    var problem = InstanceGenerator.Generate(cases, days, rooms, seed: 2026);
    var sw = Stopwatch.StartNew();
    var greedy = GreedyPlanner.Solve(problem);
    var greedyMs = sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    var cpsat = CpSatPlanner.Solve(problem, new SolverSettings(seconds, 2, 1));
    var cpsatSeconds = sw.Elapsed.TotalSeconds;
    var gv = PlanValidator.Validate(problem, greedy);
    var cv = PlanValidator.Validate(problem, cpsat);
    var ratio = greedy.Objective == 0 ? 1 : (double)cpsat.Objective / greedy.Objective;
    var gap = cpsat.Objective == 0 ? 0 : (double)(cpsat.Objective - cpsat.LowerBound) / cpsat.Objective;
    var row = string.Create(CultureInfo.InvariantCulture,
        $"| {problem.Cases.Count} ({problem.Cases.Count(c => c.Mandatory)} mandatory) | {days} | {rooms} | {greedy.Objective} | {cpsat.Objective} | **{ratio:0.000}** | {cpsat.LowerBound} | {gap:P1} | {cpsat.Status.ToString().ToLowerInvariant()} | {greedyMs:0} ms | {cpsatSeconds:0.0} s | {(gv.Valid && cv.Valid && cv.Objective == cpsat.Objective && cpsat.LowerBound <= cpsat.Objective ? "yes" : "NO")} |");
    Console.WriteLine(row);
    Console.WriteLine($"    greedy {Breakdown(problem, greedy)}; CP-SAT {Breakdown(problem, cpsat)}");
    rows.Add(row);
    ratios.Add(ratio);
}

var md = new StringBuilder();
md.AppendLine("# Benchmarks");
md.AppendLine();
md.AppendLine("## Operating-room optimiser (CP-SAT vs greedy baseline)");
md.AppendLine();
md.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on this project's 2-core machine, `dotnet run -c Release --project bench/Explant.Benchmarks -- {seconds}`.");
md.AppendLine("Both solvers run on the same seeded instance in the same run (seed 2026, `InstanceGenerator`: rooms 480 min on weekdays with");
md.AppendLine("some closures, half with fluoroscopy, 20 % of cases need it, durations 60–240 min, surgeons 3–4 days a week, due windows");
md.AppendLine("3–10 days, optional cases beyond capacity; mandatory cases the greedy cannot place are made optional so every instance is");
md.AppendLine("feasible). CP-SAT: 2 workers, seed 1 (ADR 0007): a relaxation with rooms pooled per day gives the lower bound and, from its");
md.AppendLine("solution, the days a day-by-day exact packing starts from; large-neighbourhood search (day windows, surgeons, rooms, solved");
md.AppendLine("side by side, independent improvements merged) takes the rest of the time, on deterministic budgets within 95 % of the");
md.AppendLine("limit. **Ratio** = CP-SAT objective ÷ greedy objective (lower is better; target ≤ 0.85 on 50+ cases). The lower bound");
md.AppendLine("comes from a relaxation of the original problem, so the gap is honest. *Valid* = both plans pass the independent");
md.AppendLine("validator, the reported objective equals the validator's and the bound is not above it.");
md.AppendLine();
md.AppendLine("| cases | days | rooms | greedy | CP-SAT | ratio | lower bound | gap | status | greedy time | CP-SAT time | valid |");
md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
foreach (var r in rows)
{
    md.AppendLine(r);
}
md.AppendLine();
md.AppendLine("Target (≤ 0.85 × greedy within the limit on every instance of 50+ cases): " + string.Join("; ", sizes.Zip(ratios)
    .Where(x => x.First.Cases >= 50).Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.First.Cases} cases {(x.Second <= 0.85 ? "met" : "NOT met")} ({x.Second:0.000})"))) + ".");
md.AppendLine();
if (output == "-")
{
    return;
}

// Duration estimate accuracy on a held-out synthetic history (scheduling issue §6).
var accuracy = DurationAccuracy.Run(seed: 2026);
md.AppendLine("## Duration estimate (held-out synthetic history)");
md.AppendLine();
md.AppendLine("Synthetic generator (assumptions, not clinical data): 12 surgeons with a personal speed factor (log-normal, σ 0.15);");
md.AppendLine("true in-room minutes = (45 + 22 × levels) × 1.3 if infected × (0.5 + 0.5 × planned share) × surgeon factor × noise");
md.AppendLine("(log-normal, σ 0.12); levels 1–10, 15 % infected, 20 % partial removals. 400 cases train the estimator, 200 held-out cases");
md.AppendLine("test it against the plain definition midpoint (120 min).");
md.AppendLine();
md.AppendLine("| predictor | MAE (min) | within ±10 % |");
md.AppendLine("| --- | --- | --- |");
md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| definition midpoint (120 min) | {accuracy.MidpointMae:0.0} | {accuracy.MidpointWithin:P0} |"));
md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| estimator median (prior + shrinkage) | {accuracy.EstimateMae:0.0} | {accuracy.EstimateWithin:P0} |"));
md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| estimator booking at the 70th percentile: cases finishing within the booked time | — | {accuracy.BookingCovers:P0} |"));
File.WriteAllText(output, md.ToString());
Console.WriteLine($"written {output}");

// Objective terms of a plan, for the console only: where the cost goes.
static string Breakdown(Problem problem, Plan plan)
{
    var cases = problem.Cases.ToDictionary(c => c.Id);
    var unscheduled = plan.Unscheduled.Count(id => !cases[id].Mandatory);
    var delayDays = plan.Assignments.Sum(a => a.Day - cases[a.CaseId].ReleaseDay);
    var roomDays = plan.Assignments.Select(a => (a.Day, a.RoomId)).Distinct().Count();
    var switches = plan.Assignments.GroupBy(a => (a.Day, cases[a.CaseId].SurgeonId)).Sum(g => g.Select(a => a.RoomId).Distinct().Count() - 1);
    return $"{unscheduled} optional out, {delayDays} delay days, {roomDays} room-days, {switches} switches";
}
