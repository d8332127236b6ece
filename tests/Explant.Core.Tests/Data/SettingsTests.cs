using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Readiness;
using Explant.Core.Scheduling;
using Explant.Core.Theatre;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Tests.Data;

/// <summary>Issue #12 §10: a configured list replaces the default list; an invalid setting stops the start with its key.</summary>
public sealed class SettingsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddExplantCore(configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<OptionsValidationException> StartFails(Dictionary<string, string?> settings)
    {
        await using var sp = Services(settings);
        // ValidateOnStart runs through this validator when the host starts.
        var validator = sp.GetRequiredService<IStartupValidator>();
        return Assert.ThrowsAny<OptionsValidationException>(() => validator.Validate());
    }

    [Fact]
    public async Task A_configured_list_replaces_the_default_instead_of_being_appended()
    {
        await using var sp = Services(new()
        {
            ["Pathway:FusionEvidenceModalities:0"] = "MRI",
            ["Scheduling:RequiredCapabilities:0"] = "o-arm",
            ["Recovery:DischargeCriteria:0"] = "walks with a frame",
        });
        Assert.Equal([Modality.MRI], sp.GetRequiredService<IOptions<PathwayOptions>>().Value.FusionEvidenceModalities);
        Assert.Equal(["o-arm"], sp.GetRequiredService<IOptions<SchedulingOptions>>().Value.RequiredCapabilities);
        Assert.Equal(["walks with a frame"], sp.GetRequiredService<IOptions<Explant.Core.Recovery.RecoveryOptions>>().Value.DischargeCriteria);
    }

    [Fact]
    public async Task An_unconfigured_list_keeps_its_default_and_scalars_still_bind()
    {
        await using var sp = Services(new() { ["Readiness:LabWindowDays"] = "14", ["Theatre:MilestoneFutureToleranceMinutes"] = "5" });
        Assert.Equal([Modality.CT], sp.GetRequiredService<IOptions<PathwayOptions>>().Value.FusionEvidenceModalities);
        Assert.Equal(14, sp.GetRequiredService<IOptions<ReadinessOptions>>().Value.LabWindowDays);
        var theatre = sp.GetRequiredService<IOptions<TheatreOptions>>().Value;
        Assert.Equal(5, theatre.MilestoneFutureToleranceMinutes);
        Assert.Equal(new TheatreOptions().Prophylaxis.Count, theatre.Prophylaxis.Count);
    }

    [Theory]
    [InlineData("Readiness:LabWindowDays", "0", "Readiness: LabWindowDays")]
    [InlineData("Readiness:HbA1cTarget", "80", "Readiness: HbA1cTarget")]
    [InlineData("Scheduling:SurgeonDailyLimitMinutes", "-5", "Scheduling: SurgeonDailyLimitMinutes")]
    [InlineData("Recovery:MissedContactsForLoss", "0", "Recovery: MissedContactsForLoss")]
    [InlineData("Theatre:MilestoneFutureToleranceMinutes", "600", "Theatre")]
    [InlineData("Hospital:TimeZone", "Mars/Olympus", "Hospital: TimeZone")]
    [InlineData("Hospital:PhoneDay", "+1 312 555 0142", "Hospital: PhoneDay '+1 312 555 0142' is a placeholder")]
    [InlineData("Hospital:PhoneOutOfHours", "ask the ward", "Hospital: PhoneOutOfHours 'ask the ward' is not a phone number")]
    [InlineData("Readiness:InfantFeedingUpToMonths", "0", "Readiness: InfantFeedingUpToMonths")]
    [InlineData("Recovery:FeverThresholdCelsius", "39.5", "Recovery: FeverThresholdCelsius")]
    [InlineData("Coding:DistinctProcedureModifier", "LT", "Coding: DistinctProcedureModifier: 'LT' must be one of")]
    [InlineData("Coding:RelativeValues:22852", "-1", "Coding: RelativeValues:22852: -1 must be positive")]
    [InlineData("Coding:RelativeValues:2285", "20", "Coding: RelativeValues:2285: '2285' is not a CPT code")]
    [InlineData("Coding:GlobalPeriods:22852", "90", "Coding: GlobalPeriods:22852: '90' is not a global-period indicator")]
    [InlineData("Coding:GlobalPeriods:L3-L5", "090", "Coding: GlobalPeriods:L3-L5: 'L3-L5' is not a CPT code")]
    public async Task An_invalid_setting_stops_the_start_naming_its_key(string key, string value, string named)
    {
        var ex = await StartFails(new() { [key] = value });
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_may_use_fictional_phone_numbers_and_real_numbers_start_anywhere()
    {
        await using (var demo = Services(new(Explant.Core.Demo.DemoSettings.Values)))
        {
            demo.GetRequiredService<IStartupValidator>().Validate();
            Assert.Equal("+1 312 555 0142", demo.GetRequiredService<IOptions<Explant.Core.Data.HospitalOptions>>().Value.PhoneDay);
        }
        await using var real = Services(new() { ["Hospital:PhoneDay"] = "+1 (312) 996-4000", ["Hospital:PhoneOutOfHours"] = "312.996.4100" });
        real.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task Valid_coding_settings_reach_the_coding_run()
    {
        await using var sp = Services(new() { ["Coding:DistinctProcedureModifier"] = "XS", ["Coding:RelativeValues:22852"] = "20.5" });
        sp.GetRequiredService<IStartupValidator>().Validate();
        var coding = sp.GetRequiredService<Explant.Core.Coding.CodingOptions>();
        Assert.Equal("XS", coding.DistinctProcedureModifier);
        Assert.Equal(20.5m, coding.RelativeValues["22852"]);
        Assert.Equal("090", coding.GlobalPeriods["22852"]);
    }
}
