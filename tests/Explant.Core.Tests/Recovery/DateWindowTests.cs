using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Recovery;

/// <summary>
/// Dates that cannot lie (issue #12): discharge, visits, missed contacts and complications lie between the day of
/// surgery and today; a PROM at a follow-up point only inside that point's window. Every refusal names its field or
/// rule and leaves the record as it was.
/// </summary>
public sealed class DateWindowTests
{
    private static readonly DateOnly Surgery = RecoveryRig.Surgery;

    // ---- discharge -------------------------------------------------------------------------------------

    [Fact]
    public void A_discharge_dated_after_today_is_refused_naming_the_date_and_nothing_changes()
    {
        var rig = new RecoveryRig().TickAll();
        var today = Surgery.AddDays(2);

        var e = Assert.Throws<ValidationException>(() => rig.Record.DischargePatient(RecoveryRig.Command(today.AddDays(1)), rig.Options, rig.FollowUp, Actors.Surgeon, today));

        Assert.Equal(["date"], e.Errors.Keys.ToArray());
        Assert.Contains("after today", e.Errors["date"][0], StringComparison.Ordinal);
        Assert.Null(rig.Record.DischargedOn);
        Assert.Empty(rig.Record.Plan);
        Assert.Null(rig.Record.WoundCare);
    }

    [Fact]
    public void A_discharge_today_or_on_the_day_of_surgery_is_accepted()
    {
        var today = Surgery.AddDays(2);
        var rig = new RecoveryRig().TickAll();
        rig.Record.DischargePatient(RecoveryRig.Command(today), rig.Options, rig.FollowUp, Actors.Surgeon, today);
        Assert.Equal(today, rig.Record.DischargedOn);

        var sameDay = new RecoveryRig().TickAll();
        sameDay.Record.DischargePatient(RecoveryRig.Command(Surgery), sameDay.Options, sameDay.FollowUp, Actors.Nurse, Surgery);
        Assert.Equal(Surgery, sameDay.Record.DischargedOn);
    }

    [Fact]
    public void A_discharge_before_the_surgery_is_refused_naming_the_surgery()
    {
        var rig = new RecoveryRig().TickAll();
        var e = Assert.Throws<ValidationException>(() => rig.Record.DischargePatient(RecoveryRig.Command(Surgery.AddDays(-1)), rig.Options, rig.FollowUp, Actors.Surgeon, Surgery));
        Assert.Contains("before the surgery", e.Errors["date"][0], StringComparison.Ordinal);
        Assert.Null(rig.Record.DischargedOn);
    }

    // ---- visits and missed contacts ----------------------------------------------------------------------

    [Theory]
    [InlineData(-1, "before the surgery")]
    [InlineData(31, "after today")]
    public void A_visit_outside_surgery_to_today_is_refused_and_the_plan_point_stays_open(int daysAfterSurgery, string reason)
    {
        var rig = new RecoveryRig().Discharge();
        var today = Surgery.AddDays(30);

        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordVisit(
            new("2wk", Surgery.AddDays(daysAfterSurgery), WoundStatus.Healed, NeurologyStatus.Unchanged, null, null), Actors.Nurse, today));

