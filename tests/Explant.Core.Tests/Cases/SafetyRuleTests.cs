using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using static Explant.Core.Tests.Cases.CaseBuilder;

namespace Explant.Core.Tests.Cases;

/// <summary>Controls named in docs/safety/hazard-log.md that are not covered by the table tests.</summary>
public sealed class SafetyRuleTests
{
    [Fact]
    public void Fusion_span_ignores_the_ilium_and_stops_at_S1()
    {
        var construct = PosteriorScrewConstruct(Guid.NewGuid(), "L4-S1");
        construct.AddComponent(new Construct.ComponentInput(ComponentKind.IliacScrew, "ilium", null, Side.Left, 8m, 80m, Material.Titanium, null, "S2AI", null, null));
        construct.AddComponent(new Construct.ComponentInput(ComponentKind.PedicleScrew, "S2", null, Side.Right, 7m, 40m, Material.Titanium, null, null, null, null));
        Assert.Equal("L4\u2013ilium", construct.Span!.Value.ToString());
        Assert.Equal("L4\u2013S1", construct.FusionSpan!.Value.ToString());
    }

    [Fact]
    public void A_signature_is_never_overwritten()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var consent = c.GenerateConsent("text", Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(consent.Version, "Pat Patient", Actors.Nurse, b.Now());
        var e = Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(consent.Version, "Someone Else", Actors.Nurse, b.Now()));
        Assert.Equal("consent-signed", e.Rule);
        Assert.Equal("Pat Patient", c.Consents.Single().PatientSignature);
    }

    [Fact]
    public void A_consent_is_signed_only_while_the_case_is_Decided()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(1, Actors.Surgeon, b.Now()));
    }

    [Fact]
    public void A_refused_decision_leaves_no_decision_behind()
    {
        var b = ACase().WithOnlyIndication("support-complete").InState(CaseState.Assessed);
        var c = b.Build();
        var e = Assert.Throws<DomainRuleException>(() => c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now()));
        Assert.Equal("guard:Decide", e.Rule);
        Assert.Null(c.Decision);
        Assert.Equal(CaseState.Assessed, c.State);
    }
}
