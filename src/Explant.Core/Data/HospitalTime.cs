using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

public sealed class HospitalOptions
{
    public string Name { get; set; } = "Explant";

    /// <summary>IANA time zone of the hospital (e.g. "America/Chicago"); every time shown to people is in this zone.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The number patients call during the day with warning signs (<see cref="HospitalContact"/>).</summary>
    public string? PhoneDay { get; set; }

    /// <summary>The number patients call out of hours.</summary>
    public string? PhoneOutOfHours { get; set; }

    /// <summary>Set by the demo (`--demo`, `demo seed`): placeholder phone numbers are allowed, nowhere else.</summary>
    public bool Demo { get; set; }
}

/// <summary>
/// The one clock of the application (issue #12 §9): "now", "today" and every local time come from here, in the
/// hospital's zone, so the API, the forms, the pages, the CLI and the demo agree on what day it is. Times are
/// stored in UTC and shown in the hospital's zone, daylight saving included. Tests inject a FakeTimeProvider.
/// </summary>
public sealed class HospitalTime(IOptions<HospitalOptions> options, TimeProvider clock)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo Zone => zone;

    /// <summary>The hospital's name as patients read it (instructions).</summary>
    public string HospitalName => options.Value.Name;

    public TimeProvider Clock => clock;

    /// <summary>Now, in UTC (DateTimeKind.Utc).</summary>
    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    /// <summary>Now, as wall-clock time in the hospital's zone.</summary>
    public DateTime LocalNow => ToLocal(UtcNow);

    /// <summary>Today's date in the hospital's zone (never the UTC date: at 19:00 in Chicago UTC is already tomorrow).</summary>
    public DateOnly Today => DateOnly.FromDateTime(LocalNow);

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>The local date of a UTC instant.</summary>
    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(ToLocal(utc));

    /// <summary>A wall-clock time in the hospital's zone as UTC; a time skipped when clocks go forward is refused.</summary>
    public DateTime ToUtc(DateTime local) => Readiness.Fasting.ToUtc(local, zone);

    public DateTime ToUtc(DateOnly date, TimeOnly time) => ToUtc(date.ToDateTime(time));

    /// <summary>
    /// A wall-clock time in the hospital's zone as UTC for a command's input: a time the clocks skip (spring forward)
    /// or pass twice (fall back) is added to <paramref name="check"/> naming <paramref name="field"/> and null is
    /// returned, so the caller answers 400 instead of guessing which instant was meant (or failing with a 500).
    /// </summary>
    public DateTime? ToUtc(Validation.Check check, string field, DateTime local, string? ambiguousHint = null)
    {
        ArgumentNullException.ThrowIfNull(check);
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            check.Add(field, $"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks go forward that night; choose a time outside the skipped hour");
            return null;
        }
        if (zone.IsAmbiguousTime(unspecified))
        {
            check.Add(field, $"{local:yyyy-MM-dd HH:mm} happens twice in {zone.Id}: the clocks go back that night; "
                + (ambiguousHint ?? "choose a time outside the repeated hour"));
            return null;
        }
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    /// <summary>
    /// "2026-12-07T07:30" — a local date and time in the hospital's zone, as the planned-surgery API and form send it —
    /// as UTC. Malformed, skipped (DST gap) and repeated (DST overlap) times are added to <paramref name="check"/>.
    /// </summary>
    public DateTime? ParseLocal(Validation.Check check, string field, string? local, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (string.IsNullOrWhiteSpace(local))
        {
            if (required)
            {
                check.Add(field, $"required: a local date and time (YYYY-MM-DDTHH:MM, {zone.Id})");
            }
            return null;
        }
        var v = local.Trim();
        if (!DateTime.TryParseExact(v, "yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value))
        {
            check.Add(field, $"'{(v.Length > 40 ? v[..40] + "…" : v)}' is not a local date and time (YYYY-MM-DDTHH:MM, {zone.Id})");
            return null;
        }
        return ToUtc(check, field, value);
    }

    /// <summary>"2026-12-06 23:00 CST"-style text for screens and print.</summary>
    public string Format(DateTime utc)
    {
        var local = ToLocal(utc);
        var abbreviation = zone.IsDaylightSavingTime(local) ? zone.DaylightName : zone.StandardName;
        return $"{local:yyyy-MM-dd HH:mm} {abbreviation}";
    }

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";
}
