using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

public sealed class HospitalOptions
{
    public string Name { get; set; } = "Explant";

    /// <summary>IANA time zone of the hospital (e.g. "America/Chicago"); every time shown to people is in this zone.</summary>
    public string TimeZone { get; set; } = "UTC";
}

/// <summary>Times are stored in UTC and shown in the hospital's zone, daylight saving included.</summary>
public sealed class HospitalTime(IOptions<HospitalOptions> options)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo Zone => zone;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>"2026-12-06 23:00 CST"-style text for screens and print.</summary>
    public string Format(DateTime utc)
    {
        var local = ToLocal(utc);
        var abbreviation = zone.IsDaylightSavingTime(local) ? zone.DaylightName : zone.StandardName;
        return $"{local:yyyy-MM-dd HH:mm} {abbreviation}";
    }

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";
}
