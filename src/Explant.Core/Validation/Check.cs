using Explant.Core.Data;

namespace Explant.Core.Validation;

/// <summary>
/// Collects every bad field of one write and refuses it as a whole (issue #12 §8): a precise message per field
/// (JSON path or form name), nothing stored. Commands in Core use it so the API, the forms and the CLI refuse the
/// same input with the same words.
/// </summary>
public sealed class Check
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Ok => errors.Count == 0;

    public Check Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    /// <summary>Trimmed text, null when blank; refused when longer than <paramref name="max"/> characters or required and blank.</summary>
    public string? Text(string field, string? value, int max = InputLimits.ShortText, bool required = false)
    {
        var t = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (t is null)
        {
            if (required)
            {
                Add(field, "required");
            }
            return null;
        }
        if (t.Length > max)
        {
            Add(field, $"at most {max} characters (got {t.Length})");
            return null;
        }
        if (t.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t'))
        {
            Add(field, "contains control characters");
            return null;
        }
        return t;
    }

    /// <summary>A number inside its plausible range (inclusive); null stays null unless required.</summary>
    public decimal? Range(string field, decimal? value, Plausible range, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (value is null)
        {
            if (required)
            {
                Add(field, "required");
            }
            return null;
        }
        if (value < range.Min || value > range.Max)
        {
            Add(field, $"{value} {range.Unit} is not plausible for {range.What} (expected {range.Min}–{range.Max} {range.Unit})".Replace("  ", " ", StringComparison.Ordinal));
        }
        return value;
    }

    /// <summary>A date inside [notBefore, notAfter]; each bound is named in the refusal ("in the future", "before birth").</summary>
    public DateOnly? Date(string field, DateOnly? value, (DateOnly Day, string Name)? notBefore = null, (DateOnly Day, string Name)? notAfter = null, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "required (YYYY-MM-DD)");
            }
            return null;
        }
        if (notBefore is { } lo && value < lo.Day)
        {
            Add(field, $"{value:yyyy-MM-dd} is before {lo.Name} ({lo.Day:yyyy-MM-dd})");
        }
        else if (notAfter is { } hi && value > hi.Day)
        {
            Add(field, $"{value:yyyy-MM-dd} is after {hi.Name} ({hi.Day:yyyy-MM-dd})");
        }
        return value;
    }

    /// <summary>Throws a <see cref="ValidationException"/> listing every bad field when there is one.</summary>
    public void ThrowIfAny()
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}

/// <summary>Length limits of stored text (issue #12 §8). Generous for people, far below what could hurt the database or a page.</summary>
public static class InputLimits
{
    /// <summary>Names, identifiers, codes, short labels.</summary>
    public const int ShortText = 200;

    /// <summary>Notes, reasons, descriptions.</summary>
    public const int Note = 4000;

    /// <summary>Operative note sections and other long clinical prose.</summary>
    public const int LongText = 20000;

    /// <summary>Request bodies (JSON or form), bytes; a procedure definition is far smaller.</summary>
    public const long RequestBodyBytes = 1024 * 1024;
}

/// <summary>
/// A plausible range for a measured value. These are data-entry limits that catch typos and unit mix-ups (a weight of
/// 0.001 kg, creatinine 1,000,000 mg/dL); they are deliberately wide and are not clinical thresholds — the clinical
/// thresholds (HbA1c target, INR limit, …) are settings with their sources in docs/clinical-rules.md.
/// </summary>
public sealed record Plausible(string What, decimal Min, decimal Max, string Unit)
{
    public static readonly Plausible WeightKg = new("weight", 0.3m, 400m, "kg");
    public static readonly Plausible HeightCm = new("height", 20m, 260m, "cm");
    public static readonly Plausible CreatinineMgDl = new("creatinine", 0.1m, 30m, "mg/dL");
    public static readonly Plausible CreatinineUmolL = new("creatinine", 9m, 2650m, "µmol/L");
    public static readonly Plausible Inr = new("INR", 0.5m, 15m, "");
    public static readonly Plausible CrpMgL = new("CRP", 0m, 700m, "mg/L");
    public static readonly Plausible EsrMmH = new("ESR", 0m, 200m, "mm/h");
    public static readonly Plausible HbA1cPercent = new("HbA1c", 3m, 20m, "%");
    public static readonly Plausible BloodLossMl = new("estimated blood loss", 0m, 20000m, "mL");
    public static readonly Plausible Aptt = new("aPTT", 10m, 200m, "s");

    // Implant sizes as typed from an implant record or an op note: wide enough for any screw, rod, wire or plate
    // (sublaminar wires ~1 mm, full-length rods several hundred mm); data-entry limits, not device specifications.
    public static readonly Plausible ComponentDiameterMm = new("component diameter", 0.5m, 50m, "mm");
    public static readonly Plausible ComponentLengthMm = new("component length", 1m, 700m, "mm");
}
