using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Recovery;

/// <summary>The follow-up plan generated at discharge (rule 40), visits, missed contacts and closing (issue #8 §2).</summary>
public sealed class FollowUpTests
{
    private static readonly string[] Instruments = ["ODI", "NRS back", "NRS leg"];

    [Fact]
    public void Discharge_generates_the_rule_40_plan_counted_from_the_surgery_date()
    {
        // Surgery Monday 10 March 2025, home on the 12th (2 nights).
        var rig = new RecoveryRig().Discharge(daysAfterSurgery: 2);
        var s = RecoveryRig.Surgery;
        var plan = rig.Record.Plan.ToDictionary(p => p.Code);

        Assert.Equal(["baseline", "2wk", "6wk", "3mo", "6mo", "1y"], rig.Record.Plan.Select(p => p.Code).ToArray());
        Assert.Equal(s, plan["baseline"].DueDate);
        Assert.Equal(new DateOnly(2025, 3, 24), plan["2wk"].DueDate);
        Assert.Equal(new DateOnly(2025, 4, 21), plan["6wk"].DueDate);
        // The 3-month visit doubles as the registry's 90-day PROM point: 90 days after discharge (FollowUpOptions).
        Assert.Equal(new DateOnly(2025, 6, 10), plan["3mo"].DueDate);
        Assert.Equal(rig.Record.DischargedOn!.Value.AddDays(90), plan["3mo"].DueDate);
        Assert.Equal(new DateOnly(2025, 9, 10), plan["6mo"].DueDate);
        Assert.Equal(new DateOnly(2026, 3, 10), plan["1y"].DueDate);

        Assert.Equal(RecoveryRig.VisitCodes, rig.Record.Plan.Where(p => p.IsVisit).Select(p => p.Code).ToArray());
        Assert.False(plan["baseline"].IsVisit);
        Assert.Equal(["baseline", "3mo", "1y"], rig.Record.Plan.Where(p => p.Proms.Count > 0).Select(p => p.Code).ToArray());
        Assert.All(rig.Record.Plan.Where(p => p.Proms.Count > 0), p => Assert.Equal(Instruments, p.Proms));
        Assert.All(rig.Record.Plan, p => Assert.Null(p.DoneOn));

        // Windows: a visit opens on its due date and is late after 14 days' grace; the baseline cannot be late.
        Assert.All(rig.Record.Plan.Where(p => p.IsVisit), p => Assert.Equal((p.DueDate, p.DueDate.AddDays(14)), (p.OpensOn!.Value, p.LateAfter)));
        Assert.Null(plan["baseline"].OpensOn);
        Assert.Equal(s, plan["baseline"].LateAfter);
    }

    [Fact]
    public void A_later_discharge_moves_only_the_discharge_anchored_point()
    {
        var early = new RecoveryRig().Discharge(daysAfterSurgery: 1).Record.Plan.ToDictionary(p => p.Code, p => p.DueDate);
        var late = new RecoveryRig().Discharge(daysAfterSurgery: 4).Record.Plan.ToDictionary(p => p.Code, p => p.DueDate);

        Assert.Equal(3, late["3mo"].DayNumber - early["3mo"].DayNumber);
        Assert.All(new[] { "baseline", "2wk", "6wk", "6mo", "1y" }, code => Assert.Equal(early[code], late[code]));
    }

    [Fact]
    public void The_plan_status_follows_the_windows()
    {
        var rig = new RecoveryRig().Discharge();
        // 2wk is due 24 March 2025 and late after 7 April (14 days' grace); 6wk opens 21 April; the baseline was due on the surgery date.
        FollowUpStatus On(string code, DateOnly day) => rig.Record.StatusOn(day).Single(x => x.Item.Code == code).Status;
        Assert.Equal(FollowUpStatus.NotYetDue, On("2wk", new DateOnly(2025, 3, 23)));
        Assert.Equal(FollowUpStatus.Due, On("2wk", new DateOnly(2025, 3, 24)));
        Assert.Equal(FollowUpStatus.Due, On("2wk", new DateOnly(2025, 4, 7)));
        Assert.Equal(FollowUpStatus.Overdue, On("2wk", new DateOnly(2025, 4, 8)));
        Assert.Equal(FollowUpStatus.NotYetDue, On("6wk", new DateOnly(2025, 4, 8)));
        Assert.Equal(FollowUpStatus.Overdue, On("baseline", RecoveryRig.Surgery.AddDays(1)));
    }

    [Fact]
    public void No_follow_up_before_discharge()
    {
        var rig = new RecoveryRig().TickAll();
        Assert.Equal("follow-up-after-discharge", Assert.Throws<DomainRuleException>(() => rig.Visit("2wk")).Rule);
        Assert.Equal("follow-up-after-discharge", Assert.Throws<DomainRuleException>(() => rig.Miss(1)).Rule);
        Assert.Empty(rig.Record.Missed);
    }

