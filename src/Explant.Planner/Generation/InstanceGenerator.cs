namespace Explant.Planner.Generation;

/// <summary>
/// Seeded synthetic planning instances for tests and benchmarks. Assumptions (not clinical facts): rooms open
/// 480 min on weekdays with a few closures; 30–50 % of rooms have fluoroscopy; 20 % of cases need it; durations
/// 60–240 min; surgeons work 3–4 of 5 days up to 480 min; cases released over the first half of the horizon with
/// due windows of 3–10 days; optional cases beyond capacity.
/// </summary>
public static class InstanceGenerator
{
    public static Problem Generate(int cases, int days, int rooms, int seed, double mandatoryShare = 0.6)
    {
        var rng = new Random(seed);
        var roomList = Enumerable.Range(1, rooms).Select(i => new Room($"OR{i}",
            i % 2 == 1 || rng.NextDouble() < 0.3 ? ["fluoroscopy"] : [],
            [.. Enumerable.Range(0, days).Select(d => d % 7 >= 5 || rng.NextDouble() < 0.05 ? 0 : 480)])).ToList();
        var surgeonCount = Math.Max(2, cases / 12);
        var surgeons = Enumerable.Range(1, surgeonCount).Select(i =>
        {
            var off = rng.Next(5);
            return new Surgeon($"S{i}", [.. Enumerable.Range(0, days).Select(d => d % 7 >= 5 || d % 5 == off ? 0 : 480)]);
        }).ToList();
        var list = new List<PlanCase>();
        for (var i = 0; i < cases; i++)
        {
            var release = rng.Next(Math.Max(1, days / 2));
            var mandatory = rng.NextDouble() < mandatoryShare;
            int? due = mandatory || rng.NextDouble() < 0.5 ? Math.Min(days - 1, release + 3 + rng.Next(8)) : null;
            list.Add(new PlanCase($"C{i + 1}", $"S{rng.Next(surgeonCount) + 1}", 60 + 15 * rng.Next(13), release, due, mandatory,
                rng.NextDouble() < 0.2 ? ["fluoroscopy"] : []));
        }
        var problem = new Problem(days, 30, roomList, surgeons, list, new Weights(100, 5, 20, 1));
        // Keep only mandatory cases the greedy can place, so every generated instance is feasible.
        return MakeFeasible(problem);
    }

    private static Problem MakeFeasible(Problem problem)
    {
        while (true)
        {
            try
            {
                GreedyPlanner.Solve(problem);
                return problem;
            }
            catch (InfeasibleException e)
            {
                var failed = e.Cases.Select(c => c.CaseId).ToHashSet();
                problem = problem with { Cases = [.. problem.Cases.Select(c => failed.Contains(c.Id) ? c with { Mandatory = false } : c)] };
            }
        }
    }
}
