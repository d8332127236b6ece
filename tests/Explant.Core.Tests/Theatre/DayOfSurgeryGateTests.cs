using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;
using Explant.Core.Validation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Core.Tests.Theatre;

/// <summary>
/// The day-of-surgery gates of the issue "Pathway integrity", each through the aggregate so no caller can skip it:
/// check-in on the booked day, times that are neither in the future nor back-dated before check-in, the previous
/// milestone or the Time Out, checklist items answered by their owner, the antibiotic answer resting on the recorded
/// prophylaxis, and a closed record that changes nowhere.
/// </summary>
public sealed class DayOfSurgeryGateTests
{
    // ---- check-in on the booked day -------------------------------------------------------------------

    [Fact]
    public void Check_in_on_another_day_is_refused_naming_both_dates()
    {
        var rig = new TheatreRig();
        var booked = new DateOnly(2026, 12, 14);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCheckIn(Actors.Nurse, rig.Now(), null, booked, new DateOnly(2026, 12, 3)));
        Assert.Equal("check-in-booked-day", e.Rule);
        Assert.Contains("booked for 2026-12-14; today is 2026-12-03", e.Message, StringComparison.Ordinal);
        Assert.Null(rig.Record.CheckedInUtc);

        // The day after is refused too (a late check-in is not a fix for a missed day).
        Assert.Equal("check-in-booked-day",
            Assert.Throws<DomainRuleException>(() => rig.Record.RecordCheckIn(Actors.Nurse, rig.Now(), null, booked, booked.AddDays(1))).Rule);
        rig.Record.RecordCheckIn(Actors.Nurse, rig.Now(), null, booked, booked);
        Assert.NotNull(rig.Record.CheckedInUtc);
    }

    [Fact]
    public void Check_in_without_a_booked_day_is_refused()
    {
        var rig = new TheatreRig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCheckIn(Actors.Nurse, rig.Now(), null, null, TheatreRig.Day));
        Assert.Equal("check-in-booked-day", e.Rule);
        Assert.Null(rig.Record.CheckedInUtc);
    }

    // ---- times in the record ----------------------------------------------------------------------------

    [Fact]
    public void A_milestone_back_dated_before_check_in_is_refused()
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        var checkedIn = rig.Record.CheckedInUtc!.Value;
        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.InRoom, checkedIn.AddMinutes(-1)));
        Assert.Equal("milestone-after-check-in", e.Rule);
        Assert.Empty(rig.Record.Milestones);

        rig.Mark(Milestone.InRoom, checkedIn);
        Assert.Equal(checkedIn, rig.Record.At(Milestone.InRoom));
    }

    [Fact]
    public void An_incision_back_dated_before_the_Time_Out_was_completed_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned).Complete(ChecklistPhase.TimeOut);
        var timeOut = rig.Record.PhaseCompletedUtc(ChecklistPhase.TimeOut)!.Value;
        Assert.True(rig.Record.At(Milestone.Positioned) < timeOut.AddMinutes(-1));

        var e = Assert.Throws<DomainRuleException>(() => rig.Mark(Milestone.Incision, timeOut.AddMinutes(-1)));
        Assert.Equal("incision-after-time-out", e.Rule);
        Assert.Null(rig.Record.At(Milestone.Incision));

        rig.Mark(Milestone.Incision, timeOut);
        Assert.Equal(timeOut, rig.Record.At(Milestone.Incision));
    }

    [Fact]
    public void The_Time_Out_completes_at_its_last_tick()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned);
        Assert.Null(rig.Record.PhaseCompletedUtc(ChecklistPhase.TimeOut));
        rig.Complete(ChecklistPhase.TimeOut);
        Assert.Equal(rig.Record.Ticks.Max(t => t.AtUtc), rig.Record.PhaseCompletedUtc(ChecklistPhase.TimeOut));
    }

    [Fact]
    public void The_future_tolerance_is_a_validated_setting()
    {
        Assert.Empty(new TheatreOptions().Problems());
        Assert.NotEmpty(new TheatreOptions { MilestoneFutureToleranceMinutes = -1 }.Problems());
        Assert.NotEmpty(new TheatreOptions { MilestoneFutureToleranceMinutes = 600 }.Problems());
        var twice = new TheatreOptions();
        twice.Prophylaxis.Add(new ProphylaxisAgent { Name = "cefazolin", WindowMinutes = 60, RedoseMinutes = 240 });
        Assert.Contains(twice.Problems(), p => p.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dose_time_in_the_future_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned);
        var now = rig.Clock;
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Record.RecordProphylaxis("cefazolin", now.AddMinutes(rig.Options.MilestoneFutureToleranceMinutes + 1), null, null, Actors.Anesthesiologist, now, rig.Options));
        Assert.Equal("prophylaxis-not-future", e.Rule);
        Assert.Null(rig.Record.Prophylaxis);

        var given = now.AddMinutes(-10);
        Assert.Equal("prophylaxis-not-future", Assert.Throws<DomainRuleException>(() =>
            rig.Record.RecordProphylaxis("cefazolin", given, null, now.AddHours(1), Actors.Anesthesiologist, now, rig.Options)).Rule);
        Assert.Null(rig.Record.Prophylaxis);
    }

    [Fact]
    public void A_dose_time_before_check_in_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned);
        var checkedIn = rig.Record.CheckedInUtc!.Value;
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Record.RecordProphylaxis("cefazolin", checkedIn.AddMinutes(-5), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options));
        Assert.Equal("prophylaxis-after-check-in", e.Rule);
        Assert.Null(rig.Record.Prophylaxis);
    }

    [Fact]
    public void A_redose_before_the_first_dose_is_refused()
    {
        var rig = new TheatreRig().Through(Milestone.Positioned);
        var given = rig.Clock.AddMinutes(-10);
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Record.RecordProphylaxis("cefazolin", given, null, given.AddMinutes(-1), Actors.Anesthesiologist, rig.Clock, rig.Options));
        Assert.Equal("prophylaxis-redose-after-dose", e.Rule);
    }

    // ---- times as typed: parsed in Core, in the hospital's zone -------------------------------------------

    private static HospitalTime Chicago(DateTimeOffset now) =>
        new(Options.Create(new HospitalOptions { TimeZone = "America/Chicago" }), new FakeTimeProvider(now));

    [Theory]
    [InlineData("2026-12-14T13:05:00Z", "2026-12-14T13:05:00")]
    [InlineData("2026-12-14T13:05Z", "2026-12-14T13:05:00")]
    [InlineData("2026-12-14T14:05:00+01:00", "2026-12-14T13:05:00")]
    [InlineData("2026-12-14T13:05:00.5Z", "2026-12-14T13:05:00.5")]
    // Without an offset: wall-clock time in Chicago (CST = UTC−6 in December), never the server's zone.
    [InlineData("2026-12-14T07:05", "2026-12-14T13:05:00")]
    [InlineData("2026-12-14T07:05:00", "2026-12-14T13:05:00")]
    // A time of day is today in Chicago: at 01:00 UTC on the 15th it is still the 14th there.
    [InlineData("19:05", "2026-12-15T01:05:00")]
    public void A_typed_time_is_an_instant_with_an_offset_and_hospital_wall_clock_time_without(string typed, string expectedUtc)
    {
        var time = Chicago(new DateTimeOffset(2026, 12, 15, 1, 30, 0, TimeSpan.Zero));
        var check = new Check();
        var utc = RecordedTime.Parse(check, "at", typed, time);
        Assert.True(check.Ok);
        Assert.Equal(DateTime.SpecifyKind(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc), utc);
        Assert.Equal(DateTimeKind.Utc, utc!.Value.Kind);
    }

    [Theory]
    [InlineData("7 o'clock")]
    [InlineData("25:00")]
    [InlineData("2026-13-01T07:00")]
    // 02:30 on the day clocks go forward does not exist in Chicago.
    [InlineData("2026-03-08T02:30")]
    public void A_malformed_or_non_existent_time_is_a_field_error(string typed)
    {
        var check = new Check();
        Assert.Null(RecordedTime.Parse(check, "givenAt", typed, Chicago(new DateTimeOffset(2026, 12, 15, 1, 30, 0, TimeSpan.Zero))));
        var e = Assert.Throws<ValidationException>(check.ThrowIfAny);
        Assert.True(e.Errors.ContainsKey("givenAt"));
    }

    [Fact]
    public void A_blank_time_means_none()
    {
        var check = new Check();
        Assert.Null(RecordedTime.Parse(check, "at", "  ", Chicago(DateTimeOffset.UnixEpoch)));
        Assert.True(check.Ok);
    }

    // ---- checklist items owned by a role ------------------------------------------------------------------

    [Theory]
    [InlineData("si-identity", Roles.Nurse)]
    [InlineData("si-site-marked", Roles.Nurse)]
    [InlineData("si-anaesthesia-check", Roles.Anesthesiologist)]
    [InlineData("si-pulse-oximeter", Roles.Anesthesiologist)]
    [InlineData("si-allergy", Roles.Anesthesiologist)]
    [InlineData("si-airway", Roles.Anesthesiologist)]
    [InlineData("si-blood-loss", Roles.Anesthesiologist)]
    [InlineData("to-team", Roles.Nurse)]
    [InlineData("to-confirm", Roles.Surgeon)]
    [InlineData("to-critical-surgeon", Roles.Surgeon)]
    [InlineData("to-critical-anaesthesia", Roles.Anesthesiologist)]
    [InlineData("to-critical-nursing", Roles.Nurse)]
    [InlineData("sp-level-image", Roles.Surgeon)]
    [InlineData("sp-culture-plan", Roles.Surgeon)]
    [InlineData("so-procedure-recorded", Roles.Nurse)]
    [InlineData("so-counts", Roles.Nurse)]
    [InlineData("sp-reconciliation", Roles.Nurse)]
    public void Each_item_has_the_owner_the_WHO_checklist_names(string itemId, string owner) =>
        Assert.Equal(owner, WhoChecklist.Find(itemId)!.Owner);

    [Theory]
    [InlineData("si-anaesthesia-check", Roles.Nurse)]
    [InlineData("si-airway", Roles.Surgeon)]
    [InlineData("si-identity", Roles.Anesthesiologist)]
    public void A_Sign_In_item_ticked_by_another_role_is_forbidden(string itemId, string role)
    {
        var rig = new TheatreRig().CheckIn();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick(itemId, Actors.Only(role)));
        Assert.Equal("checklist-owner", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Empty(rig.Record.Ticks);
    }

    [Theory]
    [InlineData("to-critical-surgeon", Roles.Nurse)]
    [InlineData("to-confirm", Roles.Anesthesiologist)]
    [InlineData("to-critical-anaesthesia", Roles.Nurse)]
    [InlineData("to-critical-nursing", Roles.Surgeon)]
    public void A_Time_Out_item_ticked_by_another_role_is_forbidden(string itemId, string role)
    {
        var rig = new TheatreRig().CheckIn().Complete(ChecklistPhase.SignIn);
        var before = rig.Record.Ticks.Count;
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick(itemId, Actors.Only(role)));
        Assert.Equal("checklist-owner", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Equal(before, rig.Record.Ticks.Count);
        rig.Tick(itemId);
        Assert.Equal(before + 1, rig.Record.Ticks.Count);
    }

    [Fact]
    public void Someone_holding_the_owner_role_among_others_may_tick()
    {
        var rig = new TheatreRig().CheckIn();
        rig.Tick("si-airway", new CaseActor("Dr Both", [Roles.Surgeon, Roles.Anesthesiologist]));
        Assert.Equal(Roles.Anesthesiologist, rig.Record.Ticks.Single().Role);
    }

    // ---- the antibiotic answer rests on the recorded prophylaxis -------------------------------------------

    private static TheatreRig AtTimeOut(bool infection = false) =>
        new TheatreRig(infection).Through(Milestone.Positioned).Complete(ChecklistPhase.TimeOut, "to-antibiotic");

    [Fact]
    public void Antibiotic_yes_without_a_recorded_dose_is_refused()
    {
        var rig = AtTimeOut();
        var e = Assert.Throws<DomainRuleException>(() => rig.Tick("to-antibiotic"));
        Assert.Equal("tick-evidence:to-antibiotic", e.Rule);
        Assert.DoesNotContain(rig.Record.Ticks, t => t.ItemId == "to-antibiotic");

        rig.Record.RecordProphylaxis("cefazolin", rig.Clock.AddMinutes(-5), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        rig.Tick("to-antibiotic");
        Assert.Contains(rig.Record.Ticks, t => t.ItemId == "to-antibiotic" && t.Answer == TickAnswer.Yes);
    }

    [Fact]
    public void Antibiotic_not_applicable_needs_prophylaxis_delayed_for_cultures_with_a_reason()
    {
        var rig = AtTimeOut(infection: true);
        Assert.Equal("tick-evidence:to-antibiotic", Assert.Throws<DomainRuleException>(() => rig.Tick("to-antibiotic", answer: TickAnswer.NotApplicable)).Rule);

        rig.Record.RecordProphylaxis("cefazolin", rig.Clock.AddMinutes(-5), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        // A dose was given: "not applicable" would contradict the record.
        Assert.Equal("tick-evidence:to-antibiotic", Assert.Throws<DomainRuleException>(() => rig.Tick("to-antibiotic", answer: TickAnswer.NotApplicable)).Rule);

        rig.Record.RecordProphylaxis("cefazolin", null, "suspected deep infection: cultures first", null, Actors.Surgeon, rig.Clock, rig.Options);
        Assert.Equal("tick-evidence:to-antibiotic", Assert.Throws<DomainRuleException>(() => rig.Tick("to-antibiotic")).Rule);
        rig.Tick("to-antibiotic", answer: TickAnswer.NotApplicable);
        Assert.True(rig.Record.PhaseComplete(ChecklistPhase.TimeOut));
    }

    [Fact]
    public void The_prophylaxis_cannot_change_under_the_antibiotic_answer()
    {
        var rig = AtTimeOut(infection: true);
        rig.Record.RecordProphylaxis("cefazolin", rig.Clock.AddMinutes(-5), null, null, Actors.Anesthesiologist, rig.Clock, rig.Options);
        rig.Tick("to-antibiotic");
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Record.RecordProphylaxis("cefazolin", null, "cultures first", null, Actors.Surgeon, rig.Clock, rig.Options));
        Assert.Equal("attested-by-tick", e.Rule);
        Assert.NotNull(rig.Record.Prophylaxis!.GivenUtc);

        // A redose keeps the dose the answer rests on.
        rig.Record.RecordProphylaxis("cefazolin", rig.Record.Prophylaxis.GivenUtc, null, rig.Clock, Actors.Anesthesiologist, rig.Clock, rig.Options);
        Assert.NotNull(rig.Record.Prophylaxis.RedoseUtc);
    }

    // ---- attested evidence and the closed record -------------------------------------------------------------

    [Fact]
    public void Counts_attested_at_Sign_Out_cannot_be_rewritten_before_leaving()
    {
        var rig = new TheatreRig().Through(Milestone.ClosureEnd).Complete(ChecklistPhase.SignOut);
        Assert.False(rig.Record.Closed);
        var e = Assert.Throws<DomainRuleException>(() => rig.Record.RecordCounts(false, "one swab missing", Actors.Nurse));
        Assert.Equal("attested-by-tick", e.Rule);
        Assert.True(rig.Record.CountsCorrect);
    }

    public static TheoryData<string> Writes => new(ClosedRecordWrites.Keys);

    private static readonly Dictionary<string, Action<TheatreRig>> ClosedRecordWrites = new()
    {
        ["step"] = r => r.Record.RecordStep(1, true, "late note", Actors.Nurse),
        ["findings"] = r => r.Record.RecordFindings(new IntraOpRecord.Findings([], true, false, false, false, 300, null), Actors.Surgeon),
        ["counts"] = r => r.Record.RecordCounts(false, "swab", Actors.Nurse),
        ["prophylaxis"] = r => r.Record.RecordProphylaxis("cefazolin", r.Clock.AddMinutes(-30), null, null, Actors.Anesthesiologist, r.Clock, r.Options),
        ["specimen"] = r => r.Record.AddSpecimen(SpecimenKind.Histology, "membrane", "Pat", Actors.Nurse, r.Now()),
        ["account"] = r => r.Record.Account(r.Record.Explants[0].Id, new IntraOpRecord.Accounting(ExplantOutcome.NotFound, null, "looked", false, null), Actors.Nurse, r.Now()),
        ["unplanned"] = r => r.Record.AddUnplanned("crosslink", null, null, new IntraOpRecord.Accounting(ExplantOutcome.Removed, null, null, false, null), Actors.Nurse, r.Now()),
        ["tick"] = r => r.Tick("so-recovery"),
        ["levels"] = r => r.Record.ConfirmLevels(r.Record.PlannedLevels, "another image", Actors.Surgeon),
        ["milestone"] = r => r.Record.RecordMilestone(Milestone.OutOfRoom, r.Now(), Actors.Nurse, r.Clock, r.Options),
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_closed_record_refuses_every_write(string write)
    {
        var rig = new TheatreRig().Through(Milestone.OutOfRoom);
        Assert.True(rig.Record.Closed);
        var revisionBefore = System.Text.Json.JsonSerializer.Serialize(rig.Record);

        var e = Assert.Throws<DomainRuleException>(() => ClosedRecordWrites[write](rig));

        Assert.Equal("record-closed", e.Rule);
        Assert.Equal(revisionBefore, System.Text.Json.JsonSerializer.Serialize(rig.Record));
    }

    // ---- plausible input -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(-1)]
    [InlineData(20001)]
    public void An_implausible_blood_loss_is_refused(int ml)
    {
        var rig = new TheatreRig().Through(Milestone.Incision);
        var e = Assert.Throws<ValidationException>(() => rig.Record.RecordFindings(new IntraOpRecord.Findings([], false, false, false, false, ml, null), Actors.Surgeon));
        Assert.True(e.Errors.ContainsKey("estimatedBloodLossMl"));
        Assert.Null(rig.Record.EstimatedBloodLossMl);
    }

    [Fact]
    public void The_forms_fusion_text_is_parsed_in_Core_and_a_bad_line_is_named()
    {
        var lines = FindingsCommand.ParseFusionText("L3-L5 Solid\nL2-L3 pseudarthrosis");
        Assert.Equal([new FusionLine("L3-L5", Explant.Core.Implants.FusionStatus.Solid), new FusionLine("L2-L3", Explant.Core.Implants.FusionStatus.Pseudarthrosis)], lines);
        var e = Assert.Throws<ValidationException>(() => FindingsCommand.ParseFusionText("L3-L5 Solid\nL4 maybe"));
        Assert.Contains("line 2", Assert.Single(e.Errors["fusion"]), StringComparison.Ordinal);
        Assert.Throws<ValidationException>(() => FindingsCommand.ParseFusionText("L3-L5 7"));
    }
}
