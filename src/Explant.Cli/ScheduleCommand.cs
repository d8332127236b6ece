using System.CommandLine;
using Explant.Planner;

namespace Explant.Cli;

/// <summary>`explant schedule --input problem.json --output plan.json [--time-limit S] [--solver cp-sat|greedy] [--seed N] [--json]` (outside contract).</summary>
internal static class ScheduleCommand
{
    public static Command Build(CliConsole console)
    {
        var input = new Option<string>("--input") { Description = "Planning problem (JSON).", Required = true };
        var output = new Option<string?>("--output") { Description = "Where to write the plan (JSON); stdout when omitted." };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds for CP-SAT (default 30).", DefaultValueFactory = _ => 30 };
        var solver = new Option<string>("--solver") { Description = "cp-sat (default) or greedy.", DefaultValueFactory = _ => "cp-sat" };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same plan).", DefaultValueFactory = _ => 1 };
        var workers = new Option<int>("--workers") { Description = "CP-SAT workers (default 2).", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print nothing but the result (no one-line summary)." };
        var command = new Command("schedule", "Propose an operating-room plan: OR-Tools CP-SAT or the greedy baseline.") { input, output, timeLimit, solver, seed, workers, json };
        command.SetAction(async (p, ct) =>
        {
            var path = p.GetValue(input)!;
            if (!File.Exists(path))
            {
                await console.Err.WriteLineAsync($"--input: {path}: file not found");
                return ExitCodes.BadInput;
            }
            if (p.GetValue(solver) is not ("cp-sat" or "greedy"))
            {
                await console.Err.WriteLineAsync($"--solver: '{p.GetValue(solver)}' must be cp-sat or greedy");
                return ExitCodes.BadInput;
            }
            if (p.GetValue(timeLimit) is <= 0 or > 3600)
            {
                await console.Err.WriteLineAsync("--time-limit: must be between 0 and 3600 seconds");
                return ExitCodes.BadInput;
            }
            Problem problem;
            try
            {
                problem = ProblemJson.Parse(await File.ReadAllTextAsync(path, ct));
            }
            catch (ProblemFormatException e)
            {
                await console.Err.WriteLineAsync($"{path}: {e.Message}");
                return ExitCodes.BadInput;
            }
            // Progress only for a person watching a terminal; never with --json or when redirected.
            var interactive = !p.GetValue(json) && ReferenceEquals(console.Err, Console.Error) && !Console.IsErrorRedirected;
            Action<long, long, double>? progress = interactive
                ? (obj, bound, secs) => console.Err.WriteLine($"  best {obj}  bound {bound}  {secs:0.0}s")
                : null;
            Plan plan;
            try
            {
                plan = p.GetValue(solver) == "greedy"
                    ? GreedyPlanner.Solve(problem)
                    : CpSatPlanner.Solve(problem, new SolverSettings(p.GetValue(timeLimit), p.GetValue(workers), p.GetValue(seed), progress));
            }
            catch (InfeasibleException e)
            {
                foreach (var (caseId, reason) in e.Cases)
                {
                    await console.Err.WriteLineAsync($"mandatory case {caseId} cannot be scheduled: {reason}");
                }
                var infeasible = ProblemJson.Write(new Plan(PlanStatus.Infeasible, 0, 0, [], [.. e.Cases.Select(c => c.CaseId)]));
                await WriteResult(console, p.GetValue(output), infeasible, ct);
                return ExitCodes.DomainFailure;
            }
            var check = PlanValidator.Validate(problem, plan);
            if (!check.Valid)
            {
                // A solver bug must never reach a scheduler as a plan.
                await console.Err.WriteLineAsync("internal error: the plan failed validation: " + string.Join("; ", check.Violations));
                return ExitCodes.DomainFailure;
            }
            await WriteResult(console, p.GetValue(output), ProblemJson.Write(plan), ct);
            if (!p.GetValue(json))
            {
                // A person running the command sees what happened in one line (issue #13 §8). When the plan itself went
                // to stdout, the line goes to stderr so stdout stays one JSON document for a pipe.
                await (p.GetValue(output) is null ? console.Err : console.Out).WriteLineAsync(Summary(problem, plan));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"Scheduled 4 of 5 cases in 2 rooms over 3 days; 1 unscheduled: C2 (feasible, objective 130, lower bound 120)."</summary>
    internal static string Summary(Problem problem, Plan plan)
    {
        var rooms = plan.Assignments.Select(a => a.RoomId).Distinct(StringComparer.Ordinal).Count();
        var days = plan.Assignments.Select(a => a.Day).Distinct().Count();
        var unscheduled = plan.Unscheduled.Count == 0 ? "none unscheduled" : $"{plan.Unscheduled.Count} unscheduled: {string.Join(", ", plan.Unscheduled)}";
        return FormattableString.Invariant(
            $"Scheduled {plan.Assignments.Count} of {Count(problem.Cases.Count, "case")} in {Count(rooms, "room")} over {Count(days, "day")}; {unscheduled} ({plan.Status.ToString().ToLowerInvariant()}, objective {plan.Objective}, lower bound {plan.LowerBound}).");
    }

    private static string Count(int n, string noun) => FormattableString.Invariant($"{n} {noun}{(n == 1 ? "" : "s")}");

    private static async Task WriteResult(CliConsole console, string? output, string json, CancellationToken ct)
    {
        if (output is null)
        {
            await console.Out.WriteLineAsync(json);
        }
        else
        {
            await File.WriteAllTextAsync(output, json + "\n", ct);
        }
    }
}
