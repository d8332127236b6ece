namespace Explant.Core.Readiness;

/// <param name="Label">What the patient reads for this line (formula is named only on an infant's sheet).</param>
public sealed record FastingLine(string Category, int Hours, DateTime LastIntakeLocal, string Source, string Basis, string Label);

/// <summary>
/// Last eat/drink times per intake category (rule 16, [S27][S28]): the ASA table, with solids never shorter
/// than the definition's minimum (seed: 8 h). Hours are real elapsed hours, so a night with a clock change
/// gives the right wall-clock time.
/// </summary>
public static class Fasting
{
    private static readonly string[] Solids = ["light-meal", "fatty-meal"];

    /// <summary>Intake lines that only concern a baby (the ASA table's breast-milk row); an adult's sheet leaves them out.</summary>
    private static readonly string[] InfantOnly = ["breast-milk"];

    /// <param name="birthDate">
    /// The patient's birth date: infant-only lines (breast milk, formula) are left out when the patient is at least
    /// <see cref="ReadinessOptions.InfantFeedingUpToMonths"/> old on the day of surgery. Null (a preview with no
    /// patient) keeps the whole table.
    /// </param>
    public static IReadOnlyList<FastingLine> Plan(DateTime surgeryLocal, TimeZoneInfo zone, ReadinessOptions options, int? definitionMinimumHours,
        DateOnly? birthDate = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(options);
        var surgeryUtc = ToUtc(surgeryLocal, zone);
        var infant = birthDate is not { } born || IsInfant(born, DateOnly.FromDateTime(surgeryLocal), options);
        return [.. options.FastingHours.Where(kv => infant || !InfantOnly.Contains(kv.Key))
            .OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
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
            return new FastingLine(kv.Key, hours, last, source, basis, infant || kv.Key != "light-meal" ? Label(kv.Key) : "Light meal or milk");
        })];
    }

    /// <summary>Younger than the infant-feeding age on the day of surgery (whole months since birth).</summary>
    public static bool IsInfant(DateOnly birthDate, DateOnly surgeryDate, ReadinessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return birthDate.AddMonths(options.InfantFeedingUpToMonths) > surgeryDate;
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
