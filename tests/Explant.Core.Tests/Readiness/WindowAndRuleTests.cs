using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Readiness;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Readiness;

/// <summary>
/// <see cref="ReadinessEngine.Window"/> at its boundaries, then the engine's rules one at a time (docs/clinical-rules.md §5,
/// rules 20–26) at the day before, on and after each window, and the readiness guard of AttestReady/Schedule.
/// </summary>
public sealed class WindowAndRuleTests
{
    private static readonly DateOnly S = ReadinessRig.SurgeryDate;

    private static ReadinessRig Rig(CaseBuilder? builder = null) => new(builder);

    private static ReadinessRig Consented() => new(CaseBuilder.ACase().InState(CaseState.Consented));

    // ---- Window ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(30)]
    [InlineData(90)]
    public void Taken_exactly_window_days_before_surgery_is_met_and_expires_on_the_surgery_day(int window)
    {
        var status = ReadinessEngine.Window(S.AddDays(-window), S, window, out var date);
        Assert.Equal(ItemStatus.Met, status);
        Assert.Equal(S, date);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(90)]
    public void Taken_one_day_earlier_than_the_window_is_expired_on_taken_plus_window(int window)
    {
        var taken = S.AddDays(-window - 1);
        var status = ReadinessEngine.Window(taken, S, window, out var date);
        Assert.Equal(ItemStatus.Expired, status);
        Assert.Equal(taken.AddDays(window), date);
        Assert.Equal(S.AddDays(-1), date);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    public void Taken_on_the_surgery_day_is_met(int window)
    {
        Assert.Equal(ItemStatus.Met, ReadinessEngine.Window(S, S, window, out var date));
        Assert.Equal(S.AddDays(window), date);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    public void Taken_after_surgery_is_missing_and_due_on_the_surgery_day(int daysAfter)
    {
        Assert.Equal(ItemStatus.Missing, ReadinessEngine.Window(S.AddDays(daysAfter), S, 30, out var date));
        Assert.Equal(S, date);
    }

    [Fact]
    public void Nothing_taken_is_missing_and_due_on_the_surgery_day()
    {
        Assert.Equal(ItemStatus.Missing, ReadinessEngine.Window(null, S, 30, out var date));
        Assert.Equal(S, date);
    }

    [Fact]
    public void Window_is_counted_in_calendar_days_across_a_leap_day()
    {
        // 2028-02-29 exists: 2028-03-30 is 30 days after 2028-02-29.
        Assert.Equal(ItemStatus.Met, ReadinessEngine.Window(new DateOnly(2028, 2, 29), new DateOnly(2028, 3, 30), 30, out _));
        Assert.Equal(ItemStatus.Expired, ReadinessEngine.Window(new DateOnly(2028, 2, 28), new DateOnly(2028, 3, 30), 30, out var d));
        Assert.Equal(new DateOnly(2028, 3, 29), d);
    }

    // ---- windowed rules through the engine ---------------------------------------------------------------

    private static void Record(ReadinessRig rig, string rule, DateOnly on)
    {
        switch (rule)
        {
            case "radiographs": rig.XRay(on); break;
            case "cbc": rig.Result(LabKind.Cbc, on); break;
            case "creatinine": rig.Creatinine(on, 1.0m); break;
            case "history-physical": rig.HistoryPhysical(on); break;
            default: throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    [Theory]
    [InlineData("radiographs", 90, 91, ItemStatus.Expired)]
    [InlineData("radiographs", 90, 90, ItemStatus.Met)]
    [InlineData("radiographs", 90, 89, ItemStatus.Met)]
    [InlineData("radiographs", 90, 0, ItemStatus.Met)]
    [InlineData("radiographs", 90, -1, ItemStatus.Missing)]
    [InlineData("cbc", 30, 31, ItemStatus.Expired)]
    [InlineData("cbc", 30, 30, ItemStatus.Met)]
    [InlineData("cbc", 30, 29, ItemStatus.Met)]
    [InlineData("cbc", 30, 0, ItemStatus.Met)]
    [InlineData("cbc", 30, -1, ItemStatus.Missing)]
    [InlineData("creatinine", 30, 31, ItemStatus.Expired)]
    [InlineData("creatinine", 30, 30, ItemStatus.Met)]
    [InlineData("creatinine", 30, 29, ItemStatus.Met)]
    [InlineData("creatinine", 30, -1, ItemStatus.Missing)]
    [InlineData("history-physical", 30, 31, ItemStatus.Expired)]
    [InlineData("history-physical", 30, 30, ItemStatus.Met)]
    [InlineData("history-physical", 30, 29, ItemStatus.Met)]
    [InlineData("history-physical", 30, 0, ItemStatus.Met)]
    [InlineData("history-physical", 30, -1, ItemStatus.Missing)]
    public void Windowed_items_at_their_boundaries(string rule, int window, int daysBefore, ItemStatus expected)
    {
        var rig = Rig().PlanSurgery(S);
        var taken = S.AddDays(-daysBefore);
        Record(rig, rule, taken);
        var item = rig.Item(rule);
        Assert.Equal(expected, item.Status);
        Assert.True(item.Blocking);
        Assert.Equal(expected != ItemStatus.Met, item.IsOpen);
        Assert.Equal(expected == ItemStatus.Missing ? S : taken.AddDays(window), item.Date);
        if (expected == ItemStatus.Expired)
        {
            // The date it expired is the day before surgery, and the explanation says so.
            Assert.Equal(S.AddDays(-1), item.Date);
            Assert.Contains($"until {S.AddDays(-1):yyyy-MM-dd}", item.Explanation, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("radiographs", "S26")]
    [InlineData("history-physical", "S39")]
    public void Windowed_items_cite_their_source(string rule, string source) =>
        Assert.Equal(source, Rig().PlanSurgery(S).Item(rule).Source);

    [Theory]
    [InlineData("radiographs")]
    [InlineData("cbc")]
    [InlineData("creatinine")]
    [InlineData("history-physical")]
    public void Absent_evidence_is_missing_blocking_and_due_on_the_surgery_day(string rule)
    {
        var item = Rig().PlanSurgery(S).Item(rule);
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.IsOpen);
        Assert.Equal(S, item.Date);
    }

    [Fact]
    public void Windows_come_from_the_options()
    {
        var rig = Rig().PlanSurgery(S);
        rig.Options.LabWindowDays = 14;
        rig.Options.RadiographWindowDays = 10;
        rig.Options.HistoryPhysicalWindowDays = 20;
        rig.Result(LabKind.Cbc, S.AddDays(-15)).Creatinine(S.AddDays(-14), 1m).XRay(S.AddDays(-11)).HistoryPhysical(S.AddDays(-20));
        var report = rig.Evaluate();
        Assert.Equal(ItemStatus.Expired, ReadinessRig.Item(report, "cbc").Status);
        Assert.Equal(ItemStatus.Met, ReadinessRig.Item(report, "creatinine").Status);
        Assert.Equal(ItemStatus.Expired, ReadinessRig.Item(report, "radiographs").Status);
        Assert.Equal(ItemStatus.Met, ReadinessRig.Item(report, "history-physical").Status);
    }

    [Fact]
    public void Only_radiographs_count_for_the_radiograph_item_and_the_newest_one_wins()
    {
        var rig = Rig().PlanSurgery(S).Study(Modality.CT, S.AddDays(-5)).Study(Modality.MRI, S.AddDays(-5));
        Assert.Equal(ItemStatus.Missing, rig.Item("radiographs").Status);
        rig.XRay(S.AddDays(-200));
        Assert.Equal(ItemStatus.Expired, rig.Item("radiographs").Status);
        rig.XRay(S.AddDays(-40));
        var item = rig.Item("radiographs");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.Equal(S.AddDays(50), item.Date);
    }

    [Fact]
    public void The_latest_lab_result_counts()
    {
        var rig = Rig().PlanSurgery(S).Result(LabKind.Cbc, S.AddDays(-60)).Result(LabKind.Cbc, S.AddDays(-2)).Result(LabKind.Cbc, S.AddDays(-45));
        Assert.Equal(ItemStatus.Met, rig.Item("cbc").Status);
    }

    [Fact]
    public void Type_and_screen_is_advisory_with_a_3_day_window_due_the_day_before()
    {
        var rig = Rig().PlanSurgery(S);
        var missing = rig.Item("type-and-screen");
        Assert.Equal(ItemStatus.Missing, missing.Status);
        Assert.False(missing.Blocking);
        Assert.False(missing.IsOpen);
        Assert.Equal(S.AddDays(-1), missing.Date);
        rig.Result(LabKind.TypeAndScreen, S.AddDays(-4));
        Assert.Equal(ItemStatus.Expired, rig.Item("type-and-screen").Status);
        rig.Result(LabKind.TypeAndScreen, S.AddDays(-3));
        Assert.Equal(ItemStatus.Met, rig.Item("type-and-screen").Status);
    }

    // ---- surgery date, consent, fasting -----------------------------------------------------------------

    [Fact]
    public void Without_a_surgery_date_the_report_is_provisional_against_today()
    {
        var rig = Rig();
        rig.Today = new DateOnly(2026, 2, 1);
        var report = rig.Evaluate();
        Assert.True(report.Provisional);
        Assert.Null(report.SurgeryUtc);
        Assert.Equal(rig.Today, report.EvaluatedFor);
        var date = ReadinessRig.Item(report, "surgery-date");
        Assert.Equal(ItemStatus.Missing, date.Status);
        Assert.True(date.IsOpen);
        var fasting = ReadinessRig.Item(report, "fasting");
        Assert.Equal(ItemStatus.Missing, fasting.Status);
        Assert.False(fasting.Blocking);
        Assert.Empty(report.Fasting);
    }

    [Fact]
    public void With_a_surgery_date_the_report_is_evaluated_for_the_local_surgery_day()
    {
        // 23:30 in Chicago on the 15th is already the 16th in UTC.
        var rig = Rig().PlanSurgery(S, 23, 30);
        var report = rig.Evaluate();
        Assert.False(report.Provisional);
        Assert.Equal(S, report.EvaluatedFor);
        Assert.Equal(new DateTime(2026, 4, 16, 4, 30, 0, DateTimeKind.Utc), report.SurgeryUtc);
        Assert.Equal(ItemStatus.Met, ReadinessRig.Item(report, "surgery-date").Status);
    }

    [Fact]
    public void Consent_is_blocking_until_the_case_is_consented()
    {
        Assert.True(Rig().PlanSurgery(S).Item("consent").IsOpen);
        Assert.Equal(ItemStatus.Met, Consented().PlanSurgery(S).Item("consent").Status);
    }

    [Fact]
    public void Fasting_item_is_advisory_and_the_report_carries_the_lines()
    {
        var report = Rig().PlanSurgery(S).Evaluate();
        var item = ReadinessRig.Item(report, "fasting");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.False(item.Blocking);
        Assert.Equal(new DateTime(2026, 4, 14, 23, 30, 0), report.Fasting.Single(f => f.Category == "light-meal").LastIntakeLocal);
        Assert.Equal(new DateTime(2026, 4, 15, 5, 30, 0), report.Fasting.Single(f => f.Category == "clear-liquids").LastIntakeLocal);
    }

    // ---- ASA physical status (rule 25) -------------------------------------------------------------------

    [Fact]
    public void Asa_missing_is_blocking_and_due_the_day_before()
    {
        var item = Rig().PlanSurgery(S).Item("asa");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.IsOpen);
        Assert.Equal("S40", item.Source);
        Assert.Equal(S.AddDays(-1), item.Date);
        Assert.Equal([Roles.Anesthesiologist], item.ClearedBy);
    }

    [Theory]
    [InlineData("VIE")]
    [InlineData("vie")]
    [InlineData(" VIE ")]
    [InlineData("VII")]
    [InlineData("0")]
    [InlineData("E")]
    [InlineData("")]
    [InlineData("IEE")]
    [InlineData("II E")]
    [InlineData("2")]
    public void Asa_classes_that_do_not_exist_are_refused(string asa)
    {
        var rig = Rig();
        var e = Assert.Throws<ValidationException>(() => rig.Case.RecordAsa(asa, Actors.Anesthesiologist));
        Assert.True(e.Errors.ContainsKey("asaClass"));
        Assert.Null(rig.Case.AsaClass);
    }

    [Theory]
    [InlineData("I", "I")]
    [InlineData("II", "II")]
    [InlineData("III", "III")]
    [InlineData("IV", "IV")]
    [InlineData("V", "V")]
    [InlineData("VI", "VI")]
    [InlineData("IE", "IE")]
    [InlineData("IIE", "IIE")]
    [InlineData("IIIE", "IIIE")]
    [InlineData("IVE", "IVE")]
    [InlineData("VE", "VE")]
    [InlineData(" iie ", "IIE")]
    public void Asa_classes_I_to_VI_with_an_optional_E_are_accepted(string asa, string stored)
    {
        var rig = Rig().PlanSurgery(S);
        rig.Case.RecordAsa(asa, Actors.Anesthesiologist);
        Assert.Equal(stored, rig.Case.AsaClass);
        var item = rig.Item("asa");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.False(item.IsOpen);
        Assert.Contains($"ASA {stored} by {Actors.Anesthesiologist.Name}", item.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Surgeon)]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Scheduler)]
    [InlineData(Roles.Admin)]
    public void Only_an_anesthesiologist_records_the_asa_class(string role)
    {
        var rig = Rig();
        var e = Assert.Throws<DomainRuleException>(() => rig.Case.RecordAsa("IIE", Actors.Only(role)));
        Assert.True(e.Forbidden);
        Assert.Null(rig.Case.AsaClass);
    }

    // ---- infection → inflammatory markers (S23) ----------------------------------------------------------

    [Fact]
    public void Without_infection_the_markers_item_does_not_apply()
    {
        var item = Rig().PlanSurgery(S).Item("inflammatory-markers");
        Assert.Equal(ItemStatus.NotApplicable, item.Status);
        Assert.False(item.Blocking);
        Assert.False(item.IsOpen);
        Assert.Null(item.Date);
    }

    [Fact]
    public void Infection_needs_inflammatory_markers()
    {
        var item = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S).Item("inflammatory-markers");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.Blocking);
        Assert.True(item.IsOpen);
        Assert.Equal("S23", item.Source);
    }

