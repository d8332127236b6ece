using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Implants;
using static Explant.Core.Tests.Cases.CaseBuilder;

namespace Explant.Core.Tests.Cases;

/// <summary>The pathway table is tested exhaustively (README, "The pathway"): every state × every trigger.</summary>
public sealed class TransitionTableTests
{
    /// <summary>Reason, reason code and a clean readiness evaluation: everything a guard may ask for.</summary>
    private static TransitionRequest Full(SurgicalCase c) => new("patient asked for a later date", CancelReason.PatientRequest, CleanReadiness(c));

    /// <summary>
    /// Written by hand from the table and the guards, for the case the builder makes by default in each state
    /// (indication "pain", construct L3–L5, no decision in Assessed, no consent generated in Decided, Postponed from
    /// Scheduled with a valid consent). Everything else listed for a state must be refused by its guard.
    /// </summary>
    private static readonly Dictionary<CaseState, CaseTrigger[]> Succeeds = new()
    {
        [CaseState.Referred] = [CaseTrigger.Assess, CaseTrigger.Cancel],
        [CaseState.Assessed] = [CaseTrigger.Cancel],
        [CaseState.Decided] = [CaseTrigger.Postpone, CaseTrigger.Cancel],
        [CaseState.Consented] = [CaseTrigger.AttestReady, CaseTrigger.Postpone, CaseTrigger.Cancel, CaseTrigger.ConsentWithdrawn, CaseTrigger.PlanChanged],
        [CaseState.Ready] = [CaseTrigger.Schedule, CaseTrigger.Postpone, CaseTrigger.Cancel, CaseTrigger.ConsentWithdrawn, CaseTrigger.PlanChanged],
        [CaseState.Scheduled] = [CaseTrigger.CheckIn, CaseTrigger.Postpone, CaseTrigger.Cancel, CaseTrigger.ConsentWithdrawn, CaseTrigger.PlanChanged],
        [CaseState.CheckedIn] = [CaseTrigger.EnterTheatre, CaseTrigger.Postpone, CaseTrigger.Cancel, CaseTrigger.ConsentWithdrawn],
        [CaseState.InTheatre] = [CaseTrigger.LeaveTheatre],
        [CaseState.Recovering] = [CaseTrigger.Discharge],
        [CaseState.Discharged] = [CaseTrigger.StartFollowUp],
        [CaseState.FollowUp] = [CaseTrigger.Close],
        [CaseState.Closed] = [],
        [CaseState.Postponed] = [CaseTrigger.Resume, CaseTrigger.Reassess, CaseTrigger.Cancel, CaseTrigger.ConsentWithdrawn, CaseTrigger.PlanChanged],
        [CaseState.Cancelled] = [],
        [CaseState.Declined] = [],
    };

    /// <summary>Listed for the state, but the default case in that state fails the guard.</summary>
    private static readonly HashSet<(CaseState, CaseTrigger)> GuardFails =
    [
        (CaseState.Assessed, CaseTrigger.Decide),
        (CaseState.Assessed, CaseTrigger.Decline),
        (CaseState.Decided, CaseTrigger.Consent),
    ];

    public static TheoryData<CaseState, CaseTrigger> EveryStateAndTrigger()
    {
        var data = new TheoryData<CaseState, CaseTrigger>();
        foreach (var state in Enum.GetValues<CaseState>())
        {
            foreach (var trigger in Enum.GetValues<CaseTrigger>())
            {
                data.Add(state, trigger);
            }
        }
        return data;
    }

    public static TheoryData<CaseTrigger, CaseState> EveryListedTransition()
    {
        var data = new TheoryData<CaseTrigger, CaseState>();
        foreach (var t in CaseTransitions.Table)
        {
            foreach (var from in t.From)
            {
                data.Add(t.Trigger, from);
            }
        }
        return data;
    }

