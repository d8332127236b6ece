using System.Globalization;
using System.Text.RegularExpressions;

namespace Explant.Core.Procedures;

/// <summary>
/// Pulls structured facts out of the prose. It reads only patterns it is sure of; anything else leaves the
/// fact unset with a warning naming the line, because a guessed fasting time or stay is a clinical hazard.
/// </summary>
internal static partial class FactExtractor
{
    private sealed record KeyRule(string Key, string[] Keywords);

    // Keys are the product's stable vocabulary: cases, consent and the complication register refer to them.
    private static readonly KeyRule[] IndicationRules =
    [
        new("skin-breakdown", ["skin"]),
        new("infection", ["infect"]),
        new("support-complete", ["support period", "no longer needed"]),
        new("malfunction", ["malfunction", "migrat", "broken", "breakage", "loosen", "displace", "failure"]),
        new("pain", ["pain", "discomfort"]),
    ];

    private static readonly KeyRule[] RiskRules =
    [
        new("infection", ["infect"]),
        new("blood-loss", ["blood", "bleed", "hemorrh", "haemorrh"]),
        new("nerve-damage", ["nerve", "neurolog", "paralys"]),
        new("spinal-instability", ["instabil"]),
        new("recurrence", ["recurr"]),
        new("anesthesia-reaction", ["anesth", "anaesth"]),
        new("dural-tear", ["dural", "csf leak", "cerebrospinal"]),
        new("hematoma", ["hematoma", "haematoma"]),
        new("wound-dehiscence", ["dehisc"]),
    ];

    private static readonly KeyRule[] BenefitRules =
    [
        new("pain-relief", ["relief", "pain"]),
        new("infection-resolution", ["infect", "inflamm"]),
        new("quality-of-life", ["mobility", "quality of life"]),
        new("expected-timing", ["realized", "realised", "weeks"]),
        new("failed-hardware-removed", ["broken", "moved", "failed"]),
    ];

    private static readonly KeyRule[] AlternativeRules =
    [
        new("conservative-care", ["conservative", "physical therapy", "physiotherapy"]),
        new("revision-surgery", ["revision", "replace", "adjust"]),
        new("observation", ["observ", "monitor"]),
    ];

    // Team roles used by scheduling (issue: staff with roles); ordered so "scrub nurse" is not read as "nurse".
    private static readonly KeyRule[] PersonnelRules =
    [
        new("anesthesiologist", ["anesthesi", "anaesthe", "crna"]),
        new("surgeon", ["surgeon"]),
        new("surgical-technologist", ["technolog", "scrub"]),
        new("radiographer", ["radiograph", "radiolog"]),
        new("neuromonitoring", ["neuromonitor", "monitoring staff"]),
        new("nurse", ["nurse"]),
    ];

    public static ProcedureFacts Extract(IReadOnlyList<ProcedureSection> sections, List<ParseMessage> warnings)
    {
        ProcedureSection? Find(string heading) => sections.FirstOrDefault(s => s.Heading == heading);

        var (duration, durationLine) = ExtractDuration(Find(SectionHeadings.Duration), warnings);
        var (stay, stayLine) = ExtractStay(Find(SectionHeadings.Recovery), Find(SectionHeadings.Setting), warnings);
        var (fasting, fastingLine) = ExtractFasting(Find(SectionHeadings.Preparation), warnings);

        return new ProcedureFacts(
            duration, durationLine, stay, stayLine, fasting, fastingLine,
            Keyed(Find(SectionHeadings.Indications), IndicationRules, "indication", warnings),
            Keyed(Find(SectionHeadings.Risks), RiskRules, "risk", warnings),
            Keyed(Find(SectionHeadings.Benefits), BenefitRules, "benefit", warnings),
            Keyed(Find(SectionHeadings.Alternatives), AlternativeRules, "alternative", warnings),
            Keyed(Find(SectionHeadings.Personnel), PersonnelRules, "personnel entry", warnings));
    }

    private static (IntRange?, int?) ExtractDuration(ProcedureSection? section, List<ParseMessage> warnings)
    {
        if (section is null)
        {
            warnings.Add(new(1, "no Duration section; durationMinutes left unset"));
            return (null, null);
        }
        foreach (var line in section.AllLines)
        {
            if (ReadRange(line.Text, DurationRange(), DurationSingle(), u => u.StartsWith('h') ? 60 : 1) is { } r)
            {
                return (new IntRange((int)Math.Round(r.Min), (int)Math.Round(r.Max)), line.Line);
            }
        }
        warnings.Add(new(section.Line, "could not read a duration (e.g. '1 to 3 hours') from the Duration section; durationMinutes left unset"));
        return (null, null);
    }

    private static (IntRange?, int?) ExtractStay(ProcedureSection? recovery, ProcedureSection? setting, List<ParseMessage> warnings)
    {
        var candidates = (recovery?.AllLines ?? []).Concat(setting?.AllLines ?? [])
            .Where(l => StayContext().IsMatch(l.Text));
        foreach (var line in candidates)
        {
            if (ReadRange(line.Text, DayRange(), DaySingle(), _ => 1) is { } r)
            {
                if (r.Min != Math.Floor(r.Min) || r.Max != Math.Floor(r.Max))
                {
                    warnings.Add(new(line.Line, "a hospital stay in fractions of a day cannot be read as whole days; stayDays left unset"));
                    return (null, null);
                }
                return (new IntRange((int)r.Min, (int)r.Max), line.Line);
            }
        }
        warnings.Add(new(recovery?.Line ?? 1, "could not read a hospital stay (e.g. 'in the hospital for 1 to 3 days'); stayDays left unset"));
        return (null, null);
    }

