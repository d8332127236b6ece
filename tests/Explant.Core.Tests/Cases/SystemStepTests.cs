using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using static Explant.Core.Tests.Cases.CaseBuilder;

namespace Explant.Core.Tests.Cases;

/// <summary>
/// Issue #12 §1: the table says who fires each trigger. The public <see cref="SurgicalCase.Fire"/> (the generic
/// transition route of the API, the case page's form and the CLI) fires only person-fired triggers; the others happen
/// only inside their step's command with its evidence.
/// </summary>
public sealed class SystemStepTests
{
    /// <summary>Written by hand from the issue, not derived from the table, so a table edit that opens a side door fails here.</summary>
    private static readonly CaseTrigger[] SystemTriggers =
    [
        CaseTrigger.Decide, CaseTrigger.Decline, CaseTrigger.Consent, CaseTrigger.Schedule, CaseTrigger.CheckIn, CaseTrigger.EnterTheatre,
        CaseTrigger.LeaveTheatre, CaseTrigger.Discharge, CaseTrigger.StartFollowUp, CaseTrigger.Close, CaseTrigger.ConsentWithdrawn,
        CaseTrigger.PlanChanged,
    ];

    private static readonly CaseTrigger[] PersonTriggers =
        [CaseTrigger.Assess, CaseTrigger.AttestReady, CaseTrigger.Postpone, CaseTrigger.Resume, CaseTrigger.Reassess, CaseTrigger.Cancel];

    [Fact]
    public void The_table_names_a_step_for_every_system_trigger_and_none_for_person_triggers()
    {
        Assert.Equal(SystemTriggers.Order(), CaseTransitions.Table.Where(t => !t.FiredByPerson).Select(t => t.Trigger).Order());
        Assert.Equal(PersonTriggers.Order(), CaseTransitions.Table.Where(t => t.FiredByPerson).Select(t => t.Trigger).Order());
        Assert.All(CaseTransitions.Table.Where(t => !t.FiredByPerson), t => Assert.False(string.IsNullOrWhiteSpace(t.Step)));
        Assert.Contains("Fired by", CaseTransitions.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("system: the booking", CaseTransitions.ToMarkdown(), StringComparison.Ordinal);
    }

    public static TheoryData<CaseTrigger, CaseState> SystemTransitions()
    {
        var data = new TheoryData<CaseTrigger, CaseState>();
        foreach (var t in CaseTransitions.Table.Where(t => !t.FiredByPerson))
        {
            foreach (var from in t.From)
            {
                data.Add(t.Trigger, from);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SystemTransitions))]
    public void A_person_cannot_fire_a_system_trigger_whatever_their_roles_and_nothing_changes(CaseTrigger trigger, CaseState from)
    {
        var b = ACase().InState(from);
        var c = b.Build();
        var before = (c.State, c.History.Count, c.PlanRevision);
        var request = new TransitionRequest("a reason", CancelReason.Other, CleanReadiness(c));
        var ex = Assert.Throws<DomainRuleException>(() => c.Fire(trigger, Actors.Everyone, b.Now(), request));
        Assert.Equal($"transition:{trigger}:system-step", ex.Rule);
        Assert.Contains("happens only through", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, (c.State, c.History.Count, c.PlanRevision));
    }

    [Fact]
    public void Person_triggers_still_fire_through_the_public_route()
    {
        var b = ACase().InState(CaseState.Consented);
        var c = b.Build();
        c.Fire(CaseTrigger.AttestReady, Actors.Nurse, b.Now(), new TransitionRequest(Readiness: CleanReadiness(c)));
        Assert.Equal(CaseState.Ready, c.State);
        c.Fire(CaseTrigger.Postpone, Actors.Surgeon, b.Now(), new TransitionRequest("theatre closed"));
        Assert.Equal(CaseState.Postponed, c.State);
    }

    [Fact]
    public void Next_actions_offer_only_what_a_person_fires()
    {
        foreach (var state in Enum.GetValues<CaseState>())
        {
            var b = ACase().InState(state);
            var c = b.Build();
            Assert.All(c.NextActions(CleanReadiness(c)), a => Assert.Contains(a.Trigger, PersonTriggers));
        }
    }

    // ---- the planned date follows the booking (issue #12 §3) ----------------------------------------------

    [Theory]
    [InlineData(CaseState.Scheduled)]
    [InlineData(CaseState.CheckedIn)]
    public void The_planned_date_of_a_booked_case_is_moved_only_with_its_booking(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        var planned = c.PlannedSurgeryUtc;
        foreach (var actor in new[] { Actors.Surgeon, Actors.Scheduler })
        {
            var ex = Assert.Throws<DomainRuleException>(() => c.SetPlannedSurgery(b.Clock.GetUtcNow().UtcDateTime.AddDays(20), actor, b.Now()));
            Assert.Equal("move-the-booking", ex.Rule);
            Assert.Contains("move the booking", ex.Message, StringComparison.Ordinal);
        }
        Assert.Equal(planned, c.PlannedSurgeryUtc);
    }

    [Fact]
    public void A_planned_date_in_the_past_or_beyond_two_years_is_refused_and_not_stored()
    {
        var b = ACase().InState(CaseState.Consented);
        var c = b.Build();
        var now = b.Now();
        var past = Assert.Throws<ValidationException>(() => c.SetPlannedSurgery(now.AddMinutes(-1), Actors.Surgeon, now));
        Assert.Contains("plannedSurgery", past.Errors.Keys);
        var far = Assert.Throws<ValidationException>(() => c.SetPlannedSurgery(now.AddYears(2).AddDays(1), Actors.Surgeon, now));
        Assert.Contains("years ahead", far.Errors["plannedSurgery"][0], StringComparison.Ordinal);
        Assert.Throws<ValidationException>(() => c.SetPlannedSurgery(new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc), Actors.Surgeon, now));
        Assert.Null(c.PlannedSurgeryUtc);
        c.SetPlannedSurgery(now.AddYears(2).AddDays(-1), Actors.Surgeon, now);
        Assert.Equal(now.AddYears(2).AddDays(-1), c.PlannedSurgeryUtc);
    }
}