    [Fact]
    public void The_builder_reaches_every_state()
    {
        foreach (var state in Enum.GetValues<CaseState>())
        {
            Assert.Equal(state, ACase().InState(state).Build().State);
        }
        Assert.Equal(15, Succeeds.Count);
    }

    [Theory]
    [MemberData(nameof(EveryStateAndTrigger))]
    public void Every_trigger_from_every_state_succeeds_only_when_listed_and_its_guard_holds(CaseState state, CaseTrigger trigger)
    {
        var builder = ACase().InState(state);
        var c = builder.Build();
        Assert.Equal(state, c.State);
        var history = c.History.Count;
        var transition = CaseTransitions.Find(state, trigger);
        var expectedToSucceed = Succeeds[state].Contains(trigger);

        if (transition is null)
        {
            Assert.False(expectedToSucceed, $"{trigger} from {state} is expected but not in the table");
            Assert.DoesNotContain((state, trigger), GuardFails);
            var ex = Assert.Throws<DomainRuleException>(() => c.FireStep(trigger, Actors.Everyone, builder.Now(), Full(c)));
            Assert.Equal($"transition:{trigger}", ex.Rule);
            Assert.StartsWith("transition:", ex.Rule, StringComparison.Ordinal);
            Assert.False(ex.Forbidden);
            Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
            Assert.Equal(state, c.State);
            Assert.Equal(history, c.History.Count);
            return;
        }

        var guard = transition.Guard(c, Full(c));
        Assert.Equal(expectedToSucceed, guard is null);
        Assert.Equal(!expectedToSucceed, GuardFails.Contains((state, trigger)));

        // The listed transition refuses an actor without one of its roles, whatever the guard says, and changes nothing.
        var lacking = Actors.AllBut(transition.Roles);
        var forbidden = Assert.Throws<DomainRuleException>(() => c.FireStep(trigger, lacking, builder.Now(), Full(c)));
        Assert.Equal($"role:{trigger}", forbidden.Rule);
        Assert.True(forbidden.Forbidden);
        Assert.Equal(state, c.State);
        Assert.Equal(history, c.History.Count);

        if (guard is null)
        {
            var at = builder.Now();
            c.FireStep(trigger, Actors.Everyone, at, Full(c));
            Assert.Equal(transition.To, c.State);
            Assert.Equal(history + 1, c.History.Count);
            var record = c.History[^1];
            Assert.Equal((state, transition.To, trigger, Actors.Everyone.Name, at), (record.From, record.To, record.Trigger, record.By, record.AtUtc));
        }
        else
        {
            var ex = Assert.Throws<DomainRuleException>(() => c.FireStep(trigger, Actors.Everyone, builder.Now(), Full(c)));
            Assert.Equal($"guard:{trigger}", ex.Rule);
            Assert.False(ex.Forbidden);
            Assert.Contains(guard, ex.Message, StringComparison.Ordinal);
            Assert.Equal(state, c.State);
            Assert.Equal(history, c.History.Count);
        }
    }

    [Theory]
    [MemberData(nameof(EveryListedTransition))]
    public void Each_role_alone_may_fire_a_listed_transition_only_if_the_table_names_it(CaseTrigger trigger, CaseState from)
    {
        var transition = CaseTransitions.Find(from, trigger)!;
        foreach (var role in Roles.All)
        {
            var builder = ACase().InState(from);
            var c = builder.Build();
            var allowed = transition.Roles.Contains(role);
            try
            {
                c.FireStep(trigger, Actors.Only(role), builder.Now(), Full(c));
                Assert.True(allowed, $"{role} fired {trigger} from {from}");
                Assert.Equal(transition.To, c.State);
            }
            catch (DomainRuleException ex)
            {
                if (allowed)
                {
                    Assert.Equal($"guard:{trigger}", ex.Rule);
                }
                else
                {
                    Assert.Equal($"role:{trigger}", ex.Rule);
                    Assert.True(ex.Forbidden);
                }
                Assert.Equal(from, c.State);
            }
        }
    }

