using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

public sealed class HospitalOptions
{
    public string Name { get; set; } = "Explant";

    /// <summary>IANA time zone of the hospital (e.g. "America/Chicago"); every time shown to people is in this zone.</summary>
    public string TimeZone { get; set; } = "UTC";
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

    /// <summary>"2026-12-06 23:00 CST"-style text for screens and print.</summary>
    public string Format(DateTime utc)
    {
        var local = ToLocal(utc);
        var abbreviation = zone.IsDaylightSavingTime(local) ? zone.DaylightName : zone.StandardName;
        return $"{local:yyyy-MM-dd HH:mm} {abbreviation}";
    }

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";
}
