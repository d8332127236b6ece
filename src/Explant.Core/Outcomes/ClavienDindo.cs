namespace Explant.Core.Outcomes;

/// <summary>
/// Clavien–Dindo grades, rule 36 (docs/clinical-rules.md §10, [S56]). Values start at 1 so an unset grade is never read as I.
/// </summary>
public enum ClavienDindoGrade
{
    I = 1,
    II,
    IIIa,
    IIIb,
    IVa,
    IVb,
    V,
}

/// <summary>
/// A graded complication: the grade plus the "d" suffix (<see cref="DisabilityAtDischarge"/>: still present at
/// discharge, follow-up needed) [S56]. Written "IIIb" or "IIIb-d".
/// </summary>
public readonly record struct ClavienDindo
{
    public ClavienDindo(ClavienDindoGrade grade, bool disabilityAtDischarge = false)
    {
        if (!Enum.IsDefined(grade))
        {
            throw new ArgumentOutOfRangeException(nameof(grade), grade, "not a Clavien–Dindo grade");
        }
        // Not a clinical claim but the definition's own logic: the suffix describes the state at discharge, and a
        // grade V patient (death) is never discharged.
        if (grade == ClavienDindoGrade.V && disabilityAtDischarge)
        {
            throw new ArgumentException("grade V (death) cannot carry the 'd' (disability at discharge) suffix", nameof(disabilityAtDischarge));
        }
        Grade = grade;
        DisabilityAtDischarge = disabilityAtDischarge;
    }

    public ClavienDindoGrade Grade { get; }
    public bool DisabilityAtDischarge { get; }

    public static string Source => "S56";

    public override string ToString() => DisabilityAtDischarge ? $"{Grade}-d" : Grade.ToString();

    /// <summary>Reads "I", "IIIa", "IVb-d", "IIId"-style text; the letter case of a/b is significant, as in the paper.</summary>
    public static bool TryParse(string? text, out ClavienDindo value, out string? error)
    {
        value = default;
        var t = text?.Trim() ?? "";
        var d = false;
        if (t.EndsWith("-d", StringComparison.Ordinal))
        {
            d = true;
            t = t[..^2];
        }
        else if (t.Length > 1 && t.EndsWith('d'))
        {
            d = true;
            t = t[..^1];
        }
        // Exact names only: Enum.TryParse would also take "3" or "I,II" (= 3 = IIIa).
        if (!Enum.GetNames<ClavienDindoGrade>().Contains(t, StringComparer.Ordinal))
        {
            error = $"'{text}' is not a Clavien–Dindo grade (I, II, IIIa, IIIb, IVa, IVb, V, optionally with -d)";
            return false;
        }
        var grade = Enum.Parse<ClavienDindoGrade>(t);
        if (grade == ClavienDindoGrade.V && d)
        {
            error = "grade V (death) cannot carry the 'd' (disability at discharge) suffix";
            return false;
        }
        value = new ClavienDindo(grade, d);
        error = null;
        return true;
    }

    /// <summary>Our own summary of each grade (docs/clinical-rules.md §10, [S56]).</summary>
    public static string Definition(ClavienDindoGrade grade) => grade switch
    {
        ClavienDindoGrade.I => "Deviation from the normal course needing no treatment beyond antiemetics, antipyretics, analgesics, diuretics, electrolytes or physiotherapy; includes wounds opened at the bedside",
        ClavienDindoGrade.II => "Needs other drugs, blood transfusion or total parenteral nutrition",
        ClavienDindoGrade.IIIa => "Surgical, endoscopic or radiological intervention without general anaesthesia",
        ClavienDindoGrade.IIIb => "Surgical, endoscopic or radiological intervention under general anaesthesia",
        ClavienDindoGrade.IVa => "Life-threatening complication (including CNS events, excluding TIA) needing intermediate or intensive care: single-organ dysfunction (including dialysis)",
        ClavienDindoGrade.IVb => "Life-threatening complication needing intermediate or intensive care: multi-organ dysfunction",
        ClavienDindoGrade.V => "Death",
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, "not a Clavien–Dindo grade"),
    };
}
