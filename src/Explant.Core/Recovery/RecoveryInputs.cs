using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Validation;

namespace Explant.Core.Recovery;

// The input of every recovery write (issue #12 §3: one command per write). The JSON endpoint binds these records from
// the body and the HTML form builds the same record with FromForm; RecoveryService's command then does the role check,
// parsing, defaults and validation, so the two routes cannot drift apart. Dates and enums travel as text so that a
// malformed value is refused naming its field on both routes (a typed DateOnly/enum would fail in the JSON binder with
// a message that names no field, and in a form with a 500).

public sealed record CriterionInput(string? Criterion)
{
    public static CriterionInput FromForm(Func<string, string?> field) => new((field ?? throw new ArgumentNullException(nameof(field)))("criterion"));
}

/// <param name="Date">Local date of discharge (YYYY-MM-DD); blank = today in the hospital's zone.</param>
public sealed record DischargeInput(string? Date, string? WoundCare, string? ActivityLimits, string? PainPlan, bool? PhysioReferral)
{
    public static DischargeInput FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field("date"), field("woundCare"), field("activityLimits"), field("painPlan"), RecoveryParse.Checkbox(field, "physioReferral"));
    }
}

/// <param name="Date">Local date of the visit (YYYY-MM-DD); blank = today.</param>
/// <param name="Wound">A <see cref="WoundStatus"/> by name.</param>
/// <param name="Neurology">A <see cref="NeurologyStatus"/> by name.</param>
public sealed record VisitInput(string? Code, string? Date, string? Wound, string? Neurology, string? Imaging, string? Note)
{
    public static VisitInput FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field("code"), field("date"), field("wound"), field("neurology"), field("imaging"), field("note"));
    }
}

/// <param name="Date">Local date of the attempt (YYYY-MM-DD); blank = today.</param>
public sealed record MissedContactInput(string? Date, string? Note)
{
    public static MissedContactInput FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field("date"), field("note"));
    }
}

/// <summary>PROM answers: NRS back and leg (0–10) and the ten ODI sections (0–5), each unanswered when null.</summary>
public sealed record PromAnswers(int? BackPain, int? LegPain, List<int?>? Odi)
{
    /// <summary>Form names backPain, legPain and odi0…odi9; blank or "skip" = not answered.</summary>
    public static PromAnswers FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var check = new Check();
        var back = RecoveryParse.Int(check, field, "backPain", "backPain");
        var leg = RecoveryParse.Int(check, field, "legPain", "legPain");
        List<int?> odi = [.. Enumerable.Range(0, Outcomes.Odi.SectionCount).Select(i => RecoveryParse.Int(check, field, $"odi{i}", $"odi[{i}]"))];
        check.ThrowIfAny();
        return new(back, leg, odi);
    }
}

/// <summary>A PROM recorded in clinic: the time point ("baseline" or a PROM point of the plan) and the answers.</summary>
public sealed record PromInput(string? TimePoint, int? BackPain, int? LegPain, List<int?>? Odi)
{
    public static PromInput FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var answers = PromAnswers.FromForm(field);
        return new(field("timePoint"), answers.BackPain, answers.LegPain, answers.Odi);
    }

    public PromAnswers Answers => new(BackPain, LegPain, Odi);
}

public sealed record LinkInput(string? TimePoint)
{
    public static LinkInput FromForm(Func<string, string?> field) => new((field ?? throw new ArgumentNullException(nameof(field)))("timePoint"));
}

/// <param name="OccurredOn">Local date (YYYY-MM-DD); required: a complication's date is clinical data, not a default.</param>
/// <param name="Grade">Clavien–Dindo grade by name, optionally with the "d" suffix (II-d).</param>
/// <param name="SsiDepth">An <see cref="Outcomes.SsiDepth"/> by name (infection only).</param>
public sealed record ComplicationInput(string? Key, string? OccurredOn, string? Grade, string? SsiDepth, string? Description)
{
    public static ComplicationInput FromForm(Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field("key"), field("occurredOn"), field("grade"), field("ssiDepth"), field("description"));
    }
}

/// <summary>Parsing shared by the recovery commands: strict formats, refusals named by the JSON field.</summary>
internal static class RecoveryParse
{
    /// <summary>A calendar date in YYYY-MM-DD only (no culture-dependent forms, no times).</summary>
    public static DateOnly? Date(Check check, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        check.Add(field, $"'{Shorten(value)}' is not a date (YYYY-MM-DD)");
        return null;
    }

    /// <summary>
    /// An enum member by its name only (case-insensitive, as the JSON converter reads it). Enum.TryParse would also
    /// take "99" or "Healed,Improved", storing a value no screen can show.
    /// </summary>
    public static T? Enum<T>(Check check, string field, string? value, bool required) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                check.Add(field, $"required: one of {string.Join(", ", System.Enum.GetNames<T>())}");
            }
            return null;
        }
        var name = System.Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            check.Add(field, $"'{Shorten(value)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}");
            return null;
        }
        return System.Enum.Parse<T>(name);
    }

    /// <summary>A whole number from a form field; blank or "skip" = not answered. Ranges are checked by the command.</summary>
    public static int? Int(Check check, Func<string, string?> field, string formName, string jsonName)
    {
        var v = field(formName)?.Trim();
        if (string.IsNullOrEmpty(v) || v == "skip")
        {
            return null;
        }
        if (int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        check.Add(jsonName, $"'{Shorten(v)}' is not a whole number");
        return null;
    }

    /// <summary>An HTML checkbox: absent = false, "on"/"true" = true; anything else is refused rather than guessed.</summary>
    public static bool? Checkbox(Func<string, string?> field, string name) =>
        field(name)?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" or "off" => false,
            "on" or "true" => true,
            var other => throw new ValidationException(new Dictionary<string, string[]> { [name] = [$"'{Shorten(other)}' is not a checkbox value (on/true/false)"] }),
        };

    // Echoing a 1 MB value back in an error message (and a redirect URL) helps no one.
    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
