using Explant.Core.Cases;
using Explant.Core.Data;
using static Explant.Core.Tests.Cases.CaseBuilder;

namespace Explant.Core.Tests.Cases;

/// <summary>Issue #12 §8: implausible results are bad input, refused by field, and nothing is stored.</summary>
public sealed class PlausibleResultTests
{
    private static readonly DateOnly Today = new(2025, 3, 3);
    private static readonly DateOnly Born = new(1970, 5, 1);

    [Theory]
    [InlineData(LabKind.Creatinine, 1000000, "mg/dL", "value")]
    [InlineData(LabKind.Creatinine, 0.01, "mg/dL", "value")]
    [InlineData(LabKind.Creatinine, 5000, "umol/L", "value")]
    [InlineData(LabKind.PtInr, 50, null, "value")]
    [InlineData(LabKind.Crp, 5000, null, "value")]
    [InlineData(LabKind.Esr, 400, null, "value")]
    [InlineData(LabKind.HbA1c, 80, null, "value")]
    [InlineData(LabKind.Aptt, 1, null, "value")]
    public void An_implausible_value_is_refused_naming_the_field(LabKind kind, double value, string? unit, string field)
    {
        var c = ACase().InState(CaseState.Consented).Build();
        var ex = Assert.Throws<ValidationException>(() => c.RecordResult(kind, (decimal)value, unit, Today, Actors.Nurse, Today, Born));
        Assert.Contains(field, ex.Errors.Keys);
        Assert.Contains("not plausible", ex.Errors[field][0], StringComparison.Ordinal);
        Assert.Empty(c.Results);
    }

    [Fact]
    public void Dates_outside_the_patients_life_are_refused()
    {
        var c = ACase().InState(CaseState.Consented).Build();
        foreach (var day in new[] { new DateOnly(1, 1, 1), Born.AddDays(-1), Today.AddDays(1) })
        {
            var ex = Assert.Throws<ValidationException>(() => c.RecordResult(LabKind.Cbc, null, null, day, Actors.Nurse, Today, Born));
            Assert.Contains("takenOn", ex.Errors.Keys);
        }
        Assert.Empty(c.Results);
    }

    [Fact]
    public void Plausible_values_at_their_limits_are_kept_with_their_unit()
    {
        var c = ACase().InState(CaseState.Consented).Build();
        c.RecordResult(LabKind.Creatinine, 30m, "mg/dL", Today, Actors.Nurse, Today, Born);
        c.RecordResult(LabKind.Creatinine, 9m, "umol/L", Born, Actors.Nurse, Today, Born);
        c.RecordResult(LabKind.PtInr, 15m, null, Today, Actors.Nurse, Today, Born);
        Assert.Equal(3, c.Results.Count);
        Assert.Equal("umol/L", c.Results[1].Unit);
    }

    [Fact]
    public void Infection_markers_are_plausible_and_not_dated_ahead()
    {
        var c = ACase().InState(CaseState.Assessed).Build();
        var ex = Assert.Throws<ValidationException>(() => c.RecordInfectionEvidence(5000m, 400m, Today.AddDays(2), null, Actors.Surgeon, Today));
        Assert.Equal(["crpMgL", "esrMmH", "markersDate"], ex.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.False(c.Infection.MarkersRecorded);
        c.RecordInfectionEvidence(120m, 80m, Today, "two deep cultures", Actors.Surgeon, Today);
        Assert.Equal(120m, c.Infection.CrpMgL);
    }
}
