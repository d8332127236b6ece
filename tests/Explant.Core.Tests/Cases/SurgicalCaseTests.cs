using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Implants;
using static Explant.Core.Tests.Cases.CaseBuilder;

namespace Explant.Core.Tests.Cases;

public sealed class SurgicalCaseTests
{
    private static readonly Modality[] CtOnly = [Modality.CT];

    // ---- opening -----------------------------------------------------------------------------------------

    [Fact]
    public void A_new_case_pins_the_definition_and_plans_to_remove_everything()
    {
        var b = ACase();
        var c = b.Build();
        Assert.Equal(CaseState.Referred, c.State);
        Assert.Equal("22852", c.ProcedureCode);
        Assert.Equal(1, c.ProcedureVersion);
        Assert.Equal(["pain", "infection", "malfunction", "support-complete", "skin-breakdown"], c.DefinitionIndications);
        Assert.Equal(AllAlternatives, c.DefinitionAlternatives);
        Assert.Equal(1, c.PlanRevision);
        Assert.True(c.RemoveAll);
        Assert.Equal(b.Construct!.Components.Select(x => x.Id), c.PlannedComponentIds);
        Assert.Empty(c.History);
        Assert.Null(c.CurrentConsent);
        Assert.False(c.ConsentValid);
    }

    [Fact]
    public void A_case_cannot_be_opened_on_another_patients_construct()
    {
        var construct = PosteriorScrewConstruct(Guid.NewGuid(), "L4-L5");
        var ex = Assert.Throws<DomainRuleException>(() => SurgicalCase.Open(1, Guid.NewGuid(), construct, Definition, "Dr X", Start));
        Assert.Equal("construct-belongs-to-patient", ex.Rule);
        Assert.True(ex.Unprocessable);
    }

    // ---- decision -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("conservative-care")]
    [InlineData("revision-surgery")]
    [InlineData("observation")]
    public void Choosing_an_alternative_declines_and_names_it(string alternative)
    {
        var b = ACase().Declining(alternative).InState(CaseState.Declined);
        var c = b.Build();
        Assert.Equal(CaseState.Declined, c.State);
        Assert.NotNull(c.Decision);
        Assert.Equal(alternative, c.Decision.Choice);
        Assert.Equal(AllAlternatives, c.Decision.AlternativesDiscussed);
        Assert.Equal(Actors.Surgeon.Name, c.Decision.By);
        var last = c.History[^1];
        Assert.Equal((CaseState.Assessed, CaseState.Declined, CaseTrigger.Decline), (last.From, last.To, last.Trigger));
        Assert.Equal($"patient chose {alternative}", last.Reason);
        Assert.Equal($"patient chose {alternative}", c.StateReason);
    }

    [Fact]
    public void Choosing_removal_decides()
    {
        var c = ACase().InState(CaseState.Decided).Build();
        Assert.Equal(SurgicalCase.RemovalChoice, c.Decision!.Choice);
        Assert.Equal(CaseTrigger.Decide, c.History[^1].Trigger);
    }

    [Fact]
    public void Alternatives_discussed_twice_are_recorded_once()
    {
        var b = ACase().WithAlternativesDiscussed([.. AllAlternatives, "observation"]).InState(CaseState.Decided);
        Assert.Equal(AllAlternatives, b.Build().Decision!.AlternativesDiscussed);
    }

    [Fact]
    public void A_decision_must_use_the_definitions_vocabulary()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var unknown = Assert.Throws<ValidationException>(() => c.RecordDecision(["conservative-care", "acupuncture"], "removal", null, Actors.Surgeon, b.Now()));
        Assert.Equal(["alternativesDiscussed"], unknown.Errors.Keys);
        Assert.Contains("acupuncture", unknown.Errors["alternativesDiscussed"][0], StringComparison.Ordinal);