    private static (int?, int?) ExtractFasting(ProcedureSection? preparation, List<ParseMessage> warnings)
    {
        // "fast"/"fasting" as a word: "breakfast" is not a fasting instruction.
        var line = preparation?.AllLines.FirstOrDefault(l => FastingWord().IsMatch(l.Text));
        if (line is null)
        {
            warnings.Add(new(preparation?.Line ?? 1, "no fasting instruction found in Preparation; fastingHours left unset"));
            return (null, null);
        }
        var match = FastingHours().Match(line.Text);
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours is < 1 or > 48)
        {
            warnings.Add(new(line.Line, "could not read a plausible number of hours (1-48) from the fasting instruction; fastingHours left unset"));
            return (null, null);
        }
        return (hours, line.Line);
    }

    private readonly record struct RawRange(double Min, double Max);

    /// <summary>
    /// "1 to 3 hours", "90 minutes to 3 hours", "45-90 min", "about 2 hours". Each end may carry its own unit;
    /// an end without one takes the other's. Anything inconsistent (min &gt; max, zero) reads as nothing.
    /// </summary>
    private static RawRange? ReadRange(string text, Regex range, Regex single, Func<string, double> factor)
    {
        var lower = text.ToLowerInvariant();
        var m = range.Match(lower);
        if (!m.Success)
        {
            m = single.Match(lower);
            if (!m.Success)
            {
                return null;
            }
        }
        var unitA = m.Groups["ua"].Success ? m.Groups["ua"].Value : m.Groups["ub"].Value;
        var unitB = m.Groups["ub"].Success ? m.Groups["ub"].Value : unitA;
        var a = Number(m.Groups["a"].Value);
        var b = m.Groups["b"].Success ? Number(m.Groups["b"].Value) : a;
        if (a is null || b is null || unitA.Length == 0)
        {
            return null;
        }
        var min = a.Value * factor(unitA);
        var max = b.Value * factor(unitB);
        return min <= 0 || min > max ? null : new RawRange(min, max);
    }

    private static readonly string[] NumberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];

    private static double? Number(string token)
    {
        var index = Array.IndexOf(NumberWords, token);
        if (index >= 0)
        {
            return index;
        }
        return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static List<KeyedItem> Keyed(ProcedureSection? section, KeyRule[] rules, string what, List<ParseMessage> warnings)
    {
        var result = new List<KeyedItem>();
        if (section is null)
        {
            return result;
        }
        foreach (var line in section.Items.Count > 0 ? section.Items : section.Paragraphs)
        {
            var lower = line.Text.ToLowerInvariant();
            var rule = rules.FirstOrDefault(r => r.Keywords.Any(k => lower.Contains(k, StringComparison.Ordinal)));
            var key = rule?.Key ?? Slug(line.Text);
            if (rule is null)
            {
                warnings.Add(new(line.Line, $"{what} '{line.Text}' matches no known key; kept as '{key}'"));
            }
            if (result.Any(r => r.Key == key))
            {
                var unique = key;
                for (var n = 2; result.Any(r => r.Key == unique); n++)
                {
                    unique = $"{key}-{n}";
                }
                warnings.Add(new(line.Line, $"{what} '{line.Text}' repeats key '{key}'; kept as '{unique}'"));
                key = unique;
            }
            result.Add(new KeyedItem(key, line.Text, line.Line));
        }
        return result;
    }

    internal static string Slug(string text)
    {
        var slug = NonAlphanumeric().Replace(text.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 40)
        {
            slug = slug[..40].TrimEnd('-');
        }
        return slug.Length == 0 ? "item" : slug;
    }

    private const string Num = @"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
    private const string DurUnit = @"(?:hours?|hrs?|minutes?|mins?)";

    [GeneratedRegex(@"\b(?<a>" + Num + @")\s*(?<ua>" + DurUnit + @")?\s*(?:to|-|\u2013|\u2014)\s*(?<b>" + Num + @")\s*(?<ub>" + DurUnit + @")\b")]
    private static partial Regex DurationRange();

    [GeneratedRegex(@"\b(?<a>" + Num + @")\s*(?<ua>" + DurUnit + @")\b")]
    private static partial Regex DurationSingle();

    [GeneratedRegex(@"\b(?<a>" + Num + @")\s*(?:to|-|\u2013|\u2014)\s*(?<b>" + Num + @")\s*(?<ub>days?)\b")]
    private static partial Regex DayRange();

    [GeneratedRegex(@"\b(?<a>" + Num + @")\s*(?<ua>days?)\b")]
    private static partial Regex DaySingle();

    [GeneratedRegex(@"\bfast(?:ing|ed)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex FastingWord();

    [GeneratedRegex(@"hospital|stay|inpatient|admission|ward|overnight", RegexOptions.IgnoreCase)]
    private static partial Regex StayContext();

    [GeneratedRegex(@"(?<n>\d+)\s*(?:hours?|hrs?|h)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FastingHours();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
