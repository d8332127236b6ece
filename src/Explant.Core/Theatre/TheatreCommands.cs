using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Validation;

namespace Explant.Core.Theatre;

// One input record per day-of-surgery write ("one command per write", issue #12): the JSON API binds
// them from the body, the theatre forms from the posted fields, and TheatreService validates and applies them, so
// both doors refuse the same input with the same words. Property names are the JSON names used in error fields.

public sealed record CheckInCommand(string? Mrn, DateOnly? BirthDate, bool FastingConfirmed, bool MedicationHoldsConfirmed, string? Note);

/// <summary>A checklist answer; no answer means "Yes" (the N/A answer is always explicit).</summary>
public sealed record TickCommand(string? ItemId, TickAnswer? Answer, string? Note);

public sealed record LevelsCommand(string? Levels, string? Image);

/// <summary>A milestone; <see cref="At"/> is a time as typed (see <see cref="RecordedTime"/>), blank = now.</summary>
public sealed record MilestoneCommand(Milestone? Milestone, string? At);

public sealed record StepCommand(int? Index, bool Done, string? Note);

public sealed record FusionLine(string? Range, FusionStatus? Status);

public sealed record FindingsCommand(IReadOnlyList<FusionLine>? Fusion, bool Loosening, bool Breakage, bool InfectionSigns, bool DuralTear,
    decimal? EstimatedBloodLossMl, string? Note)
{
    /// <summary>
    /// The theatre form's fusion box: one range and status per line or comma ("L3-L5 Solid"). A line that is not a
    /// range and a status is refused with its number, so nothing typed is silently dropped.
    /// </summary>
    public static IReadOnlyList<FusionLine> ParseFusionText(string? text)
    {
        var check = new Check();
        var lines = (text ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<FusionLine>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Split(' ', 2, StringSplitOptions.TrimEntries) is [var range, var status] && Enum.TryParse<FusionStatus>(status, true, out var st)
                && Enum.IsDefined(st) && !int.TryParse(status, out _))
            {
                result.Add(new FusionLine(range, st));
            }
            else
            {
                check.Add("fusion", $"line {i + 1} '{(lines[i].Length > 40 ? lines[i][..40] + "…" : lines[i])}': write a range and a status, e.g. 'L3-L5 Solid'");
            }
        }
        check.ThrowIfAny();
        return result;
    }
}

/// <summary>Prophylaxis; the times are as typed (see <see cref="RecordedTime"/>), blank = not given.</summary>
public sealed record ProphylaxisCommand(string? Agent, string? GivenAt, string? DelayedForCulturesReason, string? RedoseAt);

public sealed record SpecimenCommand(SpecimenKind? Kind, string? Description);

public sealed record CountsCommand(bool? Correct, string? Discrepancy);

public sealed record AccountCommand(Guid? LineId, ExplantOutcome? Outcome, ComponentCondition? Condition, string? Detail, bool RetrievalAnalysis, string? Disposition);

public sealed record UnplannedCommand(string? Description, string? Level, string? Side, ExplantOutcome? Outcome, ComponentCondition? Condition,
    string? Detail, bool RetrievalAnalysis, string? Disposition);

public sealed record NoteSectionCommand(string? Key, string? Text);

/// <summary>The whole draft at once (issue #13 §5: one form, one Save): section key → text; sections left out keep their text.</summary>
public sealed record NoteSectionsCommand(IReadOnlyDictionary<string, string?>? Sections);

public sealed record AddendumCommand(string? Text);

/// <summary>
/// Times typed for the record, in one place for the API and the forms (issue "Pathway integrity"):
/// <list type="bullet">
/// <item>with an offset or <c>Z</c> ("2026-12-14T13:05:00Z", "…+01:00"): that instant;</item>
/// <item>a date and time without offset ("2026-12-14T07:05"): wall-clock time in the hospital's zone;</item>
/// <item>a time of day ("07:05"): that wall-clock time today in the hospital's zone (the tablet form).</item>
/// </list>
/// Never the server's own zone: the server may run in UTC while the hospital is in Chicago.
/// </summary>
public static class RecordedTime
{
    private static readonly string[] TimeOfDay = ["HH:mm", "HH:mm:ss"];

    private static readonly string[] WallClock =
        ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    private static readonly string[] Instant =
    [
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>The UTC instant of a typed time, or null when blank; a malformed time is added to <paramref name="check"/>.</summary>
    public static DateTime? Parse(Check check, string field, string? value, HospitalTime time)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var v = value.Trim();
        // Skipped (spring forward) and repeated (fall back) wall-clock times are refused naming the field; a repeated
        // one can be given as an instant with its offset instead.
        const string withOffset = "give it with its offset (e.g. 2026-11-01T01:30-05:00)";
        if (TimeOnly.TryParseExact(v, TimeOfDay, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return time.ToUtc(check, field, time.Today.ToDateTime(t), withOffset);
        }
        if (DateTime.TryParseExact(v, WallClock, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return time.ToUtc(check, field, local, withOffset);
        }
        if (DateTimeOffset.TryParseExact(v, Instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.UtcDateTime;
        }
        check.Add(field, $"'{(v.Length > 40 ? v[..40] + "…" : v)}' is not a time: HH:mm (today, {time.Zone.Id}), YYYY-MM-DDTHH:mm ({time.Zone.Id}) or an instant with Z or an offset");
        return null;
    }
}