        Assert.Equal(["date"], e.Errors.Keys.ToArray());
        Assert.Contains(reason, e.Errors["date"][0], StringComparison.Ordinal);
        Assert.Empty(rig.Record.Visits);
        Assert.Null(rig.Record.Plan.Single(p => p.Code == "2wk").DoneOn);
    }

    [Fact]
    public void A_visit_today_is_accepted_and_an_unknown_code_and_a_future_date_are_both_named()
    {
        var rig = new RecoveryRig().Discharge();
        var today = Surgery.AddDays(15);
        rig.Record.RecordVisit(new("2wk", today, WoundStatus.Healed, NeurologyStatus.Unchanged, null, null), Actors.Nurse, today);
        Assert.Equal(today, rig.Record.Plan.Single(p => p.Code == "2wk").DoneOn);

        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordVisit(
            new("3wk", today.AddDays(1), WoundStatus.Healed, NeurologyStatus.Unchanged, null, null), Actors.Nurse, today));
        Assert.Equal(["code", "date"], e.Errors.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(41)]
    public void A_missed_contact_outside_surgery_to_today_is_refused_and_not_counted(int daysAfterSurgery)
    {
        var rig = new RecoveryRig().Discharge();
        var e = Assert.Throws<ValidationException>(() =>
            rig.Record.RecordMissedContact(Surgery.AddDays(daysAfterSurgery), "no answer", rig.Options, Actors.Nurse, Surgery.AddDays(40)));
        Assert.Equal(["date"], e.Errors.Keys.ToArray());
        Assert.Empty(rig.Record.Missed);
    }

    [Theory]
    [InlineData("Sam Scheduler")]
    [InlineData("Ada Admin")]
    public void Scheduler_and_admin_cannot_record_visits_or_missed_contacts(string who)
    {
        var actor = who == Actors.Admin.Name ? Actors.Admin : Actors.Scheduler;
        var rig = new RecoveryRig().Discharge();
        var visit = Assert.Throws<DomainRuleException>(() => rig.Record.RecordVisit(
            new("2wk", Surgery.AddDays(15), WoundStatus.Healed, NeurologyStatus.Unchanged, null, null), actor, RecoveryRig.Today));
        Assert.True(visit.Forbidden);
        Assert.Equal("role:visit", visit.Rule);
        var missed = Assert.Throws<DomainRuleException>(() => rig.Record.RecordMissedContact(Surgery.AddDays(15), "", rig.Options, actor, RecoveryRig.Today));
        Assert.Equal("role:follow-up", missed.Rule);
        Assert.Empty(rig.Record.Visits);
        Assert.Empty(rig.Record.Missed);
    }

    // ---- complications -----------------------------------------------------------------------------------

    private static readonly SurgicalCase Case = CaseBuilder.ACase().InState(CaseState.FollowUp).Build();

    private static Complication Complicate(DateOnly on, DateOnly today, CaseActor? actor = null) =>
        Complication.Record(Case, [], "hematoma", on, new ClavienDindo(ClavienDindoGrade.II), null, "", Surgery, today, actor ?? Actors.Surgeon);

    [Theory]
    [InlineData(-1, "before the surgery")]
    [InlineData(6, "after today")]
    public void A_complication_outside_surgery_to_today_is_refused_naming_occurredOn(int day, string reason)
    {
        var e = Assert.Throws<ValidationException>(() => Complicate(Surgery.AddDays(day), Surgery.AddDays(5)));
        Assert.Equal(["occurredOn"], e.Errors.Keys.ToArray());
        Assert.Contains(reason, e.Errors["occurredOn"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_complication_on_the_day_of_surgery_and_one_today_are_accepted_and_only_clinicians_record_them()
    {
        Assert.Equal(Surgery, Complicate(Surgery, Surgery).OccurredOn);
        Assert.Equal(Surgery.AddDays(5), Complicate(Surgery.AddDays(5), Surgery.AddDays(5), Actors.Anesthesiologist).OccurredOn);
        Assert.True(Assert.Throws<DomainRuleException>(() => Complicate(Surgery, Surgery, Actors.Scheduler)).Forbidden);
        Assert.True(Assert.Throws<DomainRuleException>(() => Complicate(Surgery, Surgery, Actors.Admin)).Forbidden);
    }

    // ---- PROM windows ------------------------------------------------------------------------------------

    [Fact]
    public void A_three_month_prom_on_the_day_of_surgery_is_refused_by_its_window()
    {
        var rig = new RecoveryRig().Discharge(daysAfterSurgery: 0);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordPromPoint("3mo", Surgery));
        Assert.Equal("prom-window", e.Rule);
        Assert.All(rig.Record.Plan, p => Assert.Null(p.DoneOn));
    }

    [Fact]
    public void The_prom_window_is_the_plans_point_from_opening_through_due_date_plus_grace()
    {
        var rig = new RecoveryRig().Discharge(daysAfterSurgery: 2);
        var item = rig.Record.Plan.Single(p => p.Code == "1y");
        Assert.Equal(item.DueDate, item.OpensOn);   // EarlyDays 0 in the default plan
        Assert.Equal(item.DueDate.AddDays(rig.FollowUp.GraceDays), item.LateAfter);

        Assert.Equal("prom-window", Assert.Throws<DomainRuleException>(() => rig.Record.RequirePromWindow("1y", item.DueDate.AddDays(-1))).Rule);
        Assert.Equal("prom-window", Assert.Throws<DomainRuleException>(() => rig.Record.RequirePromWindow("1y", item.LateAfter.AddDays(1))).Rule);
        rig.Record.RequirePromWindow("1y", item.DueDate);
        rig.Record.RequirePromWindow("1y", item.LateAfter);
    }

    [Fact]
    public void A_prom_inside_its_window_marks_a_prom_only_point_done_but_leaves_a_visit_point_for_its_visit()
    {
        var options = new FollowUpOptions
        {
            Points = [.. new FollowUpOptions().Points, new() { Code = "30d", Label = "30-day PROM", Offset = 30, IsVisit = false, PromsDue = true, EarlyDays = 0 }],
        };
        var rig = new RecoveryRig();
        rig.TickAll();
        rig.Record.DischargePatient(RecoveryRig.Command(Surgery.AddDays(2)), rig.Options, options, Actors.Surgeon, RecoveryRig.Today);

        rig.Record.RecordPromPoint("30d", Surgery.AddDays(31));
        Assert.Equal(Surgery.AddDays(31), rig.Record.Plan.Single(p => p.Code == "30d").DoneOn);

        var threeMonths = rig.Record.Plan.Single(p => p.Code == "3mo");
        rig.Record.RecordPromPoint("3mo", threeMonths.DueDate);
        Assert.Null(threeMonths.DoneOn);
    }

    [Fact]
    public void A_visit_without_proms_is_not_a_prom_point()
    {
        var rig = new RecoveryRig().Discharge();
        var e = Assert.Throws<ValidationException>(() => rig.Record.RequirePromWindow("6wk", Surgery.AddDays(42)));
        Assert.Equal(["timePoint"], e.Errors.Keys.ToArray());
    }
}
