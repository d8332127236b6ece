using Explant.Core.Data;
using Explant.Core.Recovery;
using Explant.Core.Tests.Procedures;

namespace Explant.Core.Tests.Recovery;

/// <summary>
/// The "call us if" part of the discharge instructions (issue #13 §7, docs/clinical-rules.md §9 [S65][S66][S67]): warning signs
/// after spine surgery, not the consent's risk list, with the hospital's own numbers — and no instructions without them.
/// </summary>
public sealed class DischargeInstructionsTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private static readonly HospitalContact Phones = new("+1 312 996 4000", "+1 312 996 4100");

    private static DischargeInstructions Make(HospitalContact contact, decimal fever = 38.0m) =>
        DischargeInstructions.From("Ann Walker", "General", 7, Chicago, new RecoveryRig().Record, SeedText.ParseOk(TestFiles.Seed), [], null, contact, fever);

    private static IReadOnlyList<string> Bullets(DischargeInstructions d, string heading) => d.Sections.Single(s => s.Heading == heading).Bullets;

    [Fact]
    public void Warning_signs_are_the_spine_surgery_signs_with_the_fever_threshold_not_the_consents_risks()
    {
        var definition = SeedText.ParseOk(TestFiles.Seed);
        var d = Make(Phones);
        var signs = Bullets(d, DischargeInstructions.WarningSigns);
        Assert.Contains("a temperature of 38.0 °C (100.4 °F) or higher, or chills", signs);
        Assert.Contains(signs, s => s.Contains("calf", StringComparison.Ordinal));
        Assert.Contains(signs, s => s.Contains("numbness", StringComparison.Ordinal) && s.Contains("weakness", StringComparison.Ordinal));
        Assert.Contains(signs, s => s.Contains("urine", StringComparison.Ordinal));
        Assert.Contains(signs, s => s.Contains("bowel", StringComparison.Ordinal));
        Assert.Equal(WarningSigns.EmergencySigns, Bullets(d, DischargeInstructions.Emergency));
        Assert.NotEmpty(definition.Facts.Risks);
        foreach (var risk in definition.Facts.Risks)
        {
            Assert.DoesNotContain(d.Sections.SelectMany(s => s.Bullets), b => b == risk.Text);
        }
        Assert.Contains("a temperature of 38.3 °C (100.9 °F) or higher, or chills", Bullets(Make(Phones, 38.3m), DischargeInstructions.WarningSigns));
    }

    [Fact]
    public void Whom_to_call_gives_the_hospitals_day_and_out_of_hours_numbers()
    {
        var call = Assert.Single(Make(Phones).Sections.Single(s => s.Heading == DischargeInstructions.WhomToCall).Paragraphs);
        Assert.Contains("+1 312 996 4000", call, StringComparison.Ordinal);
        Assert.Contains("+1 312 996 4100", call, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "+1 312 996 4100")]
    [InlineData("+1 312 996 4000", null)]
    public void Without_the_hospitals_numbers_no_instructions_are_made(string? day, string? night)
    {
        var e = Assert.Throws<DomainRuleException>(() => Make(new HospitalContact(day, night)));
        Assert.Equal("hospital-phone-not-set", e.Rule);
        Assert.Contains("Hospital:PhoneDay", e.Message, StringComparison.Ordinal);
    }
}
