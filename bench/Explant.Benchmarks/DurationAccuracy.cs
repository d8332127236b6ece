using Explant.Planner;

namespace Explant.Benchmarks;

/// <summary>Held-out accuracy of the duration estimator on a seeded synthetic history (assumptions in docs/benchmarks.md).</summary>
internal static class DurationAccuracy
{
    public sealed record Result(double MidpointMae, double MidpointWithin, double EstimateMae, double EstimateWithin, double BookingCovers);

    public static Result Run(int seed)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var speed = Enumerable.Range(1, 12).ToDictionary(i => $"S{i}", _ => Math.Exp(0.15 * Normal()));
        HistoricCase Draw()
        {
            var levels = rng.Next(1, 11);
            var components = levels * 2 + 2;
            var planned = rng.NextDouble() < 0.2 ? Math.Max(1, rng.Next(components)) : components;
            var infected = rng.NextDouble() < 0.15;
            var surgeon = $"S{rng.Next(1, 13)}";
            var minutes = (45 + 22 * levels) * (infected ? 1.3 : 1) * (0.5 + 0.5 * planned / components) * speed[surgeon] * Math.Exp(0.12 * Normal());
            return new HistoricCase(new DurationFeatures(levels, components, planned, infected, surgeon), (int)Math.Round(minutes));
        }
        var train = Enumerable.Range(0, 400).Select(_ => Draw()).ToList();
        var test = Enumerable.Range(0, 200).Select(_ => Draw()).ToList();
        var options = new DurationOptions();
        var estimates = test.Select(t => DurationEstimator.Estimate(t.Features, 60, 180, train, options)).ToList();
        static bool Within(double predicted, int actual) => Math.Abs(predicted - actual) <= 0.1 * actual;
        return new Result(
            test.Average(t => Math.Abs(120.0 - t.ActualMinutes)),
            test.Count(t => Within(120, t.ActualMinutes)) / (double)test.Count,
            test.Zip(estimates).Average(x => Math.Abs(x.Second.MedianMinutes - x.First.ActualMinutes)),
            test.Zip(estimates).Count(x => Within(x.Second.MedianMinutes, x.First.ActualMinutes)) / (double)test.Count,
            test.Zip(estimates).Count(x => x.First.ActualMinutes <= x.Second.BookingMinutes) / (double)test.Count);
    }
}
