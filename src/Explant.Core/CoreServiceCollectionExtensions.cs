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
        services.AddOptions<HospitalOptions>().Bind(configuration.GetSection("Hospital"))
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Hospital:TimeZone is not a known IANA time zone").ValidateOnStart();
        services.AddSingleton<HospitalTime>();
        services.AddOptions<PathwayOptions>().Bind(configuration.GetSection("Pathway"));
        services.AddOptions<ReadinessOptions>().Bind(configuration.GetSection("Readiness"));
        services.AddScoped<ReadinessService>();
        services.AddOptions<Scheduling.SchedulingOptions>().Bind(configuration.GetSection("Scheduling"));
        services.AddOptions<Theatre.TheatreOptions>().Bind(configuration.GetSection("Theatre"))
            .Validate(o => o.Problems().Count == 0, "Theatre settings are invalid (see TheatreOptions.Problems)").ValidateOnStart();
        services.AddSingleton(configuration.GetSection("Coding").Get<Coding.CodingOptions>() ?? new Coding.CodingOptions());
        services.AddScoped<Theatre.TheatreService>();
        services.AddOptions<Recovery.RecoveryOptions>().Bind(configuration.GetSection("Recovery"));
        services.AddOptions<Recovery.OutcomeOptions>().Bind(configuration.GetSection("Outcomes"));
        services.AddScoped<Recovery.RecoveryService>();
        // Licensed ODI wording is site configuration (never shipped, DOMAIN.md §6.5); malformed text stops the start.
        services.AddOptions<Outcomes.OdiLicensedTextOptions>().Bind(configuration.GetSection(Outcomes.OdiLicensedTextOptions.SectionName))
            .Validate(o => o.Validate().Count == 0, "Outcomes:Odi:LicensedText is invalid (6 statements per section, a licence reference)").ValidateOnStart();
        return services;
    }
}
