using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;

namespace Explant.Core.Tests.Cases;

/// <summary>
/// Review finding: a consent signed by the patient but not yet by the surgeon survived a hand-over, and the new surgeon
/// could complete a document naming the old one. Now the hand-over voids every consent not signed by both
/// (rule consent-void-at-hand-over) and the new surgeon generates one naming them.
/// </summary>
public sealed class HandOverConsentTests
{
    private static readonly CaseActor NewSurgeon = new("Dr Newhands", [Roles.Surgeon]);

    private static string Document(SurgicalCase c) => $"# Consent\n{Explant.Core.Consent.ConsentDocument.SurgeonLine}{c.Surgeon}\nthe plan\n";

    [Fact]
    public void A_consent_signed_only_by_the_patient_is_void_after_a_hand_over_and_a_new_one_names_the_new_surgeon()
    {
        var b = CaseBuilder.ACase().InState(CaseState.Decided);
        var c = b.Build();
        var old = c.Surgeon;
        var v1 = c.GenerateConsent(Document(c), Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(v1.Version, "Jane Doe", Actors.Nurse, b.Now());

        c.HandOver(NewSurgeon.Name, "leave", NewSurgeon, b.Now());

        Assert.NotNull(v1.WithdrawnAtUtc);
        Assert.StartsWith(SurgicalCase.ConsentVoidAtHandOver, v1.WithdrawnReason, StringComparison.Ordinal);
        Assert.Contains(old, v1.WithdrawnReason, StringComparison.Ordinal);
        var e = Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(v1.Version, NewSurgeon, b.Now()));
        Assert.Equal(SurgicalCase.ConsentVoidAtHandOver, e.Rule);
        Assert.Null(v1.SurgeonSignedAtUtc);
        Assert.Equal(CaseState.Decided, c.State);
        Assert.False(c.ConsentValid);

        var v2 = c.GenerateConsent(Document(c), NewSurgeon, b.Now());
        Assert.Contains(NewSurgeon.Name, v2.Document, StringComparison.Ordinal);
        c.SignConsentAsPatient(v2.Version, "Jane Doe", Actors.Nurse, b.Now());
        c.SignConsentAsSurgeon(v2.Version, NewSurgeon, b.Now());
        Assert.Equal(CaseState.Consented, c.State);
        Assert.True(c.ConsentValid);
    }

    [Fact]
    public void A_consent_signed_only_by_the_old_surgeon_cannot_be_completed_by_the_patient_after_a_hand_over()
    {
        var b = CaseBuilder.ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent(Document(c), Actors.Surgeon, b.Now());
        c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now());

        c.HandOver(NewSurgeon.Name, "leave", NewSurgeon, b.Now());

        var e = Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(v1.Version, "Jane Doe", Actors.Nurse, b.Now()));
        Assert.Equal(SurgicalCase.ConsentVoidAtHandOver, e.Rule);
        Assert.Null(v1.PatientSignedAtUtc);
        Assert.Equal(CaseState.Decided, c.State);
    }

    [Fact]
    public void A_document_naming_another_surgeon_is_not_signed_for_this_cases_surgeon()
    {
        var b = CaseBuilder.ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent($"# Consent\n{Explant.Core.Consent.ConsentDocument.SurgeonLine}Dr Elsewhere\n", Actors.Surgeon, b.Now());
        var e = Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now()));
        Assert.Equal(SurgicalCase.ConsentVoidAtHandOver, e.Rule);
        Assert.Contains("Dr Elsewhere", e.Message, StringComparison.Ordinal);
    }
}
