using Explant.Planner;
using Explant.Planner.Generation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Explant.Planner.Tests;

public sealed class PlannerTests
{
    private static readonly SolverSettings Quick = new(TimeLimitSeconds: 3, Workers: 2, Seed: 7);

    private static Problem Small(int seed) => InstanceGenerator.Generate(cases: 14, days: 5, rooms: 2, seed: seed);

    [Property(MaxTest = 25)]
    public Property Greedy_plans_always_pass_the_validator_and_report_their_true_objective() =>
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), seed =>
        {
            var problem = Small(seed);
            var plan = GreedyPlanner.Solve(problem);
            var check = PlanValidator.Validate(problem, plan);
            return check.Valid && check.Objective == plan.Objective && plan.LowerBound <= plan.Objective;
        });

    [Property(MaxTest = 6)]
    public Property Cp_sat_plans_pass_the_validator_with_bound_below_objective_and_never_worse_than_greedy() =>
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), seed =>
        {
            var problem = Small(seed);
            var plan = CpSatPlanner.Solve(problem, Quick);
            var check = PlanValidator.Validate(problem, plan);
            return check.Valid && check.Objective == plan.Objective && plan.LowerBound <= plan.Objective
                && plan.Objective <= GreedyPlanner.Solve(problem).Objective;
        });

    [Fact]
    public void Cp_sat_is_far_below_the_greedy_on_a_medium_instance_within_a_few_seconds()
    {
        // The relaxation-guided construction alone is well below the greedy; the search only improves on it.
        var problem = InstanceGenerator.Generate(cases: 80, days: 12, rooms: 4, seed: 11);
        var greedy = GreedyPlanner.Solve(problem);
        var plan = CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 6, Workers: 2, Seed: 3));
        var check = PlanValidator.Validate(problem, plan);
        Assert.True(check.Valid, string.Join("; ", check.Violations));
        Assert.Equal(check.Objective, plan.Objective);
        Assert.InRange(plan.LowerBound, 0, plan.Objective);
        Assert.True(plan.Objective <= 0.85 * greedy.Objective, $"CP-SAT {plan.Objective} vs greedy {greedy.Objective}");
    }

    [Property(MaxTest = 4)]
    public Property One_worker_plans_are_valid_too() =>
        Prop.ForAll(Gen.Choose(1, 100_000).ToArbitrary(), seed =>
        {
            var problem = InstanceGenerator.Generate(cases: 30, days: 8, rooms: 3, seed: seed);
            var plan = CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 2, Workers: 1, Seed: seed));
            var check = PlanValidator.Validate(problem, plan);
            return check.Valid && check.Objective == plan.Objective && plan.LowerBound <= plan.Objective
                && plan.Objective <= GreedyPlanner.Solve(problem).Objective;
        });

    /// <summary>Every kind of broken plan is caught: the validator is the independent check on both solvers.</summary>
    [Theory]
    [InlineData("overlap")]
    [InlineData("turnover")]
    [InlineData("capability")]
    [InlineData("closed-day")]
    [InlineData("release")]
    [InlineData("due")]
    [InlineData("duplicate")]
    [InlineData("missing")]
    [InlineData("mandatory-unscheduled")]
    [InlineData("surgeon-limit")]
    [InlineData("surgeon-overlap")]
    [InlineData("past-closing")]
    public void A_plan_with_one_broken_constraint_fails_validation(string broken)
    {
        var problem = new Problem(3, 30,
            [new Room("OR1", ["fluoroscopy"], [480, 480, 0]), new Room("OR2", [], [480, 480, 480])],
            [new Surgeon("S1", [480, 200, 480]), new Surgeon("S2", [480, 480, 480])],
            [
                new PlanCase("A", "S1", 120, 0, 2, true, ["fluoroscopy"]),
                new PlanCase("B", "S1", 120, 0, 2, true, []),
                new PlanCase("C", "S2", 200, 1, null, false, []),
            ],
            new Weights(100, 5, 20, 1));
        var good = new Plan(PlanStatus.Feasible, 0, 0,
            [new Assignment("A", 0, "OR1", 0), new Assignment("B", 0, "OR1", 150), new Assignment("C", 1, "OR2", 0)], []);
        Assert.True(PlanValidator.Validate(problem, good).Valid, string.Join("; ", PlanValidator.Validate(problem, good).Violations));

        var a = good.Assignments.ToList();
        var bad = broken switch
        {
            "overlap" => good with { Assignments = [a[0], a[1] with { StartMinute = 60 }, a[2]] },
            "turnover" => good with { Assignments = [a[0], a[1] with { StartMinute = 130 }, a[2]] },
            "capability" => good with { Assignments = [a[0] with { RoomId = "OR2" }, a[1], a[2]] },
            "closed-day" => good with { Assignments = [a[0] with { Day = 2 }, a[1], a[2]] },
            "release" => good with { Assignments = [a[0], a[1], a[2] with { Day = 0, StartMinute = 0 }] },
            "due" => good with { Assignments = [a[0] with { Day = 3 }, a[1], a[2]] },
            "duplicate" => good with { Unscheduled = ["C"] },
            "missing" => good with { Assignments = [a[0], a[1]] },
            "mandatory-unscheduled" => good with { Assignments = [a[0], a[2]], Unscheduled = ["B"] },
            "surgeon-limit" => new Plan(PlanStatus.Feasible, 0, 0, [a[0] with { Day = 1 }, a[1] with { Day = 1 }, a[2]], []),
            "surgeon-overlap" => good with { Assignments = [a[0], a[1] with { RoomId = "OR2", StartMinute = 60 }, a[2]] },
            "past-closing" => good with { Assignments = [a[0], a[1], a[2] with { StartMinute = 300 }] },
            _ => throw new ArgumentOutOfRangeException(nameof(broken)),
        };
        var result = PlanValidator.Validate(problem, bad);
        Assert.False(result.Valid, broken);
        Assert.NotEmpty(result.Violations);
    }

    [Fact]
    public void The_objective_is_the_issues_formula()
    {
        var problem = new Problem(3, 30,
            [new Room("OR1", [], [480, 480, 480]), new Room("OR2", [], [480, 480, 480])],
            [new Surgeon("S1", [480, 480, 480])],
            [new PlanCase("A", "S1", 60, 0, 2, true, []), new PlanCase("B", "S1", 60, 0, 2, true, []), new PlanCase("C", "S1", 60, 0, null, false, [])],
            new Weights(100, 5, 20, 1));
        // A on day 1 (delay 1), B on day 1 in another room (second room-day, one switch), C left out.
        var plan = new Plan(PlanStatus.Feasible, 0, 0, [new Assignment("A", 1, "OR1", 0), new Assignment("B", 1, "OR2", 100)], ["C"]);
        Assert.Equal(100 + 5 * 2 + 20 * 2 + 1, PlanValidator.Objective(problem, plan));
    }

    [Fact]
    public void Same_seed_same_plan()
    {
        // A small instance, so every solve ends on its own (or its deterministic budget), not on a busy machine's clock.
        var problem = Small(42);
        var settings = new SolverSettings(TimeLimitSeconds: 8, Workers: 2, Seed: 5);
        var first = ProblemJson.Write(CpSatPlanner.Solve(problem, settings));
        var second = ProblemJson.Write(CpSatPlanner.Solve(problem, settings));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Mandatory_cases_that_cannot_fit_are_listed_with_the_reason()
    {
        var problem = new Problem(2, 30, [new Room("OR1", [], [480, 480])], [new Surgeon("S1", [480, 0])],
            [new PlanCase("A", "S1", 120, 0, 1, true, ["neuromonitoring"]), new PlanCase("B", "S1", 600, 0, 1, true, [])],
            new Weights(100, 5, 20, 1));
        var e = Assert.Throws<InfeasibleException>(() => CpSatPlanner.Solve(problem, Quick));
        Assert.Contains(e.Cases, c => c.CaseId == "A" && c.Reason.Contains("neuromonitoring", StringComparison.Ordinal));
        Assert.Contains(e.Cases, c => c.CaseId == "B");
        Assert.Throws<InfeasibleException>(() => GreedyPlanner.Solve(problem));
    }
}
