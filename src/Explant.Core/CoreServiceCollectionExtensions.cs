using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Data, options and domain services shared by the web app and the CLI.</summary>
    public static IServiceCollection AddExplantCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExplantData(configuration);
        services.AddSettings<HospitalOptions>(configuration, "Hospital", o =>
            [.. TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _) ? [] : new[] { $"TimeZone '{o.TimeZone}' is not a known IANA time zone" },
             .. HospitalContact.Problems(o)]);
        services.AddSingleton<HospitalTime>();
        services.AddSettings<Audit.AuditOptions>(configuration, "Audit", o => o.Problems());
        // Settings sections: configured lists replace the defaults, and a bad value stops the start with its key (Settings).
        services.AddSettings<PathwayOptions>(configuration, "Pathway", o =>
            o.FusionEvidenceModalities.Count == 0 ? ["FusionEvidenceModalities needs at least one modality (S26: CT)"] : []);
        services.AddSettings<ReadinessOptions>(configuration, "Readiness", ReadinessProblems);
        services.AddScoped<ReadinessService>();
        services.AddSingleton<CaseReadCache>();
        services.AddSettings<Scheduling.SchedulingOptions>(configuration, "Scheduling", o =>
            [.. Settings.Range("SurgeonDailyLimitMinutes", o.SurgeonDailyLimitMinutes, 30, 1440), .. Settings.Range("DefaultTurnoverMinutes", o.DefaultTurnoverMinutes, 0, 240),
             .. Settings.Range("Duration:BookingQuantile", o.Duration.BookingQuantile, 0.05, 0.99), .. Settings.Range("ProposalSeconds", o.ProposalSeconds, 1, 60)]);
        services.AddSettings<Theatre.TheatreOptions>(configuration, "Theatre", o => o.Problems());
        // Coding settings are validated when the application starts (each problem naming its key), not first when a
        // coding run (the operative note's draft) meets them.
        services.AddSettings<Coding.CodingOptions>(configuration, "Coding", o => o.Validate().Select(p => p.StartsWith("Coding:", StringComparison.Ordinal) ? p["Coding:".Length..] : p));
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Coding.CodingOptions>>().Value);
        services.AddScoped<Theatre.TheatreService>();
        services.AddSettings<Recovery.RecoveryOptions>(configuration, "Recovery", o =>
            [.. Settings.Range("MissedContactsForLoss", o.MissedContactsForLoss, 1, 20), .. Settings.Range("FeverThresholdCelsius", (double)o.FeverThresholdCelsius, 38.0, 38.3),
             .. o.DischargeCriteria.Count == 0 ? new[] { "DischargeCriteria needs at least one criterion" } : []]);
        services.AddSettings<Recovery.OutcomeOptions>(configuration, "Outcomes", o => Settings.Range("LinkLifetimeDays", o.LinkLifetimeDays, 1, 90));
        services.AddScoped<Recovery.RecoveryService>();
        // Licensed ODI wording is site configuration (never shipped, docs/clinical-rules.md §9); malformed text stops the start.
        services.AddOptions<Outcomes.OdiLicensedTextOptions>().Bind(configuration.GetSection(Outcomes.OdiLicensedTextOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Outcomes:Odi:LicensedText is invalid (6 statements per section, a licence reference)").ValidateOnStart();
        return services;
    }

    private static IEnumerable<string> ReadinessProblems(ReadinessOptions o)
    {
        foreach (var (key, days) in new[] { ("RadiographWindowDays", o.RadiographWindowDays), ("LabWindowDays", o.LabWindowDays), ("TypeAndScreenWindowDays", o.TypeAndScreenWindowDays),
            ("HbA1cWindowDays", o.HbA1cWindowDays), ("PregnancyTestWindowDays", o.PregnancyTestWindowDays), ("HistoryPhysicalWindowDays", o.HistoryPhysicalWindowDays) })
        {
            foreach (var p in Settings.Range(key, days, 1, 365)) { yield return p; }
        }
        foreach (var p in Settings.Range("HistoryPhysicalUpdateHours", o.HistoryPhysicalUpdateHours, 1, 168)) { yield return p; }
        foreach (var p in Settings.Range("MedicationReviewLeadDays", o.MedicationReviewLeadDays, 1, 60)) { yield return p; }
        foreach (var p in Settings.Range("HbA1cTarget", (double)o.HbA1cTarget, 5, 14)) { yield return p; }
        if (o.InrThreshold is { } inr) { foreach (var p in Settings.Range("InrThreshold", (double)inr, 1, 3)) { yield return p; } }
        if (o.AspirinOmitDays is { } a) { foreach (var p in Settings.Range("AspirinOmitDays", a, 0, 14)) { yield return p; } }
        if (!Enum.IsDefined(o.GlpPolicy)) { yield return $"GlpPolicy '{o.GlpPolicy}' is not one of {string.Join(", ", Enum.GetNames<GlpPolicy>())}"; }
        if (o.PregnancyTestMinAge >= o.PregnancyTestMaxAge) { yield return "PregnancyTestMinAge must be below PregnancyTestMaxAge"; }
        foreach (var p in Settings.Range("InfantFeedingUpToMonths", o.InfantFeedingUpToMonths, 1, 72)) { yield return p; }
        foreach (var (intake, hours) in o.FastingHours)
        {
            foreach (var p in Settings.Range($"FastingHours:{intake}", hours, 0, 24)) { yield return p; }
        }
    }
}
