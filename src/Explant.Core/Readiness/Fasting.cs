namespace Explant.Core.Readiness;

public sealed record FastingLine(string Category, int Hours, DateTime LastIntakeLocal, string Source, string Basis);

/// <summary>
/// Last eat/drink times per intake category (rule 16, [S27][S28]): the ASA table, with solids never shorter
/// than the definition's minimum (seed: 8 h). Hours are real elapsed hours, so a night with a clock change
/// gives the right wall-clock time.
/// </summary>
public static class Fasting
{
    private static readonly string[] Solids = ["light-meal", "fatty-meal"];

    public static IReadOnlyList<FastingLine> Plan(DateTime surgeryLocal, TimeZoneInfo zone, ReadinessOptions options, int? definitionMinimumHours)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(options);
        var surgeryUtc = ToUtc(surgeryLocal, zone);
        return [.. options.FastingHours.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var hours = kv.Value;
            var source = kv.Key == "carbohydrate-drink" ? "S28" : "S27";
            var basis = $"ASA: {kv.Value} h";
            if (Solids.Contains(kv.Key) && definitionMinimumHours is { } min && min > hours)
            {
                hours = min;
                source = "S0";
                basis = $"procedure definition: at least {min} h (stricter than ASA {kv.Value} h)";
            }
            var last = TimeZoneInfo.ConvertTimeFromUtc(surgeryUtc.AddHours(-hours), zone);
            return new FastingLine(kv.Key, hours, last, source, basis);
        })];
    }

    /// <summary>Local wall-clock time → UTC; a time skipped by a spring-forward change is refused, not guessed.</summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            throw new ArgumentException($"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (clocks go forward)");
        }
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    public static string Label(string category) => category switch
    {
        "clear-liquids" => "Clear liquids (water, clear juice, black tea or coffee)",
        "carbohydrate-drink" => "Carbohydrate drink (if you were given one)",
        "breast-milk" => "Breast milk",
        "light-meal" => "Light meal, milk or formula",
        "fatty-meal" => "Fried or fatty food, meat",
        _ => category,
    };
}