    [Fact]
    public void An_actor_with_no_role_can_fire_nothing()
    {
        foreach (var t in CaseTransitions.Table)
        {
            var builder = ACase().InState(t.From[0]);
            var c = builder.Build();
            var ex = Assert.Throws<DomainRuleException>(() => c.FireStep(t.Trigger, Actors.Nobody, builder.Now(), Full(c)));
            Assert.True(ex.Forbidden, t.Trigger.ToString());
        }
    }

    [Fact]
    public void Role_assignments_match_the_pathway()
    {
        string[] R(CaseTrigger trigger) => [.. CaseTransitions.Table.Single(t => t.Trigger == trigger).Roles.Order(StringComparer.Ordinal)];
        Assert.Equal([Roles.Surgeon], R(CaseTrigger.Assess));
        Assert.Equal([Roles.Surgeon], R(CaseTrigger.Decide));
        Assert.Equal([Roles.Surgeon], R(CaseTrigger.Consent));
        Assert.Equal([Roles.Nurse], R(CaseTrigger.AttestReady));
        Assert.Equal([Roles.Scheduler], R(CaseTrigger.Schedule));
        Assert.Equal([Roles.Nurse], R(CaseTrigger.CheckIn));
        Assert.Equal([Roles.Anesthesiologist, Roles.Scheduler, Roles.Surgeon], R(CaseTrigger.Postpone));
        Assert.Equal([Roles.Admin, Roles.Scheduler, Roles.Surgeon], R(CaseTrigger.Cancel));
        Assert.Equal([Roles.Anesthesiologist, Roles.Nurse, Roles.Surgeon], R(CaseTrigger.PlanChanged));
    }

    [Fact]
    public void Each_trigger_has_one_row_and_terminal_states_have_no_way_out()
    {
        Assert.Equal(Enum.GetValues<CaseTrigger>().Order(), CaseTransitions.Table.Select(t => t.Trigger).Order());
        Assert.Empty(CaseTransitions.From(CaseState.Closed));
        Assert.Empty(CaseTransitions.From(CaseState.Cancelled));
        Assert.Empty(CaseTransitions.From(CaseState.Declined));
        Assert.All(CaseTransitions.Table, t => Assert.NotEmpty(t.Roles));
        Assert.All(CaseTransitions.Table, t => Assert.DoesNotContain(t.To, t.From));
        Assert.All(CaseTransitions.Table, t => Assert.All(t.Roles, r => Assert.True(Roles.IsKnown(r), r)));
    }

    // ---- guards refuse ------------------------------------------------------------------------------------

    private static DomainRuleException Refused(SurgicalCase c, CaseTrigger trigger, CaseActor actor, DateTime at, TransitionRequest? request = null)
    {
        var before = (c.State, c.History.Count);
        var ex = Assert.Throws<DomainRuleException>(() => c.FireStep(trigger, actor, at, request));
        Assert.Equal($"guard:{trigger}", ex.Rule);
        Assert.Equal(before, (c.State, c.History.Count));
        return ex;
    }

