using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Patients;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Cases;

/// <summary>
/// Issue #13: what the pages show is decided in Core — the safety summary (§3), which controls a role is offered in a
/// state (§4, from WriteAccess and the aggregate's own predicates), the whole-note edit (§5) and the enum labels (§6).
/// </summary>
public sealed class PageFactsTests
{
    private static readonly DateOnly Today = new(2025, 3, 3);
    private static readonly DateOnly Surgery = new(2025, 3, 13);

    private static Patient APatient(params Medication[] medications) =>
        Patient.Register(new Patient.Details("MAIN", "MRN-7", "Doe", "Jane", new DateOnly(1970, 5, 1), Sex.Female, 70m, 165m, ["latex"], medications), Today);

    [Fact]
    public void The_safety_summary_names_allergies_the_infection_with_its_culture_plan_and_each_anticoagulants_hold()
    {
        var c = CaseBuilder.ACase().WithIndication("infection").WithInfectionEvidence(86m, 64m, "5 tissue samples; hold prophylaxis until cultures").Build();
        var patient = APatient(new Medication { Name = "apixaban" }, new Medication { Name = "warfarin" }, new Medication { Name = "metformin" });
        Assert.True(patient.RecordStop("apixaban", Surgery.AddDays(-3), Surgery));
        var summary = SafetySummary.From(c, patient, Today, Surgery);

        Assert.Equal("DOE, Jane", summary.Name);
        Assert.Equal(54, summary.Age);
        Assert.Equal(["latex"], summary.Allergies);
        Assert.Contains("hold prophylaxis until cultures", summary.Infection, StringComparison.Ordinal);
        // Metformin is not an anticoagulant; apixaban's stop is confirmed for this date, warfarin's is not.
        Assert.Equal(["apixaban", "warfarin"], summary.Anticoagulants.Select(a => a.Drug));
        Assert.True(summary.Anticoagulants[0].Held);
        Assert.False(summary.Anticoagulants[1].Held);
        Assert.Contains("not confirmed", summary.Anticoagulants[1].Status, StringComparison.Ordinal);

        // A stop confirmed for another surgery date does not count (issue #12 §7).
        Assert.False(SafetySummary.From(c, patient, Today, Surgery.AddDays(7)).Anticoagulants[0].Held);
        // No infection indication, no infection line.
        Assert.Null(SafetySummary.From(CaseBuilder.ACase().Build(), APatient(), Today, null).Infection);
    }

    [Fact]
    public void The_patient_pages_summary_takes_the_infection_from_open_cases_only()
    {
        var patient = APatient(new Medication { Name = "apixaban" });
        var closed = CaseBuilder.ACase().WithIndication("infection").WithInfectionEvidence(86m, 64m, "cultures of the last operation").InState(CaseState.Closed).Build();
        var open = CaseBuilder.ACase().WithIndication("infection").WithInfectionEvidence(86m, 64m, "hold prophylaxis until cultures").InState(CaseState.Consented).Build();

        var both = SafetySummary.ForPatient(patient, [closed, open], Today, DateOnly.FromDateTime);
        Assert.Contains("hold prophylaxis until cultures", both.Infection, StringComparison.Ordinal);
        Assert.DoesNotContain("last operation", both.Infection, StringComparison.Ordinal);
        Assert.Equal(["latex"], both.Allergies);
        Assert.Equal("apixaban", Assert.Single(both.Anticoagulants).Drug);

        // Only finished cases: who the patient is, allergies and anticoagulants, no infection line and no hold.
        var none = SafetySummary.ForPatient(patient, [closed], Today, DateOnly.FromDateTime);
        Assert.Null(none.Infection);
        Assert.False(Assert.Single(none.Anticoagulants).Held);
        Assert.Equal(("DOE, Jane", "MRN-7", 54), (none.Name, none.Mrn, none.Age));
    }