        var choice = Assert.Throws<ValidationException>(() => c.RecordDecision(AllAlternatives, "prayer", null, Actors.Surgeon, b.Now()));
        Assert.Equal(["choice"], choice.Errors.Keys);
        Assert.Null(c.Decision);
        Assert.Equal(CaseState.Assessed, c.State);
    }

    [Theory]
    [InlineData(CaseState.Referred)]
    [InlineData(CaseState.Decided)]
    [InlineData(CaseState.Scheduled)]
    public void A_decision_is_recorded_only_in_Assessed(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.RecordDecision(AllAlternatives, "removal", null, Actors.Surgeon, b.Now()));
        Assert.StartsWith("state:", ex.Rule, StringComparison.Ordinal);
        Assert.Equal(state, c.State);
    }

    // ---- consent and plan changes ---------------------------------------------------------------------

    [Theory]
    [InlineData(CaseState.Consented)]
    [InlineData(CaseState.Ready)]
    [InlineData(CaseState.Scheduled)]
    [InlineData(CaseState.Postponed)]
    public void A_plan_change_after_signed_consent_requires_a_new_consent(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        Assert.True(c.ConsentValid);
        var v1 = c.CurrentConsent!;
        var construct = b.Construct!;
        var keep = construct.Components.Where(x => x.Kind == ComponentKind.PedicleScrew && x.Level == "L5").Select(x => x.Id).ToList();

        c.SetPlan(false, keep, construct, Actors.Surgeon, b.Now());

        Assert.Equal(2, c.PlanRevision);
        Assert.False(c.RemoveAll);
        Assert.Equal(keep, c.PlannedComponentIds);
        Assert.False(c.ConsentValid);
        Assert.Null(c.CurrentConsent);
        Assert.Equal(CaseState.Decided, c.State);
        var last = c.History[^1];
        Assert.Equal((state, CaseState.Decided, CaseTrigger.PlanChanged, Actors.Surgeon.Name), (last.From, last.To, last.Trigger, last.By));
        Assert.Contains("revision 2", last.Reason, StringComparison.Ordinal);

        // The old consent cannot be re-signed, and the case cannot be consented on it.
        var superseded = Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now()));
        Assert.Equal("consent-superseded", superseded.Rule);
        Assert.Equal("consent-superseded", Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(v1.Version, "Pat", Actors.Nurse, b.Now())).Rule);
        Assert.Equal("guard:Consent", Assert.Throws<DomainRuleException>(() => c.FireStep(CaseTrigger.Consent, Actors.Surgeon, b.Now())).Rule);

        // A new consent for revision 2, signed by both, consents the case again.
        var v2 = b.SignNewConsent(c);
        Assert.Equal(v1.Version + 1, v2.Version);
        Assert.Equal(2, v2.PlanRevision);
        Assert.Equal(CaseState.Consented, c.State);
        Assert.True(c.ConsentValid);
        Assert.Same(v2, c.CurrentConsent);
    }

    [Fact]
    public void Setting_the_same_plan_again_changes_nothing()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        var history = c.History.Count;
        c.SetPlan(true, [], b.Construct!, Actors.Surgeon, b.Now());
        c.SetPlan(false, [.. b.Construct!.Components.Select(x => x.Id).Reverse()], b.Construct!, Actors.Surgeon, b.Now());
        Assert.Equal(1, c.PlanRevision);
        Assert.Equal(CaseState.Ready, c.State);
        Assert.True(c.ConsentValid);
        Assert.Equal(history, c.History.Count);
    }

    [Fact]
    public void A_plan_change_before_consent_moves_no_state_but_supersedes_an_unsigned_consent()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        c.SetPlan(false, [b.Construct!.Components[0].Id], b.Construct!, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        Assert.Equal(2, c.PlanRevision);
        Assert.Equal("consent-superseded", Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(v1.Version, "Pat", Actors.Nurse, b.Now())).Rule);
    }

    [Fact]
    public void A_plan_must_name_components_of_the_construct()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var unknown = Assert.Throws<ValidationException>(() => c.SetPlan(false, [Guid.NewGuid()], b.Construct!, Actors.Surgeon, b.Now()));
        Assert.Equal(["componentIds"], unknown.Errors.Keys);
        var empty = Assert.Throws<ValidationException>(() => c.SetPlan(false, [], b.Construct!, Actors.Surgeon, b.Now()));
        Assert.Equal(["componentIds"], empty.Errors.Keys);
        var role = Assert.Throws<DomainRuleException>(() => c.SetPlan(true, [], b.Construct!, Actors.Nurse, b.Now()));
        Assert.True(role.Forbidden);
        Assert.Equal(1, c.PlanRevision);
    }

    [Fact]
    public void Signing_a_superseded_consent_version_is_refused()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(v1.Version, "Pat Patient", Actors.Nurse, b.Now());
        var v2 = c.GenerateConsent("v2", Actors.Surgeon, b.Now());
        Assert.Equal(1, v2.PlanRevision);

        var ex = Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now()));
        Assert.Equal("consent-superseded", ex.Rule);
        Assert.Contains("superseded by v2", ex.Message, StringComparison.Ordinal);
        Assert.Null(v1.SurgeonSignedAtUtc);
        Assert.Equal(CaseState.Decided, c.State);

        Assert.Equal("consent-missing", Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(9, Actors.Surgeon, b.Now())).Rule);
    }

    [Fact]
    public void Signatures_are_recorded_with_witness_and_time()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("the document", Actors.Surgeon, b.Now());
        Assert.Equal((1, 1, "the document", Actors.Surgeon.Name), (v1.Version, v1.PlanRevision, v1.Document, v1.CreatedBy));
        var signedAt = b.Now();
        c.SignConsentAsPatient(v1.Version, "  Pat Patient ", Actors.Nurse, signedAt);
        Assert.Equal(("Pat Patient", Actors.Nurse.Name, signedAt), (v1.PatientSignature, v1.PatientSignatureWitness, v1.PatientSignedAtUtc));

        var blank = Assert.Throws<ValidationException>(() => c.SignConsentAsPatient(v1.Version, " ", Actors.Nurse, b.Now()));
        Assert.Equal(["signature"], blank.Errors.Keys);
        Assert.True(Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(v1.Version, "Pat", Actors.Scheduler, b.Now())).Forbidden);
        Assert.True(Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(v1.Version, Actors.Nurse, b.Now())).Forbidden);
        Assert.False(v1.FullySigned);
    }

    [Theory]
    [InlineData(CaseState.Referred)]
    [InlineData(CaseState.Assessed)]
    [InlineData(CaseState.Consented)]
    [InlineData(CaseState.Scheduled)]
    public void A_consent_is_generated_only_in_Decided(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var consents = c.Consents.Count;
        Assert.StartsWith("state:", Assert.Throws<DomainRuleException>(() => c.GenerateConsent("x", Actors.Surgeon, b.Now())).Rule, StringComparison.Ordinal);
        Assert.Equal(consents, c.Consents.Count);
    }

    [Theory]
    [InlineData(CaseState.Consented)]
    [InlineData(CaseState.Ready)]
    [InlineData(CaseState.Scheduled)]
    [InlineData(CaseState.CheckedIn)]
    [InlineData(CaseState.Postponed)]
    public void Withdrawing_consent_sends_the_case_back_to_Decided(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var consent = c.CurrentConsent!;
        var at = b.Now();
        c.WithdrawConsent(consent.Version, "  frightened of the risks ", Actors.Nurse, at);

        Assert.Equal(CaseState.Decided, c.State);
        Assert.False(c.ConsentValid);
        Assert.Equal(at, consent.WithdrawnAtUtc);
        Assert.Equal("frightened of the risks", consent.WithdrawnReason);
        var last = c.History[^1];
        Assert.Equal((state, CaseState.Decided, CaseTrigger.ConsentWithdrawn, Actors.Nurse.Name), (last.From, last.To, last.Trigger, last.By));
        Assert.Equal("frightened of the risks", last.Reason);

        Assert.Equal("guard:Consent", Assert.Throws<DomainRuleException>(() => c.FireStep(CaseTrigger.Consent, Actors.Surgeon, b.Now())).Rule);
        Assert.Equal("consent-withdrawn", Assert.Throws<DomainRuleException>(() => c.SignConsentAsSurgeon(consent.Version, Actors.Surgeon, b.Now())).Rule);
        Assert.Equal("consent-withdrawn", Assert.Throws<DomainRuleException>(() => c.WithdrawConsent(consent.Version, "again", Actors.Nurse, b.Now())).Rule);

        // Re-consent: a new version, signed by both.
        b.SignNewConsent(c);
        Assert.Equal(CaseState.Consented, c.State);
    }

    [Fact]
    public void Withdrawing_consent_from_Ready_goes_to_Decided()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        c.WithdrawConsent(c.CurrentConsent!.Version, "wants a second opinion", Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        Assert.Equal(CaseTrigger.ConsentWithdrawn, c.History[^1].Trigger);
    }

    [Fact]
    public void Withdrawing_a_superseded_consent_version_does_not_unconsent_the_case()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        b.SignNewConsent(c);
        c.Fire(CaseTrigger.AttestReady, Actors.Nurse, b.Now(), new TransitionRequest(Readiness: CleanReadiness(c)));
        Assert.Equal(CaseState.Ready, c.State);

        var refused = Record.Exception(() => c.WithdrawConsent(v1.Version, "old paper copy", Actors.Nurse, b.Now()));

        // Either the withdrawal of a superseded version is refused, or it leaves the valid current consent and the state alone.
        Assert.True(refused is DomainRuleException || c.State == CaseState.Ready, $"state {c.State}, consent valid {c.ConsentValid}");
        Assert.True(c.ConsentValid);
    }

    [Theory]
    [InlineData(CaseState.InTheatre)]
    [InlineData(CaseState.Recovering)]
    [InlineData(CaseState.Closed)]
    public void Consent_cannot_be_withdrawn_once_in_theatre(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.WithdrawConsent(c.CurrentConsent!.Version, "too late", Actors.Nurse, b.Now()));
        Assert.Equal("consent-withdrawal-timing", ex.Rule);
        Assert.Null(c.CurrentConsent!.WithdrawnAtUtc);
        Assert.Equal(state, c.State);
    }

    [Fact]
    public void A_withdrawal_needs_a_reason_and_a_clinical_role()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        var v = c.CurrentConsent!.Version;
        Assert.Equal(["reason"], Assert.Throws<ValidationException>(() => c.WithdrawConsent(v, " ", Actors.Nurse, b.Now())).Errors.Keys);
        Assert.True(Assert.Throws<DomainRuleException>(() => c.WithdrawConsent(v, "x", Actors.Scheduler, b.Now())).Forbidden);
        Assert.Equal("consent-missing", Assert.Throws<DomainRuleException>(() => c.WithdrawConsent(v + 5, "x", Actors.Nurse, b.Now())).Rule);
        Assert.Equal(CaseState.Ready, c.State);
        Assert.True(c.ConsentValid);
    }

    [Theory]
    [InlineData(CaseState.CheckedIn)]
    [InlineData(CaseState.InTheatre)]
    [InlineData(CaseState.Recovering)]
    [InlineData(CaseState.Discharged)]
    [InlineData(CaseState.FollowUp)]
    [InlineData(CaseState.Closed)]
    [InlineData(CaseState.Cancelled)]
    [InlineData(CaseState.Declined)]
    public void The_plan_cannot_change_from_check_in_on(CaseState state)
    {
        var b = state == CaseState.Cancelled ? ACase().CancelledFrom(CaseState.Scheduled) : ACase().InState(state);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.SetPlan(false, [b.Construct!.Components[0].Id], b.Construct!, Actors.Surgeon, b.Now()));
        Assert.Equal("plan-frozen", ex.Rule);
        Assert.Equal(1, c.PlanRevision);
        Assert.True(c.RemoveAll);
        Assert.Equal(state, c.State);
    }

    [Theory]
    [InlineData(CaseState.Referred)]
    [InlineData(CaseState.Assessed)]
    [InlineData(CaseState.Decided)]
    public void The_plan_may_change_before_consent_without_a_transition(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var history = c.History.Count;
        c.SetPlan(false, [b.Construct!.Components[0].Id], b.Construct!, Actors.Surgeon, b.Now());
        Assert.Equal(2, c.PlanRevision);
        Assert.Equal(state, c.State);
        Assert.Equal(history, c.History.Count);
    }

    // ---- fusion evidence ------------------------------------------------------------------------------

    [Fact]
    public void A_CT_showing_solid_fusion_across_the_construct_span_is_accepted()
    {
        var b = ACase().WithOnlyIndication("support-complete", "Z47.2").InState(CaseState.Assessed);
        var c = b.Build();
        var span = b.Construct!.Span!.Value;
        Assert.Equal("L3\u2013L5", span.ToString());
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-L4", FusionStatus.Solid), ("L4-L5", FusionStatus.Solid));
        c.LinkFusionEvidence(ct, b.Construct!, CtOnly, Actors.Surgeon);
        Assert.Equal(ct.Id, c.FusionEvidenceStudyId);
        Assert.Null(c.EvidenceBlocker());
    }

    [Fact]
    public void A_CT_taken_before_the_hardware_was_implanted_is_not_fusion_evidence()
    {
        var b = ACase().WithOnlyIndication("support-complete", "Z47.2").InState(CaseState.Assessed);
        var c = b.Build();
        var implanted = b.Construct!.ImplantedOn!.Value;
        foreach (var day in new[] { implanted.AddYears(-1), implanted })
        {
            var old = ImagingStudy.Record(b.PatientId, day, Modality.CT, [new("L3-L5", FusionStatus.Solid)], [], null, "Dr Rad", day.AddDays(1));
            var ex = Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(old, b.Construct!, CtOnly, Actors.Surgeon));
            Assert.Equal("fusion-evidence-after-implant", ex.Rule);
            Assert.Contains(implanted.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        }
        Assert.Null(c.FusionEvidenceStudyId);
        var after = ImagingStudy.Record(b.PatientId, implanted.AddDays(1), Modality.CT, [new("L3-L5", FusionStatus.Solid)], [], null, "Dr Rad", implanted.AddDays(2));
        c.LinkFusionEvidence(after, b.Construct!, CtOnly, Actors.Surgeon);
        Assert.Equal(after.Id, c.FusionEvidenceStudyId);
    }

    [Fact]
    public void Without_an_implant_date_no_study_can_prove_fusion_around_the_hardware()
    {
        var b = ACase().WithOnlyIndication("support-complete", "Z47.2").InState(CaseState.Assessed);
        var c = b.Build();
        var undated = Construct.Record(b.PatientId, new Construct.Details(null, null, Approach.Posterior, null, null, null, null), new DateOnly(2025, 3, 3));
        foreach (var level in new[] { "L3", "L4", "L5" })
        {
            undated.AddComponent(new(ComponentKind.PedicleScrew, level, null, Side.Left, 6.5m, 45, Material.Titanium, null, null, null, null));
        }
        undated.AddComponent(new(ComponentKind.Rod, null, "L3-L5", Side.Left, 5.5m, null, Material.Titanium, null, null, null, null));
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-L5", FusionStatus.Solid));
        Assert.Equal("fusion-evidence-after-implant", Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(ct, undated, CtOnly, Actors.Surgeon)).Rule);
    }

    [Fact]
    public void An_X_ray_is_refused_as_fusion_evidence()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var xray = ImagingStudyTests.Study(b.PatientId, Modality.XRay, ("L3-L5", FusionStatus.Solid));
        var ex = Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(xray, b.Construct!, CtOnly, Actors.Surgeon));
        Assert.Equal("fusion-evidence-modality", ex.Rule);
        Assert.True(ex.Unprocessable);
        Assert.Null(c.FusionEvidenceStudyId);

        // Accepted modalities are configuration (PathwayOptions), not hard-coded.
        c.LinkFusionEvidence(xray, b.Construct!, [Modality.CT, Modality.XRay], Actors.Surgeon);
        Assert.Equal(xray.Id, c.FusionEvidenceStudyId);
    }

    [Theory]
    [InlineData(FusionStatus.Partial)]
    [InlineData(FusionStatus.Pseudarthrosis)]
    [InlineData(FusionStatus.NotAssessed)]
    public void A_CT_that_is_not_solid_at_one_level_is_refused(FusionStatus status)
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-L4", FusionStatus.Solid), ("L5", status));
        var ex = Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(ct, b.Construct!, CtOnly, Actors.Surgeon));
        Assert.Equal("fusion-evidence-span", ex.Rule);
        Assert.Contains("L3\u2013L5", ex.Message, StringComparison.Ordinal);
        Assert.Null(c.FusionEvidenceStudyId);
    }

    [Fact]
    public void A_CT_covering_only_part_of_the_span_is_refused()
    {
        var b = ACase().WithConstruct("L2-S1").InState(CaseState.Assessed);
        var c = b.Build();
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-S1", FusionStatus.Solid));
        Assert.Equal("fusion-evidence-span",
            Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(ct, b.Construct!, CtOnly, Actors.Surgeon)).Rule);
    }

    [Fact]
    public void A_study_of_another_patient_is_refused()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var other = ImagingStudyTests.Study(Guid.NewGuid(), Modality.CT, ("L3-L5", FusionStatus.Solid));
        var ex = Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(other, b.Construct!, CtOnly, Actors.Surgeon));
        Assert.Equal("evidence-same-patient", ex.Rule);
        Assert.Null(c.FusionEvidenceStudyId);
    }

    [Fact]
    public void Only_a_surgeon_links_or_overrides_fusion_evidence()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-L5", FusionStatus.Solid));
        Assert.True(Assert.Throws<DomainRuleException>(() => c.LinkFusionEvidence(ct, b.Construct!, CtOnly, Actors.Nurse)).Forbidden);
        Assert.True(Assert.Throws<DomainRuleException>(() => c.OverrideFusionEvidence("seen", Actors.Nurse, b.Now())).Forbidden);
        Assert.Equal(["reason"], Assert.Throws<ValidationException>(() => c.OverrideFusionEvidence("  ", Actors.Surgeon, b.Now())).Errors.Keys);
        Assert.Null(c.FusionOverride);

        var at = b.Now();
        c.OverrideFusionEvidence("  solid at exploration ", Actors.Surgeon, at);
        Assert.Equal(("solid at exploration", Actors.Surgeon.Name, at), (c.FusionOverride!.Reason, c.FusionOverride.By, c.FusionOverride.AtUtc));
    }

    [Fact]
    public void Fusion_evidence_cannot_be_overridden_after_the_decision()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        Assert.StartsWith("state:", Assert.Throws<DomainRuleException>(() => c.OverrideFusionEvidence("late", Actors.Surgeon, b.Now())).Rule, StringComparison.Ordinal);
    }

    // ---- indications -------------------------------------------------------------------------------------

    [Fact]
    public void Z47_2_is_never_coded_with_T84_63XA()
    {
        var b = ACase().WithOnlyIndication("infection", "T84.63XA");
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.AddIndication("support-complete", "Z47.2", null, Actors.Surgeon));
        Assert.Equal("icd-z47.2-excludes-t84.6", ex.Rule);
        Assert.True(ex.Unprocessable);
        Assert.DoesNotContain(c.Indications, i => i.Key == "support-complete");

        // Either order, and through skin breakdown's T84.63XA as well.
        var d = ACase().WithOnlyIndication("support-complete", "Z47.2").Build();
        Assert.Equal("icd-z47.2-excludes-t84.6", Assert.Throws<DomainRuleException>(() => d.AddIndication("infection", "T84.63XA", null, Actors.Surgeon)).Rule);
        Assert.Equal("icd-z47.2-excludes-t84.6", Assert.Throws<DomainRuleException>(() => d.AddIndication("skin-breakdown", "T84.63XA", null, Actors.Surgeon)).Rule);
        Assert.Single(d.Indications);

        // Without the conflicting code both indications may stand.
        d.AddIndication("infection", null, null, Actors.Surgeon);
        d.AddIndication("skin-breakdown", "T84.89XA", null, Actors.Surgeon);
        Assert.Equal(3, d.Indications.Count);
    }

    [Fact]
    public void An_indication_must_be_one_of_the_definitions()
    {
        var c = ACase().Build();
        var ex = Assert.Throws<ValidationException>(() => c.AddIndication("boredom", null, null, Actors.Surgeon));
        Assert.Equal(["key"], ex.Errors.Keys);
        Assert.Contains("'boredom'", ex.Errors["key"][0], StringComparison.Ordinal);
        Assert.Contains("22852 v1", ex.Errors["key"][0], StringComparison.Ordinal);
        Assert.DoesNotContain(c.Indications, i => i.Key == "boredom");
    }

    [Fact]
    public void An_ICD_code_must_be_a_candidate_for_the_indication()
    {
        var c = ACase().Build();
        var ex = Assert.Throws<ValidationException>(() => c.AddIndication("pain", "T84.63XA", null, Actors.Surgeon));
        Assert.Equal(["icdCode"], ex.Errors.Keys);
        c.AddIndication("pain", "M96.0", " non-union on CT ", Actors.Surgeon);
        var pain = Assert.Single(c.Indications);
        Assert.Equal(("pain", "M96.0", "non-union on CT"), (pain.Key, pain.IcdCode, pain.Note));
    }

    [Fact]
    public void Indications_change_only_before_the_decision_and_only_by_a_surgeon()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        Assert.StartsWith("state:", Assert.Throws<DomainRuleException>(() => c.AddIndication("malfunction", null, null, Actors.Surgeon)).Rule, StringComparison.Ordinal);
        Assert.StartsWith("state:", Assert.Throws<DomainRuleException>(() => c.RemoveIndication("pain", Actors.Surgeon)).Rule, StringComparison.Ordinal);

        var r = ACase().Build();
        Assert.True(Assert.Throws<DomainRuleException>(() => r.AddIndication("malfunction", null, null, Actors.Nurse)).Forbidden);
        Assert.Equal("indication-missing", Assert.Throws<DomainRuleException>(() => r.RemoveIndication("infection", Actors.Surgeon)).Rule);
        r.RemoveIndication("pain", Actors.Surgeon);
        Assert.Empty(r.Indications);
    }

    [Fact]
    public void Infection_evidence_is_checked_and_frozen_at_theatre()
    {
        var b = ACase().InState(CaseState.Scheduled);
        var c = b.Build();
        Assert.Equal(["crpMgL"], Assert.Throws<ValidationException>(() => c.RecordInfectionEvidence(-1m, null, null, null, Actors.Nurse)).Errors.Keys);
        Assert.Equal(["esrMmH"], Assert.Throws<ValidationException>(() => c.RecordInfectionEvidence(null, -1m, null, null, Actors.Nurse)).Errors.Keys);
        Assert.True(Assert.Throws<DomainRuleException>(() => c.RecordInfectionEvidence(5m, null, null, null, Actors.Scheduler)).Forbidden);
        c.RecordInfectionEvidence(5m, 20m, new DateOnly(2025, 3, 1), "  none ", Actors.Anesthesiologist);
        Assert.Equal((5m, 20m, "none"), (c.Infection.CrpMgL, c.Infection.EsrMmH, c.Infection.CulturePlan));

        var t = ACase().InState(CaseState.InTheatre);
        var inTheatre = t.Build();
        Assert.Equal("evidence-before-theatre", Assert.Throws<DomainRuleException>(() => inTheatre.RecordInfectionEvidence(5m, null, null, null, Actors.Nurse)).Rule);
    }

    // ---- history ------------------------------------------------------------------------------------------

    [Fact]
    public void Every_transition_appends_a_history_record()
    {
        var b = ACase().InState(CaseState.Closed);
        var c = b.Build();
        var expected = new (CaseState From, CaseState To, CaseTrigger Trigger, string By)[]
        {
            (CaseState.Referred, CaseState.Assessed, CaseTrigger.Assess, Actors.Surgeon.Name),
            (CaseState.Assessed, CaseState.Decided, CaseTrigger.Decide, Actors.Surgeon.Name),
            (CaseState.Decided, CaseState.Consented, CaseTrigger.Consent, Actors.Surgeon.Name),
            (CaseState.Consented, CaseState.Ready, CaseTrigger.AttestReady, Actors.Nurse.Name),
            (CaseState.Ready, CaseState.Scheduled, CaseTrigger.Schedule, Actors.Scheduler.Name),
            (CaseState.Scheduled, CaseState.CheckedIn, CaseTrigger.CheckIn, Actors.Nurse.Name),
            (CaseState.CheckedIn, CaseState.InTheatre, CaseTrigger.EnterTheatre, Actors.Nurse.Name),
            (CaseState.InTheatre, CaseState.Recovering, CaseTrigger.LeaveTheatre, Actors.Nurse.Name),
            (CaseState.Recovering, CaseState.Discharged, CaseTrigger.Discharge, Actors.Surgeon.Name),
            (CaseState.Discharged, CaseState.FollowUp, CaseTrigger.StartFollowUp, Actors.Nurse.Name),
            (CaseState.FollowUp, CaseState.Closed, CaseTrigger.Close, Actors.Surgeon.Name),
        };
        Assert.Equal(expected, c.History.Select(h => (h.From, h.To, h.Trigger, h.By)));

        // Each record starts where the previous one ended, at a later time.
        for (var i = 1; i < c.History.Count; i++)
        {
            Assert.Equal(c.History[i - 1].To, c.History[i].From);
            Assert.True(c.History[i].AtUtc > c.History[i - 1].AtUtc);
        }
        Assert.All(c.History, h => Assert.Equal(DateTimeKind.Utc, h.AtUtc.Kind));
    }

    [Fact]
    public void Postpone_resume_and_reassess_are_recorded_too()
    {
        var b = ACase().PostponedFrom(CaseState.Scheduled);
        var c = b.Build();
        c.Fire(CaseTrigger.Resume, Actors.Surgeon, b.Now());
        c.Fire(CaseTrigger.Postpone, Actors.Surgeon, b.Now(), new TransitionRequest("bed shortage"));
        c.Fire(CaseTrigger.Reassess, Actors.Surgeon, b.Now());
        Assert.Equal(
            [CaseTrigger.Postpone, CaseTrigger.Resume, CaseTrigger.Postpone, CaseTrigger.Reassess],
            c.History.Skip(5).Select(h => h.Trigger));
        Assert.Equal(CaseState.Assessed, c.State);
        Assert.Equal(["chest infection, re-book in 6 weeks", "bed shortage"], c.History.Where(h => h.Trigger == CaseTrigger.Postpone).Select(h => h.Reason));
    }

    [Fact]
    public void A_refused_transition_appends_nothing()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        var history = c.History.Count;
        Assert.Throws<DomainRuleException>(() => c.Fire(CaseTrigger.Close, Actors.Everyone, b.Now()));
        Assert.Throws<DomainRuleException>(() => c.Fire(CaseTrigger.Schedule, Actors.Nurse, b.Now()));
        Assert.Throws<DomainRuleException>(() => c.Fire(CaseTrigger.Postpone, Actors.Surgeon, b.Now()));
        Assert.Equal(history, c.History.Count);
        Assert.Equal(CaseState.Ready, c.State);
    }
}