    [Theory]
    [InlineData(LabKind.Crp)]
    [InlineData(LabKind.Esr)]
    public void A_crp_or_esr_result_satisfies_the_markers(LabKind kind)
    {
        var rig = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S).Result(kind, S.AddDays(-30), 12m);
        var item = rig.Item("inflammatory-markers");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.Equal(S, item.Date);
        rig = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S).Result(kind, S.AddDays(-31), 12m);
        Assert.Equal(ItemStatus.Expired, rig.Item("inflammatory-markers").Status);
    }

    [Fact]
    public void The_cases_infection_evidence_with_its_markers_date_satisfies_the_markers()
    {
        var rig = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S);
        rig.Case.RecordInfectionEvidence(25m, null, S.AddDays(-10), null, Actors.Nurse);
        var item = rig.Item("inflammatory-markers");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.Equal(S.AddDays(20), item.Date);

        rig.Case.RecordInfectionEvidence(null, 40m, S.AddDays(-31), null, Actors.Nurse);
        var old = rig.Item("inflammatory-markers");
        Assert.Equal(ItemStatus.Expired, old.Status);
        Assert.True(old.IsOpen);
    }

    [Fact]
    public void A_culture_plan_alone_is_not_a_marker()
    {
        var rig = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S);
        rig.Case.RecordInfectionEvidence(null, null, S.AddDays(-2), "aspirate under CT before antibiotics", Actors.Nurse);
        Assert.Equal(ItemStatus.Missing, rig.Item("inflammatory-markers").Status);
    }

    [Fact]
    public void The_newest_of_results_and_infection_evidence_counts()
    {
        var rig = Rig(CaseBuilder.ACase().WithIndication("infection")).PlanSurgery(S).Result(LabKind.Crp, S.AddDays(-60), 80m);
        rig.Case.RecordInfectionEvidence(30m, null, S.AddDays(-3), null, Actors.Nurse);
        Assert.Equal(ItemStatus.Met, rig.Item("inflammatory-markers").Status);
    }

    // ---- support complete → CT fusion (S26) --------------------------------------------------------------

    [Fact]
    public void Ct_fusion_only_applies_when_support_is_complete()
    {
        var item = Rig().PlanSurgery(S).Item("ct-fusion");
        Assert.Equal(ItemStatus.NotApplicable, item.Status);
        Assert.False(item.Blocking);
    }

    [Fact]
    public void Support_complete_needs_ct_evidence_of_fusion()
    {
        var item = Rig(CaseBuilder.ACase().WithIndication("support-complete")).PlanSurgery(S).Item("ct-fusion");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.Blocking);
        Assert.True(item.IsOpen);
        Assert.Equal("S26", item.Source);
    }

    [Fact]
    public void A_linked_ct_showing_solid_fusion_satisfies_it()
    {
        var rig = Rig(CaseBuilder.ACase().WithIndication("support-complete")).PlanSurgery(S)
            .Study(Modality.CT, S.AddDays(-40), new ImagingStudy.FusionInput("L3-L5", FusionStatus.Solid));
        rig.Case.LinkFusionEvidence(rig.Imaging[0], rig.Builder.Construct!, [Modality.CT], Actors.Surgeon);
        Assert.Equal(ItemStatus.Met, rig.Item("ct-fusion").Status);
    }

    [Fact]
    public void A_surgeons_fusion_override_satisfies_it()
    {
        var item = Rig(CaseBuilder.ACase().WithIndication("support-complete").WithFusionOverride("fusion seen at revision")).PlanSurgery(S).Item("ct-fusion");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.Contains("fusion seen at revision", item.Explanation, StringComparison.Ordinal);
    }

    // ---- MRI (S23) --------------------------------------------------------------------------------------

    [Fact]
    public void An_ordered_mri_blocks_until_an_mri_on_or_after_the_order_date_is_recorded()
    {
        var rig = Rig().PlanSurgery(S);
        Assert.Equal(ItemStatus.NotApplicable, rig.Item("mri").Status);
        rig.Case.OrderMri(Actors.Surgeon, new DateTime(2026, 4, 1, 15, 0, 0, DateTimeKind.Utc));
        var ordered = rig.Item("mri");
        Assert.Equal(ItemStatus.Missing, ordered.Status);
        Assert.True(ordered.IsOpen);
        rig.Study(Modality.MRI, new DateOnly(2026, 3, 31));
        Assert.Equal(ItemStatus.Missing, rig.Item("mri").Status);
        rig.Study(Modality.MRI, new DateOnly(2026, 4, 1));
        Assert.Equal(ItemStatus.Met, rig.Item("mri").Status);
    }

    // ---- anticoagulants → coagulation (S34) --------------------------------------------------------------

    [Fact]
    public void Without_an_anticoagulant_coagulation_does_not_apply()
    {
        var item = Rig().WithMedications("aspirin 81 mg", "clopidogrel").PlanSurgery(S).Item("coagulation");
        Assert.Equal(ItemStatus.NotApplicable, item.Status);
        Assert.False(item.Blocking);
    }

    [Theory]
    [InlineData("apixaban")]
    [InlineData("Eliquis 5 mg")]
    [InlineData("rivaroxaban")]
    [InlineData("Lovenox")]
    public void An_anticoagulant_needs_a_coagulation_result_in_the_lab_window(string drug)
    {
        var rig = Rig().WithMedications(drug).PlanSurgery(S);
        var missing = rig.Item("coagulation");
        Assert.Equal(ItemStatus.Missing, missing.Status);
        Assert.True(missing.Blocking);
        Assert.True(missing.IsOpen);
        rig.Result(LabKind.PtInr, S.AddDays(-31), 1.1m);
        Assert.Equal(ItemStatus.Expired, rig.Item("coagulation").Status);
        rig.Result(LabKind.PtInr, S.AddDays(-2), 1.1m);
        Assert.Equal(ItemStatus.Met, rig.Item("coagulation").Status);
    }

    [Fact]
    public void Apixaban_on_the_list_gives_a_met_medication_item_with_the_last_dose()
    {
        var report = Rig().WithMedications("apixaban 5 mg").PlanSurgery(S).Evaluate();
        var item = ReadinessRig.Item(report, "medication:apixaban 5 mg");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.False(item.Blocking);
        Assert.Equal(S.AddDays(-3), item.Date);
        Assert.Equal("S32", item.Source);
        var hold = Assert.Single(report.Holds);
        Assert.Equal(2, hold.OmittedDays);
        Assert.Equal(S.AddDays(-3), hold.LastDoseDate);
    }

    [Theory]
    [InlineData(-6, ItemStatus.Missing)] // the day of the last dose: not after the stop
    [InlineData(-7, ItemStatus.Missing)]
    [InlineData(-5, ItemStatus.Met)] // the first day without warfarin
    [InlineData(-1, ItemStatus.Met)]
    [InlineData(0, ItemStatus.Met)]
    [InlineData(1, ItemStatus.Missing)] // after surgery
    public void Warfarin_needs_an_INR_dated_after_the_stop_date(int offset, ItemStatus expected)
    {
        var rig = Rig().WithMedications("warfarin").PlanSurgery(S).Result(LabKind.PtInr, S.AddDays(offset), 1.1m);
        var item = rig.Item("coagulation");
        Assert.Equal(expected, item.Status);
        Assert.True(item.Blocking);
        Assert.Equal("S34", item.Source);
        Assert.Contains("warfarin", item.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Warfarin_without_an_INR_is_due_the_day_before_and_names_the_stop_date()
    {
        var item = Rig().WithMedications("Coumadin").PlanSurgery(S).Item("coagulation");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.IsOpen);
        Assert.Equal(S.AddDays(-1), item.Date);
        Assert.Contains($"after {S.AddDays(-6):yyyy-MM-dd}", item.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Warfarin_INR_above_the_local_threshold_stays_open()
    {
        var rig = Rig().WithMedications("warfarin").PlanSurgery(S).Result(LabKind.PtInr, S.AddDays(-1), 1.6m);
        rig.Options.InrThreshold = 1.4m;
        var high = rig.Item("coagulation");
        Assert.Equal(ItemStatus.Missing, high.Status);
        Assert.Contains("above the local threshold 1.4", high.Explanation, StringComparison.Ordinal);
        rig.Result(LabKind.PtInr, S, 1.3m);
        Assert.Equal(ItemStatus.Met, rig.Item("coagulation").Status);
    }

    // ---- medications: unknown drugs and dabigatran -------------------------------------------------------

    [Fact]
    public void An_unknown_drug_is_missing_and_blocking_under_its_own_rule_id()
    {
        var item = Rig().WithMedications("Tylenol 500 mg").PlanSurgery(S).Item("medication:tylenol 500 mg");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.Blocking);
        Assert.True(item.IsOpen);
        Assert.Equal(S.AddDays(-10), item.Date);
        // Due before the longest hold could begin (prasugrel: last dose surgery − 8).
        Assert.True(item.Date < S.AddDays(-8));
        Assert.Equal([Roles.Surgeon, Roles.Anesthesiologist], item.ClearedBy);
    }

    [Theory]
    [InlineData("insulin glargine")]
    [InlineData("ibuprofen")]
    [InlineData("aspirin")]
    public void A_known_drug_that_needs_review_is_blocking(string drug)
    {
        var item = Rig().WithMedications(drug).PlanSurgery(S).Item("medication:" + drug);
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.IsOpen);
        Assert.StartsWith("Needs review", item.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Aspirin_with_a_site_policy_is_not_blocking()
    {
        // Judged before the hold begins: once its last-dose day has passed, the stop must be confirmed (next tests).
        var rig = Rig().WithMedications("aspirin").PlanSurgery(S);
        rig.Today = S.AddDays(-10);
        rig.Options.AspirinOmitDays = 7;
        var item = rig.Item("medication:aspirin");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.Equal(S.AddDays(-8), item.Date);
    }

    [Fact]
    public void Dabigatran_without_creatinine_is_missing_and_blocking()
    {
        var report = Rig().WithMedications("dabigatran").PlanSurgery(S).Evaluate();
        var item = ReadinessRig.Item(report, "medication:dabigatran");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.IsOpen);
        Assert.Equal("S33", item.Source);
        Assert.Contains("no creatinine result recorded", item.Explanation, StringComparison.Ordinal);
        Assert.Empty(report.Holds);
    }

    [Fact]
    public void Dabigatran_without_weight_or_with_sex_other_is_missing()
    {
        var noWeight = Rig().WithPatient(Sex.Male, 50, null, "dabigatran").PlanSurgery(S).Creatinine(S.AddDays(-3), 1m);
        Assert.Contains("weight", noWeight.Item("medication:dabigatran").Explanation, StringComparison.Ordinal);
        Assert.True(noWeight.Item("medication:dabigatran").IsOpen);
        var other = Rig().WithPatient(Sex.Other, 50, 72m, "dabigatran").PlanSurgery(S).Creatinine(S.AddDays(-3), 1m);
        Assert.Contains("sex", other.Item("medication:dabigatran").Explanation, StringComparison.Ordinal);
        Assert.True(other.Item("medication:dabigatran").IsOpen);
    }

    [Theory]
    // (140 − 50) × 72 / (72 × Scr): 1.25 → 72; 2.0 → 45. Female × 0.85: 1.54 → 49.7 (man 58.4).
    [InlineData(Sex.Male, 1.25, "mg/dL", 2)]
    [InlineData(Sex.Female, 1.25, "mg/dL", 2)]
    [InlineData(Sex.Male, 2.0, "mg/dL", 4)]
    [InlineData(Sex.Male, 176.8, "umol/L", 4)]
    [InlineData(Sex.Male, 110.5, "µmol/L", 2)]
    [InlineData(Sex.Male, 1.54, "mg/dL", 2)]
    [InlineData(Sex.Female, 1.54, "mg/dL", 4)]
    public void Dabigatran_with_creatinine_weight_and_sex_gets_its_last_dose(Sex sex, double creatinine, string unit, int omitted)
    {
        var rig = Rig().WithPatient(sex, 50, 72m, "dabigatran").PlanSurgery(S).Result(LabKind.Creatinine, S.AddDays(-3), (decimal)creatinine, unit);
        var report = rig.Evaluate();
        var item = ReadinessRig.Item(report, "medication:dabigatran");
        Assert.Equal(ItemStatus.Met, item.Status);
        Assert.False(item.IsOpen);
        Assert.Equal(S.AddDays(-(omitted + 1)), item.Date);
        Assert.Equal(omitted, Assert.Single(report.Holds).OmittedDays);
    }

    [Fact]
    public void Dabigatran_CrCl_just_below_50_is_not_rounded_up_to_the_2_day_hold()
    {
        // (140 − 50) × 72 / (72 × 1.801) = 49.97 mL/min < 50 → 4 days (S33).
        var rig = Rig().WithPatient(Sex.Male, 50, 72m, "dabigatran").PlanSurgery(S).Creatinine(S.AddDays(-3), 1.801m);
        Assert.Equal(S.AddDays(-5), rig.Item("medication:dabigatran").Date);
    }

    [Fact]
    public void A_zero_creatinine_is_refused_when_recorded()
    {
        // A typo of 0 mg/dL would otherwise make Cockcroft-Gault divide by zero for every evaluation of the case.
        var e = Assert.Throws<ValidationException>(() => Rig().Creatinine(S.AddDays(-3), 0m));
        Assert.True(e.Errors.ContainsKey("value"));
    }

    [Fact]
    public void A_hold_whose_last_dose_day_has_passed_blocks_until_the_stop_is_confirmed()
    {
        var rig = Rig().WithMedications("apixaban").PlanSurgery(S);
        var lastDose = rig.Item("medication:apixaban").Date!.Value;
        rig.Today = lastDose;
        Assert.False(rig.Item("medication:apixaban").IsOpen);

        // The day after the last permitted dose, a patient still recorded as taking apixaban cannot have kept the hold.
        rig.Today = lastDose.AddDays(1);
        var open = rig.Item("medication:apixaban");
        Assert.Equal(ItemStatus.Missing, open.Status);
        Assert.True(open.IsOpen);
        Assert.Contains("cannot be honoured", open.Explanation, StringComparison.Ordinal);
        Assert.Contains(open, rig.Evaluate().OpenBlocking);

        // A stop confirmed for an earlier surgery date (postponed, restarted since) does not count for this one.
        rig.Patient.Medications[0].StoppedOn = lastDose;
        rig.Patient.Medications[0].StoppedForSurgeryOn = S.AddDays(-20);
        Assert.True(rig.Item("medication:apixaban").IsOpen);

        rig.Patient.Medications[0].StoppedForSurgeryOn = S;
        var kept = rig.Item("medication:apixaban");
        Assert.Equal(ItemStatus.Met, kept.Status);
        Assert.False(kept.IsOpen);

        rig.Patient.Medications[0].StoppedOn = lastDose.AddDays(1);
        var late = rig.Item("medication:apixaban");
        Assert.Equal(ItemStatus.Expired, late.Status);
        Assert.True(late.IsOpen);
        Assert.Contains("Move the surgery", late.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_diabetic_patient_gets_an_advisory_hba1c_item()
    {
        var rig = Rig().WithMedications("metformin").PlanSurgery(S);
        var missing = rig.Item("hba1c");
        Assert.Equal(ItemStatus.Missing, missing.Status);
        Assert.False(missing.Blocking);
        rig.Result(LabKind.HbA1c, S.AddDays(-20), 8.4m);
        var high = rig.Item("hba1c");
        Assert.Equal(ItemStatus.Met, high.Status);
        Assert.Contains("above the ADA target", high.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(Rig().PlanSurgery(S).Evaluate().Items, i => i.RuleId == "hba1c");
    }

    // ---- H&P update, pregnancy test ----------------------------------------------------------------------

    [Fact]
    public void Hp_update_is_met_within_24_hours_before_surgery()
    {
        var rig = Rig().PlanSurgery(S);
        var plan = rig.Case.PlannedSurgeryUtc!.Value;
        rig.Case.RecordHistoryPhysicalUpdate(Actors.Anesthesiologist, plan.AddHours(-25));
        var stale = rig.Item("history-physical-update");
        Assert.Equal(ItemStatus.Missing, stale.Status);
        Assert.False(stale.Blocking);
        rig.Case.RecordHistoryPhysicalUpdate(Actors.Anesthesiologist, plan.AddHours(-24));
        Assert.Equal(ItemStatus.Met, rig.Item("history-physical-update").Status);
        rig.Case.RecordHistoryPhysicalUpdate(Actors.Surgeon, plan.AddMinutes(1));
        Assert.Equal(ItemStatus.Missing, rig.Item("history-physical-update").Status);
    }

    [Theory]
    [InlineData(Sex.Female, 30, true)]
    [InlineData(Sex.Female, 12, true)]
    [InlineData(Sex.Female, 55, true)]
    [InlineData(Sex.Female, 56, false)]
    [InlineData(Sex.Female, 11, false)]
    [InlineData(Sex.Male, 30, false)]
    public void Pregnancy_test_is_offered_to_women_of_childbearing_age(Sex sex, int age, bool offered)
    {
        var items = Rig().WithPatient(sex, age).PlanSurgery(S).Evaluate().Items;
        var item = items.SingleOrDefault(i => i.RuleId == "pregnancy-test");
        Assert.Equal(offered, item is not null);
        if (item is not null)
        {
            Assert.False(item.Blocking);
            Assert.Equal("S41", item.Source);
        }
    }

    // ---- overrides ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Roles.Surgeon)]
    [InlineData(Roles.Anesthesiologist)]
    public void A_clinician_override_closes_a_blocking_item_and_is_shown(string role)
    {
        var rig = Rig().PlanSurgery(S);
        Assert.Contains(rig.Evaluate().OpenBlocking, i => i.RuleId == "asa");
        rig.Case.OverrideReadiness("asa", "assessed by phone; formal class on the day", Actors.Only(role), new DateTime(2026, 4, 10, 9, 0, 0, DateTimeKind.Utc));
        var report = rig.Evaluate();
        var item = ReadinessRig.Item(report, "asa");
        Assert.Equal(ItemStatus.Missing, item.Status);
        Assert.True(item.Blocking);
        Assert.False(item.IsOpen);
        Assert.NotNull(item.Override);
        Assert.Equal($"only-{role}", item.Override.By);
        Assert.Equal("assessed by phone; formal class on the day", item.Override.Reason);
        Assert.DoesNotContain(report.OpenBlocking, i => i.RuleId == "asa");
    }

    [Fact]
    public void An_override_closes_an_unknown_medication_item()
    {
        var rig = Rig().WithMedications("Tylenol").PlanSurgery(S);
        rig.Case.OverrideReadiness("medication:tylenol", "paracetamol: continue", Actors.Surgeon, new DateTime(2026, 4, 10, 9, 0, 0, DateTimeKind.Utc));
        var item = rig.Item("medication:tylenol");
        Assert.False(item.IsOpen);
        Assert.NotNull(item.Override);
    }

    [Fact]
    public void An_override_on_an_expired_item_closes_it_too()
    {
        var rig = Rig().PlanSurgery(S).Result(LabKind.Cbc, S.AddDays(-45));
        rig.Case.OverrideReadiness("cbc", "stable, repeat on admission", Actors.Anesthesiologist, new DateTime(2026, 4, 10, 9, 0, 0, DateTimeKind.Utc));
        var item = rig.Item("cbc");
        Assert.Equal(ItemStatus.Expired, item.Status);
        Assert.False(item.IsOpen);
    }

    [Theory]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Scheduler)]
    [InlineData(Roles.Admin)]
    public void Only_a_surgeon_or_anesthesiologist_may_override(string role)
    {
        var rig = Rig().PlanSurgery(S);
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Case.OverrideReadiness("asa", "please", Actors.Only(role), new DateTime(2026, 4, 10, 9, 0, 0, DateTimeKind.Utc)));
        Assert.True(e.Forbidden);
        Assert.Empty(rig.Case.ReadinessOverrides);
        Assert.True(rig.Item("asa").IsOpen);
    }

    [Fact]
    public void An_override_needs_a_reason()
    {
        var rig = Rig();
        Assert.Throws<ValidationException>(() => rig.Case.OverrideReadiness("asa", "  ", Actors.Surgeon, DateTime.UtcNow));
    }

    // ---- AttestReady / Schedule guards -------------------------------------------------------------------

    [Fact]
    public void A_clean_engine_report_lets_the_nurse_attest_ready_and_the_scheduler_schedule()
    {
        var rig = Consented().SatisfyDefaults();
        var report = rig.Evaluate();
        Assert.Empty(report.OpenBlocking);
        rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: report));
        Assert.Equal(CaseState.Ready, rig.Case.State);
        rig.Case.FireStep(CaseTrigger.Schedule, Actors.Scheduler, rig.Builder.Now(), new TransitionRequest(Readiness: rig.Evaluate()));
        Assert.Equal(CaseState.Scheduled, rig.Case.State);
    }

    [Fact]
    public void Attest_ready_is_refused_with_the_number_of_open_blocking_items()
    {
        var rig = Consented().PlanSurgery(S).XRay(S.AddDays(-20)).Result(LabKind.Cbc, S.AddDays(-10)).Creatinine(S.AddDays(-10), 1m);
        var report = rig.Evaluate();
        Assert.Equal(["history-physical", "asa"], report.OpenBlocking.Select(i => i.RuleId));
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: report)));
        Assert.Contains("readiness has 2 blocking items", e.Message, StringComparison.Ordinal);
        Assert.Contains("History and physical", e.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Consented, rig.Case.State);

        rig.HistoryPhysical(S.AddDays(-5));
        var one = Assert.Throws<DomainRuleException>(() =>
            rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: rig.Evaluate())));
        Assert.Contains("readiness has 1 blocking item: ASA physical status", one.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overridden_items_do_not_block_attest_ready()
    {
        var rig = Consented().PlanSurgery(S).XRay(S.AddDays(-20)).Result(LabKind.Cbc, S.AddDays(-10)).Creatinine(S.AddDays(-10), 1m).HistoryPhysical(S.AddDays(-5));
        rig.Case.OverrideReadiness("asa", "anaesthesia review booked for the morning", Actors.Anesthesiologist, rig.Builder.Now());
        rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: rig.Evaluate()));
        Assert.Equal(CaseState.Ready, rig.Case.State);
    }

    [Fact]
    public void A_report_for_another_case_or_none_at_all_is_refused()
    {
        var rig = Consented().SatisfyDefaults();
        var other = Consented().SatisfyDefaults().Evaluate();
        Assert.Empty(other.OpenBlocking);
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: other)));
        Assert.Contains("readiness has not been evaluated for this case", e.Message, StringComparison.Ordinal);
        var none = Assert.Throws<DomainRuleException>(() => rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now()));
        Assert.Contains("readiness has not been evaluated for this case", none.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Consented, rig.Case.State);
    }

    [Fact]
    public void Schedule_is_refused_when_readiness_has_become_blocking()
    {
        var rig = Consented().SatisfyDefaults();
        rig.Case.Fire(CaseTrigger.AttestReady, Actors.Nurse, rig.Builder.Now(), new TransitionRequest(Readiness: rig.Evaluate()));
        // The surgery moves out beyond the H&P window and the imaging window.
        rig.PlanSurgery(S.AddDays(95));
        var report = rig.Evaluate();
        Assert.Contains(report.OpenBlocking, i => i.RuleId == "history-physical" && i.Status == ItemStatus.Expired);
        var e = Assert.Throws<DomainRuleException>(() =>
            rig.Case.FireStep(CaseTrigger.Schedule, Actors.Scheduler, rig.Builder.Now(), new TransitionRequest(Readiness: report)));
        Assert.Contains($"readiness has {report.OpenBlocking.Count} blocking items", e.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Ready, rig.Case.State);
    }

    [Fact]
    public void Soonest_due_is_the_earliest_open_date()
    {
        var rig = Rig().PlanSurgery(S).WithMedications("Tylenol");
        Assert.Equal(S.AddDays(-10), rig.Evaluate().SoonestDue);
    }
}