    [Theory]
    [InlineData("3wk")]
    [InlineData("baseline")]   // a PROM-only point, not a visit
    [InlineData("2WK")]
    [InlineData("")]
    public void A_visit_for_a_code_that_is_not_a_visit_of_the_plan_is_refused(string code)
    {
        var rig = new RecoveryRig().Discharge();
        var e = Assert.Throws<ValidationException>(() => rig.Visit(code));
        Assert.Contains("code", e.Errors.Keys);
        Assert.Empty(rig.Record.Visits);
        Assert.All(rig.Record.Plan, p => Assert.Null(p.DoneOn));
    }

    [Fact]
    public void A_visit_marks_its_point_done_and_a_second_one_for_the_same_code_replaces_it()
    {
        var rig = new RecoveryRig().Discharge();
        rig.Visit("2wk", daysAfterSurgery: 15);
        rig.Record.RecordVisit(new("2wk", RecoveryRig.Surgery.AddDays(16), WoundStatus.Concern, NeurologyStatus.Unchanged, null, "redness"), Actors.Surgeon, RecoveryRig.Today);

        var visit = Assert.Single(rig.Record.Visits);
        Assert.Equal(WoundStatus.Concern, visit.Wound);
        Assert.Equal(RecoveryRig.Surgery.AddDays(16), rig.Record.Plan.Single(p => p.Code == "2wk").DoneOn);
        Assert.Equal(FollowUpStatus.Done, rig.Record.StatusOn(new DateOnly(2027, 1, 1)).Single(x => x.Item.Code == "2wk").Status);
    }

    [Fact]
    public void Close_is_refused_while_points_are_open_and_accepted_once_every_point_is_done()
    {
        var rig = new RecoveryRig().Discharge();
        foreach (var code in RecoveryRig.VisitCodes.SkipLast(1))
        {
            rig.Visit(code);
        }
        rig.Record.MarkPromPointDone("baseline", RecoveryRig.Surgery.AddDays(-3));

        var e = Assert.Throws<DomainRuleException>(() => rig.Record.Close(rig.Options, Actors.Surgeon));
        Assert.Equal("close-follow-up", e.Rule);
        Assert.Contains("1 follow-up point(s) open", e.Message, StringComparison.Ordinal);
        Assert.Null(rig.Record.ClosedReason);
        Assert.Null(rig.Record.CloseReason(rig.Options));

        rig.Visit("1y", daysAfterSurgery: 366);
        Assert.True(rig.Record.PlanComplete);
        rig.Record.Close(rig.Options, Actors.Surgeon);

        Assert.Equal("follow-up plan complete", rig.Record.ClosedReason);
        Assert.Equal("follow-up-closed", Assert.Throws<DomainRuleException>(() => rig.Visit("1y")).Rule);
        Assert.Equal("follow-up-closed", Assert.Throws<DomainRuleException>(() => rig.Record.Close(rig.Options, Actors.Surgeon)).Rule);
    }

    [Fact]
    public void Every_visit_done_but_the_baseline_point_open_is_not_a_complete_plan()
    {
        var rig = new RecoveryRig().Discharge();
        foreach (var code in RecoveryRig.VisitCodes)
        {
            rig.Visit(code);
        }
        Assert.False(rig.Record.PlanComplete);
        Assert.Equal("close-follow-up", Assert.Throws<DomainRuleException>(() => rig.Record.Close(rig.Options, Actors.Surgeon)).Rule);
    }

    [Fact]
    public void Two_missed_contacts_are_not_enough_to_close_three_make_the_patient_lost_to_follow_up()
    {
        var rig = new RecoveryRig().Discharge();
        rig.Visit("2wk");
        rig.Miss(2);
        Assert.False(rig.Record.LostToFollowUp(rig.Options));
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.Close(rig.Options, Actors.Surgeon));
        Assert.Equal("close-follow-up", e.Rule);
        Assert.Contains("2 of 3 missed contacts", e.Message, StringComparison.Ordinal);

        rig.Miss(1);
        Assert.True(rig.Record.LostToFollowUp(rig.Options));
        rig.Record.Close(rig.Options, Actors.Surgeon);
        Assert.Equal("lost to follow-up after 3 missed contacts", rig.Record.ClosedReason);
        Assert.Equal(3, rig.Record.Missed.Count);
    }

    [Fact]
    public void The_loss_threshold_is_a_setting()
    {
        var rig = new RecoveryRig().Discharge();
        rig.Options.MissedContactsForLoss = 2;
        rig.Miss(2);
        rig.Record.Close(rig.Options, Actors.Surgeon);
        Assert.NotNull(rig.Record.ClosedReason);
    }

    [Fact]
    public void Only_a_surgeon_closes_follow_up()
    {
        var rig = new RecoveryRig().Discharge();
        rig.Miss(3);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.Close(rig.Options, Actors.Nurse));
        Assert.True(e.Forbidden);
        Assert.Equal("role:close", e.Rule);
        Assert.Null(rig.Record.ClosedReason);
    }
}
