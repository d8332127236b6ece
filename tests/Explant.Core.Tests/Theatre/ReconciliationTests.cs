using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>Explant reconciliation (docs/clinical-rules.md §7, rule 33, [S48][S49]) and the closed record.</summary>
public sealed class ReconciliationTests
{
    private static IntraOpRecord.Accounting As(ExplantOutcome outcome, string? detail = null, bool retrieval = false) =>
        new(outcome, ComponentCondition.Broken, detail, retrieval, "pathology");

    [Fact]
    public void Every_planned_component_starts_as_an_unaccounted_line()
    {
        var rig = new TheatreRig();
        var lines = rig.Record.Explants;
        Assert.Equal(8, lines.Count);
        Assert.All(lines, l => Assert.True(l.Planned));
        Assert.All(lines, l => Assert.Null(l.Outcome));
        Assert.Equal(rig.Case.PlannedComponentIds.Order(), lines.Select(l => l.ComponentId!.Value).Order());
        Assert.Equal(6, lines.Count(l => l.Description.Contains("pedicle screw", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Level == "L4" && l.Side == "left");
        Assert.Contains(lines, l => l.Level == "L3\u2013L5" && l.Side == "right");
        Assert.Equal(8, rig.Record.UnaccountedPlanned.Count);
    }

    [Fact]
    public void Accounting_a_line_records_the_outcome_who_and_when()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        var at = rig.Now();
        rig.Record.Account(line.Id, new IntraOpRecord.Accounting(ExplantOutcome.Removed, ComponentCondition.Corroded, "  ", true, " retrieval lab "), Actors.Surgeon, at);
        Assert.Equal(ExplantOutcome.Removed, line.Outcome);
        Assert.Equal(ComponentCondition.Corroded, line.Condition);
        Assert.Null(line.Detail);
        Assert.True(line.RetrievalAnalysis);
        Assert.Equal("retrieval lab", line.Disposition);
        Assert.Equal(Actors.Surgeon.Name, line.By);
        Assert.Equal(at, line.AtUtc);
        Assert.Equal(7, rig.Record.UnaccountedPlanned.Count);
    }

    [Theory]
    [InlineData(ExplantOutcome.Retained, null)]
    [InlineData(ExplantOutcome.Retained, "   ")]
    [InlineData(ExplantOutcome.FragmentRetained, null)]
    [InlineData(ExplantOutcome.FragmentRetained, "")]
    [InlineData(ExplantOutcome.NotFound, null)]
    public void An_outcome_other_than_removed_needs_its_detail(ExplantOutcome outcome, string? detail)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        var e = Assert.Throws<ValidationException>(() => rig.Record.Account(line.Id, As(outcome, detail), Actors.Surgeon, rig.Now()));
        Assert.True(e.Errors.ContainsKey("detail"));
        Assert.Null(line.Outcome);
        Assert.Null(line.By);
    }