    [Fact]
    public void Assess_needs_an_indication()
    {
        var b = ACase().WithoutIndications();
        var c = b.Build();
        Assert.Contains("no indication recorded", Refused(c, CaseTrigger.Assess, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        c.AddIndication("malfunction", "T84.216A", "broken rod", Actors.Surgeon);
        c.FireStep(CaseTrigger.Assess, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Assessed, c.State);
    }

    [Fact]
    public void Assess_needs_a_planned_component()
    {
        var b = ACase().WithEmptyConstruct();
        var c = b.Build();
        Assert.Empty(c.PlannedComponentIds);
        Assert.Contains("planned scope has no component", Refused(c, CaseTrigger.Assess, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_needs_a_recorded_decision()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        Assert.Contains("no shared decision", Refused(c, CaseTrigger.Decide, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        Assert.Contains("no shared decision", Refused(c, CaseTrigger.Decline, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_is_refused_when_an_alternative_was_not_discussed()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() =>
            c.RecordDecision(["conservative-care", "observation"], SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now()));
        Assert.Equal("guard:Decide", ex.Rule);
        Assert.Contains("alternatives not discussed: revision-surgery", ex.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Assessed, c.State);
        Assert.DoesNotContain(c.History, h => h.Trigger == CaseTrigger.Decide);

        c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
    }

    [Fact]
    public void Decline_is_refused_when_an_alternative_was_not_discussed()
    {
        var b = ACase().InState(CaseState.Assessed);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.RecordDecision(["observation"], "observation", null, Actors.Surgeon, b.Now()));
        Assert.Equal("guard:Decline", ex.Rule);
        Assert.Equal(CaseState.Assessed, c.State);
    }

    [Fact]
    public void Decide_and_Decline_must_match_the_recorded_choice()
    {
        // Postponed before consent and reassessed: back in Assessed with the earlier decision for removal on record.
        var b = ACase().PostponedFrom(CaseState.Decided);
        var c = b.Build();
        c.FireStep(CaseTrigger.Reassess, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Assessed, c.State);
        Assert.Equal(SurgicalCase.RemovalChoice, c.Decision!.Choice);
        Assert.Contains("the patient chose removal", Refused(c, CaseTrigger.Decline, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        c.FireStep(CaseTrigger.Decide, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);

        // Only a surgeon records the decision; a refused actor records nothing.
        var d = ACase().InState(CaseState.Assessed);
        var e = d.Build();
        var ex = Assert.Throws<DomainRuleException>(() => e.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Nurse, d.Now()));
        Assert.Equal("role:decision", ex.Rule);
        Assert.True(ex.Forbidden);
        Assert.Null(e.Decision);
    }

    [Fact]
    public void Decide_with_an_infection_indication_needs_markers_or_a_culture_plan()
    {
        var b = ACase().WithIndication("infection", "T84.63XA").InState(CaseState.Assessed);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now()));
        Assert.Equal("guard:Decide", ex.Rule);
        Assert.Contains("CRP/ESR", ex.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Assessed, c.State);

        // An empty culture plan is no plan.
        c.RecordInfectionEvidence(null, null, null, "   ", Actors.Nurse);
        Assert.Equal("guard:Decide", Assert.Throws<DomainRuleException>(() =>
            c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now())).Rule);

        c.RecordInfectionEvidence(12.5m, null, new DateOnly(2025, 2, 28), null, Actors.Anesthesiologist);
        c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
    }

    [Theory]
    [InlineData(42.0, null, null)]
    [InlineData(null, 60.0, null)]
    [InlineData(null, null, "intra-operative cultures, 5 samples")]
    public void Decide_with_an_infection_indication_accepts_markers_or_a_culture_plan(double? crp, double? esr, string? culturePlan)
    {
        var b = ACase().WithIndication("infection", "T84.63XA").WithInfectionEvidence((decimal?)crp, (decimal?)esr, culturePlan).InState(CaseState.Decided);
        Assert.Equal(CaseState.Decided, b.Build().State);
    }

    [Fact]
    public void Decide_with_support_complete_needs_fusion_evidence_or_an_override()
    {
        var b = ACase().WithOnlyIndication("support-complete", "Z47.2").InState(CaseState.Assessed);
        var c = b.Build();
        var ex = Assert.Throws<DomainRuleException>(() => c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now()));
        Assert.Equal("guard:Decide", ex.Rule);
        Assert.Contains("solid fusion", ex.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Assessed, c.State);

        c.OverrideFusionEvidence("fusion confirmed at exploration in 2023", Actors.Surgeon, b.Now());
        c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
    }

    [Fact]
    public void Decide_with_support_complete_accepts_a_linked_CT()
    {
        var b = ACase().WithOnlyIndication("support-complete", "Z47.2").InState(CaseState.Assessed);
        var c = b.Build();
        var ct = ImagingStudyTests.Study(b.PatientId, Modality.CT, ("L3-L5", FusionStatus.Solid));
        c.LinkFusionEvidence(ct, b.Construct!, [Modality.CT], Actors.Surgeon);
        c.RecordDecision(AllAlternatives, SurgicalCase.RemovalChoice, null, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
    }

    [Fact]
    public void Decline_needs_no_evidence()
    {
        // The evidence rules guard removal only: declining surgery is always open once alternatives were discussed.
        var c = ACase().WithOnlyIndication("support-complete").WithIndication("infection").InState(CaseState.Declined).Build();
        Assert.Equal(CaseState.Declined, c.State);
    }

    [Fact]
    public void Consent_needs_a_consent_signed_by_patient_and_surgeon_for_the_current_plan()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        Assert.Contains("no consent for the current plan", Refused(c, CaseTrigger.Consent, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);

        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        Assert.Contains("not signed by both", Refused(c, CaseTrigger.Consent, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now());
        Assert.Contains("not signed by both", Refused(c, CaseTrigger.Consent, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);

        // A newer, unsigned version for the same plan supersedes the older one.
        c.GenerateConsent("v2", Actors.Surgeon, b.Now());
        Assert.Contains("not signed by both", Refused(c, CaseTrigger.Consent, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        Assert.Throws<DomainRuleException>(() => c.SignConsentAsPatient(v1.Version, "Pat Patient", Actors.Nurse, b.Now()));

        // The patient signs last with a nurse as witness: the consent step fires, in the signing surgeon's name.
        var v2 = c.CurrentConsent!;
        c.SignConsentAsSurgeon(v2.Version, Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(v2.Version, "Pat Patient", Actors.Nurse, b.Now());
        Assert.Equal(CaseState.Consented, c.State);
        Assert.True(c.ConsentValid);
        Assert.Equal(Actors.Surgeon.Name, c.History[^1].By);
    }

    [Fact]
    public void Consent_is_refused_once_the_consent_was_withdrawn()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(v1.Version, "Pat Patient", Actors.Nurse, b.Now());
        c.WithdrawConsent(v1.Version, "changed her mind", Actors.Nurse, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        Assert.Contains("withdrawn", Refused(c, CaseTrigger.Consent, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_fires_when_a_surgeon_completes_the_signatures()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        c.SignConsentAsPatient(v1.Version, "Pat Patient", Actors.Nurse, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Consented, c.State);
        Assert.Equal(CaseTrigger.Consent, c.History[^1].Trigger);
    }

    /// <summary>
    /// In Consented, Ready and Scheduled the consent cannot become invalid without leaving the state (withdrawal and
    /// plan changes send the case back to Decided), so the guards of AttestReady, Schedule and CheckIn are checked on
    /// the case whose consent is invalid, through the table itself.
    /// </summary>
    [Theory]
    [InlineData(CaseTrigger.Consent, CaseState.Decided)]
    [InlineData(CaseTrigger.AttestReady, CaseState.Consented)]
    [InlineData(CaseTrigger.Schedule, CaseState.Ready)]
    [InlineData(CaseTrigger.CheckIn, CaseState.Scheduled)]
    [InlineData(CaseTrigger.Resume, CaseState.Postponed)]
    public void Consent_dependent_guards_refuse_without_a_valid_consent(CaseTrigger trigger, CaseState from)
    {
        var guard = CaseTransitions.Find(from, trigger)!.Guard;

        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        Assert.Equal("no consent for the current plan", guard(c, Full(c)));
        var v1 = c.GenerateConsent("v1", Actors.Surgeon, b.Now());
        Assert.NotNull(guard(c, Full(c)));
        c.SignConsentAsPatient(v1.Version, "Pat Patient", Actors.Nurse, b.Now());
        Assert.NotNull(guard(c, Full(c)));
        c.SignConsentAsSurgeon(v1.Version, Actors.Surgeon, b.Now());
        Assert.Null(guard(c, Full(c)));

        // Signed, then withdrawn.
        var withdrawn = ACase().InState(CaseState.Ready);
        var w = withdrawn.Build();
        w.WithdrawConsent(w.CurrentConsent!.Version, "no longer wants surgery", Actors.Nurse, withdrawn.Now());
        Assert.Equal("the consent was withdrawn", guard(w, Full(w)));

        // Signed, then the plan changed.
        var changed = ACase().InState(CaseState.Scheduled);
        var p = changed.Build();
        p.SetPlan(false, [changed.Construct!.Components[0].Id], changed.Construct, Actors.Surgeon, changed.Now());
        Assert.Equal("no consent for the current plan", guard(p, Full(p)));
    }

    [Fact]
    public void Resume_is_refused_when_the_case_was_postponed_before_consent()
    {
        var b = ACase().PostponedFrom(CaseState.Decided);
        var c = b.Build();
        Assert.Equal(CaseState.Postponed, c.State);
        Assert.Contains("no consent", Refused(c, CaseTrigger.Resume, Actors.Surgeon, b.Now()).Message, StringComparison.Ordinal);
        c.FireStep(CaseTrigger.Reassess, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Assessed, c.State);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Postpone_needs_a_reason(string? reason)
    {
        foreach (var from in new[] { CaseState.Decided, CaseState.Consented, CaseState.Ready, CaseState.Scheduled, CaseState.CheckedIn })
        {
            var b = ACase().InState(from);
            var c = b.Build();
            Assert.Contains("needs a reason", Refused(c, CaseTrigger.Postpone, Actors.Anesthesiologist, b.Now(), new TransitionRequest(reason, CancelReason.Other)).Message,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Postpone_records_its_reason()
    {
        var b = ACase().InState(CaseState.Scheduled);
        var c = b.Build();
        c.FireStep(CaseTrigger.Postpone, Actors.Scheduler, b.Now(), new TransitionRequest("theatre list overran"));
        Assert.Equal(CaseState.Postponed, c.State);
        Assert.Equal("theatre list overran", c.StateReason);
        Assert.Equal("theatre list overran", c.History[^1].Reason);
    }

    [Fact]
    public void Cancel_needs_a_reason_code()
    {
        foreach (var from in new[] { CaseState.Referred, CaseState.Assessed, CaseState.Decided, CaseState.Consented, CaseState.Ready, CaseState.Scheduled, CaseState.CheckedIn, CaseState.Postponed })
        {
            var b = ACase().InState(from);
            var c = b.Build();
            Assert.Contains("reason code", Refused(c, CaseTrigger.Cancel, Actors.Admin, b.Now(), new TransitionRequest("patient moved away")).Message, StringComparison.Ordinal);
            Assert.Null(c.CancelReason);
        }
    }

    [Fact]
    public void Cancel_records_its_reason_code()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        c.FireStep(CaseTrigger.Cancel, Actors.Scheduler, b.Now(), new TransitionRequest("moved to another trust", CancelReason.TransferredElsewhere));
        Assert.Equal(CaseState.Cancelled, c.State);
        Assert.Equal(CancelReason.TransferredElsewhere, c.CancelReason);
        Assert.Equal("TransferredElsewhere: moved to another trust", c.History[^1].Reason);

        var d = ACase().InState(CaseState.Referred);
        var e = d.Build();
        e.FireStep(CaseTrigger.Cancel, Actors.Surgeon, d.Now(), new TransitionRequest(null, CancelReason.NoLongerIndicated));
        Assert.Equal("NoLongerIndicated", e.History[^1].Reason);
    }

    [Fact]
    public void ConsentWithdrawn_needs_the_patients_reason()
    {
        var b = ACase().InState(CaseState.Ready);
        var c = b.Build();
        Assert.Contains("reason", Refused(c, CaseTrigger.ConsentWithdrawn, Actors.Nurse, b.Now(), new TransitionRequest(" ")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CaseTrigger.ConsentWithdrawn)]
    [InlineData(CaseTrigger.PlanChanged)]
    [InlineData(CaseTrigger.AttestReady)]
    public void Fire_without_a_request_behaves_as_an_empty_request(CaseTrigger trigger)
    {
        var b = ACase().InState(CaseState.Consented);
        var c = b.Build();
        var empty = CaseTransitions.Find(CaseState.Consented, trigger)!.Guard(c, new TransitionRequest());
        if (empty is null)
        {
            c.FireStep(trigger, Actors.Everyone, b.Now());
            Assert.NotEqual(CaseState.Consented, c.State);
        }
        else
        {
            Refused(c, trigger, Actors.Everyone, b.Now());
        }
    }

    [Fact]
    public void After_ConsentWithdrawn_or_PlanChanged_the_case_cannot_be_consented_again_without_a_new_signed_consent()
    {
        foreach (var trigger in new[] { CaseTrigger.ConsentWithdrawn, CaseTrigger.PlanChanged })
        {
            var b = ACase().InState(CaseState.Ready);
            var c = b.Build();
            c.FireStep(trigger, Actors.Surgeon, b.Now(), new TransitionRequest("patient withdrew by phone"));
            Assert.Equal(CaseState.Decided, c.State);
            Assert.False(c.ConsentValid);
            Assert.Throws<DomainRuleException>(() => c.FireStep(CaseTrigger.Consent, Actors.Surgeon, b.Now()));
        }
    }

    // ---- the printable table -----------------------------------------------------------------------------

    [Fact]
    public void The_Markdown_table_lists_every_trigger_with_its_states_roles_and_guard()
    {
        var md = CaseTransitions.ToMarkdown();
        var lines = md.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| Trigger | From | To | Fired by | Roles | Guard |", lines[0]);
        Assert.Equal("| --- | --- | --- | --- | --- | --- |", lines[1]);
        Assert.Equal(CaseTransitions.Table.Count + 2, lines.Length);
        foreach (var trigger in Enum.GetValues<CaseTrigger>())
        {
            var row = Assert.Single(lines, l => l.StartsWith($"| {trigger} |", StringComparison.Ordinal));
            var t = CaseTransitions.Table.Single(x => x.Trigger == trigger);
            var cells = row.Split('|').Select(s => s.Trim()).ToArray();
            Assert.Equal(8, cells.Length);
            Assert.Equal(string.Join(", ", t.From), cells[2]);
            Assert.Equal(t.To.ToString(), cells[3]);
            Assert.Equal(t.FiredByPerson ? "a person" : "system: " + t.Step, cells[4]);
            Assert.Equal(string.Join(", ", t.Roles), cells[5]);
            Assert.Equal(t.GuardText, cells[6]);
            Assert.False(string.IsNullOrWhiteSpace(cells[6]));
        }
        Assert.Contains("| Postpone | Decided, Consented, Ready, Scheduled, CheckedIn | Postponed | a person | surgeon, anesthesiologist, scheduler | a reason is given |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void NextActions_lists_the_states_user_triggers_with_their_blockers()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var next = c.NextActions();
        // Consent happens through the signatures, not a button (issue #12 §1): only what a person fires is offered.
        Assert.Equal([CaseTrigger.Postpone, CaseTrigger.Cancel], next.Select(n => n.Trigger));
        Assert.Null(next.Single(n => n.Trigger == CaseTrigger.Postpone).Blocker);

        var ready = ACase().InState(CaseState.Ready).Build();
        Assert.DoesNotContain(ready.NextActions(), n => n.Trigger is CaseTrigger.PlanChanged or CaseTrigger.ConsentWithdrawn or CaseTrigger.Schedule);
        var consented = ACase().InState(CaseState.Consented).Build();
        Assert.Equal("readiness has not been evaluated for this case", consented.NextActions().Single(n => n.Trigger == CaseTrigger.AttestReady).Blocker);
    }
}