/// <summary>Issue #12 §7: "all components" in a signed consent means the components that existed when it was signed.</summary>
public sealed class HardwareAfterConsentTests
{
    private static Construct.ComponentInput Hook() =>
        new(ComponentKind.Hook, "L2", null, Side.Left, null, null, Material.Titanium, HookType.Laminar, null, null, null);

    [Theory]
    [InlineData(CaseState.Consented)]
    [InlineData(CaseState.Ready)]
    [InlineData(CaseState.Scheduled)]
    [InlineData(CaseState.Postponed)]
    public void Hardware_added_after_consent_invalidates_an_all_components_consent(CaseState state)
    {
        var b = ACase().InState(state);
        var c = b.Build();
        Assert.True(c.ConsentValid);
        var revision = c.PlanRevision;
        var added = b.Construct!.AddComponent(Hook());

        Assert.True(c.HardwareAdded(b.Construct, Actors.Nurse, b.Now()));
        Assert.Contains(added.Id, c.PlannedComponentIds);
        Assert.Equal(revision + 1, c.PlanRevision);
        Assert.False(c.ConsentValid);
        Assert.Equal(CaseState.Decided, c.State);
        Assert.Equal(CaseTrigger.PlanChanged, c.History[^1].Trigger);
        Assert.Contains("hardware added", c.History[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partial_plan_keeps_its_consent_and_a_case_in_theatre_keeps_its_plan()
    {
        var b = ACase().InState(CaseState.Consented);
        var c = b.Build();
        var construct = b.Construct!;
        c.SetPlan(false, [construct.Components[0].Id], construct, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        var revision = c.PlanRevision;
        construct.AddComponent(Hook());
        Assert.False(c.HardwareAdded(construct, Actors.Nurse, b.Now()));
        Assert.Equal(revision, c.PlanRevision);

        var t = ACase().InState(CaseState.InTheatre);
        var inTheatre = t.Build();
        var planned = inTheatre.PlannedComponentIds.ToList();
        t.Construct!.AddComponent(Hook());
        Assert.False(inTheatre.HardwareAdded(t.Construct, Actors.Nurse, t.Now()));
        Assert.Equal(planned, inTheatre.PlannedComponentIds);
        Assert.Equal(CaseState.InTheatre, inTheatre.State);
    }
}

/// <summary>The consent step fires on the last signature, whoever signs last (a regression the system step could cause).</summary>
public sealed class ConsentSignatureOrderTests
{
    [Fact]
    public void Surgeon_first_then_the_patient_witnessed_by_a_nurse_consents_the_case()
    {
        var b = ACase().InState(CaseState.Decided);
        var c = b.Build();
        var consent = c.GenerateConsent("the document", Actors.Surgeon, b.Now());
        c.SignConsentAsSurgeon(consent.Version, Actors.Surgeon, b.Now());
        Assert.Equal(CaseState.Decided, c.State);
        c.SignConsentAsPatient(consent.Version, "Jane Doe", Actors.Nurse, b.Now());
        Assert.Equal(CaseState.Consented, c.State);
        Assert.Equal(CaseTrigger.Consent, c.History[^1].Trigger);
        Assert.Equal(Actors.Surgeon.Name, c.History[^1].By);
    }
}
