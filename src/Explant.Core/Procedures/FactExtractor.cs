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
            var range = ReadRange(line.Text, DurationUnit());
            if (range is { } r)
            {
                var factor = r.Unit.StartsWith('h') ? 60 : 1;
                return (new IntRange((int)Math.Round(r.Min * factor), (int)Math.Round(r.Max * factor)), line.Line);
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
            if (ReadRange(line.Text, DayUnit()) is { } r)
            {
                return (new IntRange((int)r.Min, (int)r.Max), line.Line);
            }
        }
        warnings.Add(new(recovery?.Line ?? 1, "could not read a hospital stay (e.g. 'in the hospital for 1 to 3 days'); stayDays left unset"));
        return (null, null);
    }

    private static (int?, int?) ExtractFasting(ProcedureSection? preparation, List<ParseMessage> warnings)
    {
        var line = preparation?.AllLines.FirstOrDefault(l => l.Text.Contains("fast", StringComparison.OrdinalIgnoreCase));
        if (line is null)
        {
            warnings.Add(new(preparation?.Line ?? 1, "no fasting instruction found in Preparation; fastingHours left unset"));
            return (null, null);
        }
        var match = FastingHours().Match(line.Text);
        if (!match.Success)
        {
            warnings.Add(new(line.Line, "could not read a number of hours from the fasting instruction; fastingHours left unset"));
            return (null, null);
        }
        return (int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture), line.Line);
    }

    private readonly record struct RawRange(double Min, double Max, string Unit);

    private static RawRange? ReadRange(string text, Regex unit)
    {
        var lower = text.ToLowerInvariant();
        foreach (Match m in RangePattern().Matches(lower))
        {
            var after = lower[(m.Index + m.Length)..];
            var u = unit.Match(after);
            if (!u.Success)
            {
                continue;
            }
            var min = Number(m.Groups["a"].Value);
            var max = m.Groups["b"].Success ? Number(m.Groups["b"].Value) : min;
            if (min is null || max is null || min > max || min <= 0)
            {
                return null;
            }
            return new RawRange(min.Value, max.Value, u.Groups[1].Success ? u.Groups[1].Value : u.Value.Trim());
        }
        return null;
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

    [GeneratedRegex(@"\b(?<a>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s*(?:to|-|\u2013|\u2014)\s*(?<b>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))?\b")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^\s*(hours?|hrs?|minutes?|mins?)\b")]
    private static partial Regex DurationUnit();

    [GeneratedRegex(@"^\s*(days?)\b")]
    private static partial Regex DayUnit();

    [GeneratedRegex(@"hospital|stay|inpatient|admission|ward|overnight", RegexOptions.IgnoreCase)]
    private static partial Regex StayContext();

    [GeneratedRegex(@"(?<n>\d+)\s*(?:hours?|hrs?|h)\b", RegexOptions.IgnoreCase)]
    private static partial Regex FastingHours();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonAlphanumeric();
}
