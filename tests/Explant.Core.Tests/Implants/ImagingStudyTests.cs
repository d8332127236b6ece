using Explant.Core.Data;
using Explant.Core.Implants;

namespace Explant.Core.Tests.Implants;

public sealed class ImagingStudyTests
{
    private static readonly DateOnly Today = new(2025, 3, 3);

    internal static ImagingStudy Study(Modality modality, params (string Levels, FusionStatus Status)[] fusion) =>
        Study(Guid.NewGuid(), modality, fusion);

    internal static ImagingStudy Study(Guid patientId, Modality modality, params (string Levels, FusionStatus Status)[] fusion) =>
        ImagingStudy.Record(patientId, Today.AddDays(-10), modality, [.. fusion.Select(f => new ImagingStudy.FusionInput(f.Levels, f.Status))], [], null, "Dr Rad", Today);

    [Theory]
    [InlineData("L3-L5", true)]
    [InlineData("L4", true)]
    [InlineData("L3-L4", true)]
    [InlineData("L2-L5", false)]
    [InlineData("L3-S1", false)]
    public void Solid_fusion_must_cover_every_level_of_the_span(string span, bool shows) =>
        Assert.Equal(shows, Study(Modality.CT, ("L3-L5", FusionStatus.Solid)).ShowsSolidFusionAcross(LevelRange.Parse(span)));

    [Fact]
    public void Several_solid_findings_may_cover_the_span_together()
    {
        var study = Study(Modality.CT, ("L3-L4", FusionStatus.Solid), ("L5", FusionStatus.Solid));
        Assert.True(study.ShowsSolidFusionAcross(LevelRange.Parse("L3-L5")));
    }

    [Theory]
    [InlineData(FusionStatus.Partial)]
    [InlineData(FusionStatus.Pseudarthrosis)]
    [InlineData(FusionStatus.NotAssessed)]
    public void A_level_that_is_not_solid_breaks_the_span(FusionStatus status)
    {
        var study = Study(Modality.CT, ("L3-L4", FusionStatus.Solid), ("L5", status));
        Assert.False(study.ShowsSolidFusionAcross(LevelRange.Parse("L3-L5")));
        Assert.True(study.ShowsSolidFusionAcross(LevelRange.Parse("L3-L4")));
    }

    [Fact]
    public void No_findings_show_no_fusion() =>
        Assert.False(Study(Modality.CT).ShowsSolidFusionAcross(LevelRange.Parse("L4")));

    [Fact]
    public void Findings_are_stored_canonically()
    {
        var finding = Assert.Single(Study(Modality.MRI, ("l5 \u2013 s1", FusionStatus.Solid)).Fusion);
        Assert.Equal("L5", finding.From);
        Assert.Equal("S1", finding.To);
        Assert.Equal(LevelRange.Parse("L5-S1"), finding.Range);
    }

    [Fact]
    public void Every_bad_field_is_reported()
    {
        var ex = Assert.Throws<ValidationException>(() => ImagingStudy.Record(Guid.NewGuid(), Today.AddDays(1), Modality.CT,
            [new("L3-L5", FusionStatus.Solid), new("L5-L3", FusionStatus.Solid)],
            [new(HardwareFindingKind.Loosening, "L4", null), new(HardwareFindingKind.Breakage, "L9", "rod")],
            null, "Dr Rad", Today));
        Assert.Equal(new[] { "fusion[1].levels", "hardware[1].level", "studyDate" }, ex.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