    [Theory]
    [InlineData(ExplantOutcome.Retained, "screw head stripped; shank incorporated in fusion mass")]
    [InlineData(ExplantOutcome.FragmentRetained, "L4 left, 12 mm of screw tip in the body")]
    [InlineData(ExplantOutcome.NotFound, "explored L3 left, fluoroscopy shows no implant")]
    public void An_outcome_with_its_detail_is_accepted(ExplantOutcome outcome, string detail)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        rig.Record.Account(line.Id, As(outcome, detail), Actors.Surgeon, rig.Now());
        Assert.Equal(outcome, line.Outcome);
        Assert.Equal(detail, line.Detail);
    }

    [Theory]
    [InlineData(ExplantOutcome.Retained, "fused")]
    [InlineData(ExplantOutcome.NotFound, "not seen")]
    public void Retrieval_analysis_is_only_for_a_part_that_came_out(ExplantOutcome outcome, string detail)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        var e = Assert.Throws<ValidationException>(() => rig.Record.Account(line.Id, As(outcome, detail, retrieval: true), Actors.Surgeon, rig.Now()));
        Assert.True(e.Errors.ContainsKey("retrievalAnalysis"));
        Assert.Null(line.Outcome);
    }

    [Theory]
    [InlineData(ExplantOutcome.Removed, null)]
    [InlineData(ExplantOutcome.FragmentRetained, "L5 right, 8 mm")]
    public void A_removed_part_or_fragment_may_go_for_retrieval_analysis(ExplantOutcome outcome, string? detail)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        rig.Record.Account(line.Id, As(outcome, detail, retrieval: true), Actors.Surgeon, rig.Now());
        Assert.True(line.RetrievalAnalysis);
    }

    [Fact]
    public void An_unknown_line_is_not_found()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        Assert.Throws<NotFoundException>(() => rig.Record.Account(Guid.NewGuid(), As(ExplantOutcome.Removed), Actors.Surgeon, rig.Now()));
    }

    [Fact]
    public void An_unplanned_component_is_added_accounted_and_does_not_count_as_planned()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var at = rig.Now();
        var line = rig.Record.AddUnplanned(" crosslink ", "l4", " Midline ", As(ExplantOutcome.Removed), Actors.Nurse, at);
        Assert.Contains(line, rig.Record.Explants);
        Assert.False(line.Planned);
        Assert.Null(line.ComponentId);
        Assert.Equal("crosslink", line.Description);
        Assert.Equal("L4", line.Level);
        Assert.Equal("midline", line.Side);
        Assert.Equal(ExplantOutcome.Removed, line.Outcome);
        Assert.Equal(Actors.Nurse.Name, line.By);
        Assert.Equal(at, line.AtUtc);
        Assert.Equal(9, rig.Record.Explants.Count);
        Assert.Equal(8, rig.Record.UnaccountedPlanned.Count);
    }

    [Fact]
    public void An_unplanned_component_needs_a_description_a_valid_level_and_a_valid_accounting()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        Assert.True(Assert.Throws<ValidationException>(() => rig.Record.AddUnplanned(" ", null, null, As(ExplantOutcome.Removed), Actors.Nurse, rig.Now())).Errors.ContainsKey("description"));
        Assert.True(Assert.Throws<ValidationException>(() => rig.Record.AddUnplanned("hook", "L7", null, As(ExplantOutcome.Removed), Actors.Nurse, rig.Now())).Errors.ContainsKey("level"));
        Assert.True(Assert.Throws<ValidationException>(() => rig.Record.AddUnplanned("hook", "L2", null, As(ExplantOutcome.Retained), Actors.Nurse, rig.Now())).Errors.ContainsKey("detail"));
        Assert.Equal(8, rig.Record.Explants.Count);
    }

    [Theory]
    [InlineData(Roles.Anesthesiologist)]
    [InlineData(Roles.Scheduler)]
    public void Only_the_surgeon_or_a_nurse_reconciles(string role)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var line = rig.Record.Explants[0];
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.Account(line.Id, As(ExplantOutcome.Removed), Actors.Only(role), rig.Now()));
        Assert.Equal("role:reconciliation", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Null(line.Outcome);
    }

    [Fact]
    public void Counts_that_are_not_correct_need_the_discrepancy_and_are_a_nurse_task()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        Assert.True(Assert.Throws<ValidationException>(() => rig.Record.RecordCounts(false, " ", Actors.Nurse)).Errors.ContainsKey("discrepancy"));
        Assert.Null(rig.Record.CountsCorrect);
        Assert.Equal("role:counts", Assert.Throws<DomainRuleException>(() => rig.Record.RecordCounts(true, null, Actors.Surgeon)).Rule);

        rig.Record.RecordCounts(false, " one needle missing, x-ray negative ", Actors.Nurse);
        Assert.False(rig.Record.CountsCorrect);
        Assert.Equal("one needle missing, x-ray negative", rig.Record.CountDiscrepancy);
        rig.Record.RecordCounts(true, "ignored", Actors.Nurse);
        Assert.True(rig.Record.CountsCorrect);
        Assert.Null(rig.Record.CountDiscrepancy);
    }

    [Fact]
    public void A_specimen_label_carries_the_patient_the_case_and_a_sequence_number()
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        rig.Record.AddSpecimen(SpecimenKind.TissueCulture, "deep tissue L4", "Pat Patient MRN 123", Actors.Nurse, rig.Now());
        var s = rig.Record.AddSpecimen(SpecimenKind.Sonication, " L4 left screw ", "Pat Patient MRN 123", Actors.Nurse, rig.Now());
        Assert.Equal("Pat Patient MRN 123 · case 41 · 2: Sonication — L4 left screw", s.Label);
        Assert.Throws<ValidationException>(() => rig.Record.AddSpecimen(SpecimenKind.Other, " ", "Pat Patient MRN 123", Actors.Nurse, rig.Now()));
        Assert.Equal(2, rig.Record.Specimens.Count);
    }

    // ---- the closed record --------------------------------------------------------------------------

    private static TheatreRig Closed()
    {
        var rig = new TheatreRig().Through(Milestone.OutOfRoom);
        Assert.True(rig.Record.Closed);
        return rig;
    }

    [Fact]
    public void A_closed_record_refuses_accounting_changes()
    {
        var rig = Closed();
        var line = rig.Record.Explants[0];
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.Account(line.Id, As(ExplantOutcome.NotFound, "lost"), Actors.Surgeon, rig.Now()));
        Assert.Equal("record-closed", e.Rule);
        Assert.Equal(ExplantOutcome.Removed, line.Outcome);
    }

    [Fact]
    public void A_closed_record_refuses_unplanned_components()
    {
        var rig = Closed();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.AddUnplanned("crosslink", null, null, As(ExplantOutcome.Removed), Actors.Nurse, rig.Now()));
        Assert.Equal("record-closed", e.Rule);
        Assert.Equal(8, rig.Record.Explants.Count);
    }

    [Fact]
    public void A_closed_record_refuses_specimens()
    {
        var rig = Closed();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.AddSpecimen(SpecimenKind.Histology, "membrane", "Pat", Actors.Nurse, rig.Now()));
        Assert.Equal("record-closed", e.Rule);
        Assert.Empty(rig.Record.Specimens);
    }

    [Fact]
    public void A_closed_record_refuses_findings()
    {
        var rig = Closed();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordFindings(new IntraOpRecord.Findings([], false, true, false, false, 100, null), Actors.Surgeon));
        Assert.Equal("record-closed", e.Rule);
        Assert.False(rig.Record.Breakage);
    }

    [Fact]
    public void A_closed_record_refuses_further_milestones_and_ticks()
    {
        var rig = Closed();
        Assert.Equal("record-closed", Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.OutOfRoom)).Rule);
        Assert.Equal("record-closed", Assert.Throws<DomainRuleException>(() => rig.Tick("so-counts")).Rule);
    }
}
