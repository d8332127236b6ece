using Explant.Web.Forms;

namespace Explant.Web.Tests.Pages;

/// <summary>Issue #13 §5: refusals name fields as the forms label them, list items by their position counted from one.</summary>
public sealed class FieldLabelsTests
{
    [Theory]
    [InlineData("asaClass", "ASA class")]
    [InlineData("team[2].staffId", "Team 3: person")]
    [InlineData("implants[0].udi", "Implant 1: UDI")]
    [InlineData("medications[1].stoppedOn", "Medications 2: Taken on")]
    [InlineData("odi[3]", "ODI question 4")]
    [InlineData("section:findings", "Section \"findings\"")]
    [InlineData("someNewField", "Some new field")]
    public void A_field_key_reads_as_its_label(string key, string label) => Assert.Equal(label, FieldLabels.Of(key));

    [Fact]
    public void Every_field_of_a_refusal_is_named_once_by_its_label()
    {
        var message = FieldLabels.Message(new Dictionary<string, string[]> { ["crpMgL"] = ["'8,6' is not a number"], ["markersDate"] = ["required."] });
        Assert.Equal("CRP (mg/L): '8,6' is not a number. Markers date: required.", message);
    }
}