    [Fact]
    public void Case_actions_offer_each_control_to_its_write_roles_in_its_states_only()
    {
        var assessed = CaseBuilder.ACase().InState(CaseState.Assessed).Build();
        var bySurgeon = CaseActions.For(assessed, Actors.Surgeon);
        Assert.True(bySurgeon.Decision.Allowed);
        Assert.True(bySurgeon.Plan.Allowed);
        Assert.False(bySurgeon.Consent.Allowed);   // generated in Decided
        Assert.Contains("Decided", bySurgeon.Consent.Reason, StringComparison.Ordinal);

        var byNurse = CaseActions.For(assessed, Actors.Nurse);
        Assert.False(byNurse.Decision.Allowed);
        Assert.Contains("surgeon", byNurse.Decision.Reason, StringComparison.Ordinal);
        Assert.True(byNurse.InfectionEvidence.Allowed);   // clinicians record markers
        Assert.False(CaseActions.For(assessed, Actors.Scheduler).InfectionEvidence.Allowed);

        // Transitions: the nurse's AttestReady is hers; the surgeon sees it named, not offered; cancel is destructive.
        var consented = CaseBuilder.ACase().InState(CaseState.Consented).Build();
        Assert.True(CaseActions.For(consented, Actors.Nurse).Transitions.Single(t => t.Trigger == CaseTrigger.AttestReady).Mine);
        var surgeonView = CaseActions.For(consented, Actors.Surgeon).Transitions;
        Assert.False(surgeonView.Single(t => t.Trigger == CaseTrigger.AttestReady).Mine);
        Assert.True(surgeonView.Single(t => t.Trigger == CaseTrigger.Cancel).Destructive);
        Assert.True(surgeonView.Single(t => t.Trigger == CaseTrigger.Postpone).Destructive);

        // A finished case offers nothing, and says why.
        var cancelled = CaseBuilder.ACase().CancelledFrom(CaseState.Assessed).Build();
        var after = CaseActions.For(cancelled, Actors.Surgeon);
        Assert.All(new[] { after.Plan, after.Indication, after.Decision, after.Consent, after.HandOver }, a => Assert.False(a.Allowed));
        Assert.Contains("Cancelled", after.Indication.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_whole_note_is_saved_at_once_and_an_unknown_section_saves_nothing()
    {
        var note = OperativeNote.Draft(CaseBuilder.ACase().Build(), [("procedure", "Procedure", "a"), ("findings", "Findings", "b"), ("plan", "Plan", "c")], CaseBuilder.Start);
        note.EditAll(new Dictionary<string, string> { ["procedure"] = " edited one ", ["findings"] = "edited two" }, Actors.Surgeon);
        Assert.Equal(["edited one", "edited two", "c"], note.Sections.Select(s => s.Text));

        Assert.Throws<Explant.Core.Data.ValidationException>(() => note.EditAll(new Dictionary<string, string> { ["plan"] = "x", ["nonsense"] = "y" }, Actors.Surgeon));
        Assert.Equal("c", note.Sections[2].Text);
        var e = Assert.Throws<Explant.Core.Data.DomainRuleException>(() => note.EditAll(new Dictionary<string, string> { ["plan"] = "x" }, Actors.Nurse));
        Assert.StartsWith("role", e.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PatientRequest", "Patient request")]
    [InlineData("AttestReady", "Attest readiness")]
    [InlineData("CheckedIn", "Checked in")]
    [InlineData("FollowUp", "Follow-up")]
    [InlineData("MedicalContraindication", "Medical contraindication")]
    [InlineData("Ready", "Ready")]
    [InlineData("already words", "already words")]
    public void Labels_read_as_words(string name, string label) => Assert.Equal(label, Labels.Of(name));

    [Fact]
    public void Role_lists_read_as_words() =>
        Assert.Equal("surgeon, anesthesiologist or scheduler", Labels.Roles([Roles.Surgeon, Roles.Anesthesiologist, Roles.Scheduler]));
}
