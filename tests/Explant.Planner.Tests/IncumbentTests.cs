using Explant.Planner.Generation;

namespace Explant.Planner.Tests;

/// <summary>
/// Issue #14 §1: the greedy plan is the incumbent. A short limit, a starved search or a machine too busy to run it
/// never turns a plan the greedy found into "no plan"; exit 1 is left for instances the greedy cannot place either.
/// </summary>
public sealed class IncumbentTests
{
    /// <summary>The largest benchmark week: the greedy places every mandatory case in milliseconds.</summary>
    private static Problem Largest() => InstanceGenerator.Generate(cases: 450, days: 28, rooms: 8, seed: 2026);

    private static void AssertNoWorseThanGreedy(Problem problem, Plan plan)
    {
        var greedy = GreedyPlanner.Solve(problem);
        var check = PlanValidator.Validate(problem, plan);
        Assert.True(check.Valid, string.Join("; ", check.Violations));
        Assert.Equal(check.Objective, plan.Objective);
        Assert.True(plan.Objective <= greedy.Objective, $"CP-SAT {plan.Objective} is worse than greedy {greedy.Objective}");
        Assert.InRange(plan.LowerBound, 0, plan.Objective);
        Assert.DoesNotContain(plan.Unscheduled, id => problem.Cases.Single(c => c.Id == id).Mandatory);
    }

    [Fact]
    public void A_starved_search_returns_the_greedy_plan_not_infeasible()
    {
        // Every CP-SAT solve gets almost no work: nothing it finds can replace the greedy start, which must come back.
        var problem = Largest();
        var plan = CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 5, Workers: 1, Seed: 1) { WorkScale = 1e-9 });
        AssertNoWorseThanGreedy(problem, plan);
    }

    [Fact]
    public void A_slowed_search_with_a_5_second_limit_is_never_worse_than_greedy()
    {
        // Each solve loses 1.5 s of wall clock before it starts (a machine busy with other work): the 5 s limit runs
        // out in the relaxation and the constructions.
        var problem = Largest();
        var plan = CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 5, Workers: 2, Seed: 1) { StallBeforeEachSolve = TimeSpan.FromSeconds(1.5) });
        AssertNoWorseThanGreedy(problem, plan);
    }

    [Fact]
    public void A_5_second_limit_on_the_largest_week_is_never_worse_than_greedy()
    {
        var problem = Largest();
        AssertNoWorseThanGreedy(problem, CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 5, Workers: 2, Seed: 1)));
    }

    [Fact]
    public void When_greedy_and_a_starved_search_both_fail_the_mandatory_cases_are_reported()
    {
        // Three 200-minute mandatory cases for a surgeon with 300 minutes on each of two days: each fits a day on its
        // own (so no case is impossible by itself), but only two can go; neither planner places all three.
        var problem = new Problem(2, 30, [new Room("OR1", [], [480, 480])], [new Surgeon("S1", [300, 300])],
            [new PlanCase("A", "S1", 200, 0, 1, true, []), new PlanCase("B", "S1", 200, 0, 1, true, []), new PlanCase("C", "S1", 200, 0, 1, true, [])],
            new Weights(100, 5, 20, 1));
        Assert.Throws<InfeasibleException>(() => GreedyPlanner.Solve(problem));
        var e = Assert.Throws<InfeasibleException>(() => CpSatPlanner.Solve(problem, new SolverSettings(TimeLimitSeconds: 5, Workers: 1, Seed: 1) { WorkScale = 1e-9 }));
        Assert.Contains(e.Cases, c => c.Reason.Contains("CP-SAT found no plan", StringComparison.Ordinal));
    }
}
