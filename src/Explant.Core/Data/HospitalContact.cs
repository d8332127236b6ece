using System.Text.RegularExpressions;

namespace Explant.Core.Data;

/// <summary>
/// The hospital's day and out-of-hours phone numbers that patients call with warning signs (docs/clinical-rules.md §9: a
/// setting; instructions are not printed without it). A number from the fictional 555-0100…0199 range is a
/// placeholder: the demo uses one, anywhere else it stops the start (<see cref="Problems"/>).
/// </summary>
public sealed partial record HospitalContact(string? PhoneDay, string? PhoneOutOfHours)
{
    public static HospitalContact From(HospitalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Blank(options.PhoneDay), Blank(options.PhoneOutOfHours));
    }

    /// <summary>The "whom to call" sentence, or a refusal naming the settings when a number is missing.</summary>
    public string Require() =>
        PhoneDay is null || PhoneOutOfHours is null
            ? throw new DomainRuleException("hospital-phone-not-set",
                "the hospital's phone numbers are not set (Hospital:PhoneDay and Hospital:PhoneOutOfHours); discharge instructions are not given out without them")
            : $"During the day call the spine team on {PhoneDay}. Out of hours call {PhoneOutOfHours}. In an emergency call the emergency services.";

    /// <summary>Start-up validation of the Hospital section's phone numbers.</summary>
    public static IEnumerable<string> Problems(HospitalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, value) in new[] { ("PhoneDay", Blank(options.PhoneDay)), ("PhoneOutOfHours", Blank(options.PhoneOutOfHours)) })
        {
            if (value is null)
            {
                continue;
            }
            if (value.Length > 30 || !PhoneShape().IsMatch(value) || value.Count(char.IsAsciiDigit) < 7)
            {
                yield return $"{key} '{value}' is not a phone number (digits, spaces, + - ( ) . ; at least 7 digits)";
            }
            else if (!options.Demo && Fictional().IsMatch(value))
            {
                yield return $"{key} '{value}' is a placeholder (555-01xx numbers are fictional); set the hospital's real number";
            }
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^\+?[0-9 ()\-.]+$")]
    private static partial Regex PhoneShape();

    [GeneratedRegex(@"555[ \-.]?01[0-9]{2}")]
    private static partial Regex Fictional();
}
