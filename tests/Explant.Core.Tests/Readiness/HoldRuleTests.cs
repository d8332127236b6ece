using Explant.Core.Readiness;

namespace Explant.Core.Tests.Readiness;

/// <summary>Hold rules of docs/clinical-rules.md §5 (rules 17–23): days omitted, last dose, resume window and source per drug.</summary>
public sealed class HoldRuleTests
{
    private static readonly DateOnly Surgery = new(2026, 12, 7);

    private static HoldInstruction For(string drug, decimal? crcl = null, ReadinessOptions? options = null, BleedRisk risk = BleedRisk.High) =>
        HoldRules.For(drug, Surgery, risk, crcl, options ?? new ReadinessOptions());

    /// <summary>OmittedDays = N: no dose on the N calendar days before surgery, so the last dose is surgery − (N + 1).</summary>
    private static void AssertHold(HoldInstruction h, int omitted, string source)
    {
        Assert.Equal(omitted, h.OmittedDays);
        Assert.Equal(Surgery.AddDays(-(omitted + 1)), h.LastDoseDate);
        Assert.Equal(source, h.Source);
        Assert.False(h.NeedsReview);
    }

    private static void AssertNoHold(HoldInstruction h, string source, bool review)
    {
        Assert.Null(h.OmittedDays);
        Assert.Null(h.LastDoseDate);
        Assert.Equal(source, h.Source);
        Assert.Equal(review, h.NeedsReview);
    }

    // ---- antithrombotics (rules 20–22) -------------------------------------------------------------------

    [Theory]
    [InlineData("warfarin", DrugClass.VitaminKAntagonist, 5, "S34", "2026-12-01")]
    [InlineData("apixaban", DrugClass.Doac, 2, "S32", "2026-12-04")]
    [InlineData("rivaroxaban", DrugClass.Doac, 2, "S32", "2026-12-04")]
    [InlineData("edoxaban", DrugClass.Doac, 2, "S33", "2026-12-04")]
    [InlineData("clopidogrel", DrugClass.P2Y12Inhibitor, 5, "S34", "2026-12-01")]
    [InlineData("ticagrelor", DrugClass.P2Y12Inhibitor, 5, "S35r", "2026-12-01")]
    [InlineData("prasugrel", DrugClass.P2Y12Inhibitor, 7, "S35r", "2026-11-29")]
    [InlineData("enoxaparin", DrugClass.Lmwh, 0, "S34", "2026-12-06")]
    public void Antithrombotic_holds_per_agent(string drug, DrugClass cls, int omitted, string source, string lastDose)
    {
        var h = For(drug);
        Assert.Equal(drug, h.Info.Agent);
        Assert.Equal(cls, h.Info.Class);
        AssertHold(h, omitted, source);
        Assert.Equal(DateOnly.Parse(lastDose, System.Globalization.CultureInfo.InvariantCulture), h.LastDoseDate);
        Assert.Equal(drug, h.Drug);
    }

    [Theory]
    [InlineData("apixaban")]
    [InlineData("rivaroxaban")]
    [InlineData("edoxaban")]
    public void Doacs_resume_48_to_72_hours_after_surgery(string drug)
    {
        var h = For(drug);
        Assert.Equal(48, h.ResumeAfterHours);
        Assert.Equal(72, h.ResumeAfterHoursMax);
    }

    [Theory]
    [InlineData("warfarin")]
    [InlineData("clopidogrel")]
    [InlineData("ticagrelor")]
    [InlineData("prasugrel")]
    public void Non_doac_antithrombotics_have_no_fixed_resume_time(string drug)
    {
        var h = For(drug);
        Assert.Null(h.ResumeAfterHours);
        Assert.Null(h.ResumeAfterHoursMax);
    }

    [Fact]
    public void Warfarin_guidance_asks_for_an_INR_before_surgery() =>
        Assert.Contains("INR", For("warfarin").Guidance, StringComparison.Ordinal);

    [Fact]
    public void Edoxaban_is_flagged_as_not_studied_in_PAUSE() =>
        Assert.Contains("PAUSE", For("edoxaban").Guidance, StringComparison.Ordinal);

    [Theory]
    [InlineData(50.0, 2)]
    [InlineData(50.1, 2)]
    [InlineData(120, 2)]
    [InlineData(49.9, 4)]
    [InlineData(30, 4)]
    [InlineData(10, 4)]
    public void Dabigatran_hold_depends_on_CrCl_either_side_of_50(double crcl, int omitted)
    {
        var h = For("dabigatran", (decimal)crcl);
        AssertHold(h, omitted, "S33");
        Assert.Equal(48, h.ResumeAfterHours);
        Assert.Equal(72, h.ResumeAfterHoursMax);
    }

    [Fact]
    public void Dabigatran_at_exactly_50_stops_on_the_4th_and_below_50_on_the_2nd()
    {
        Assert.Equal(new DateOnly(2026, 12, 4), For("dabigatran", 50m).LastDoseDate);
        Assert.Equal(new DateOnly(2026, 12, 2), For("dabigatran", 49.9m).LastDoseDate);
    }

    [Theory]
    [InlineData("dabigatran")]
    [InlineData("Pradaxa")]
    [InlineData("dabigatran etexilate 150 mg")]
    public void Dabigatran_without_CrCl_is_refused_naming_the_crcl_option(string drug)
    {
        var e = Assert.Throws<MissingInputException>(() => For(drug));
        Assert.Equal("--crcl", e.Input);
        Assert.Contains("--crcl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dabigatran_guidance_does_not_round_CrCl_across_the_threshold()
    {
        var guidance = For("dabigatran", 49.9m).Guidance;
        Assert.DoesNotContain("CrCl 50 mL/min (< 50)", guidance, StringComparison.Ordinal);
        Assert.Contains("49.9", guidance, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apixaban")]
    [InlineData("rivaroxaban")]
    [InlineData("edoxaban")]
    [InlineData("dabigatran")]
    [InlineData("Eliquis")]
    public void Low_bleeding_risk_for_a_doac_needs_review_and_never_asks_for_CrCl(string drug)
    {
        var h = For(drug, risk: BleedRisk.Low);
        Assert.True(h.NeedsReview);
        Assert.Null(h.OmittedDays);
        Assert.Null(h.LastDoseDate);
        Assert.Null(h.ResumeAfterHours);
    }

    [Fact]
    public void Aspirin_needs_review_when_the_site_has_no_policy()
    {
        var h = For("aspirin");
        AssertNoHold(h, "S34", review: true);
        Assert.Equal(DrugClass.Aspirin, h.Info.Class);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(5)]
    [InlineData(0)]
    public void Aspirin_follows_the_site_policy_when_set(int days)
    {
        var h = For("aspirin 81 mg", options: new ReadinessOptions { AspirinOmitDays = days });
        AssertHold(h, days, "S35");
    }

    // ---- diabetes and weight-loss drugs (rules 17–19) ----------------------------------------------------

    [Theory]
    [InlineData("canagliflozin", 3)]
    [InlineData("dapagliflozin", 3)]
    [InlineData("empagliflozin", 3)]
    [InlineData("ertugliflozin", 4)]
    [InlineData("Invokana", 3)]
    [InlineData("Farxiga", 3)]
    [InlineData("Steglatro", 4)]
    public void Sglt2_inhibitors_stop_3_days_before_and_ertugliflozin_4(string drug, int omitted)
    {
        var h = For(drug);
        Assert.Equal(DrugClass.Sglt2Inhibitor, h.Info.Class);
        AssertHold(h, omitted, "S37");
        Assert.Contains("ketoacidosis", h.Guidance, StringComparison.Ordinal);
    }

    [Fact]
    public void Metformin_is_held_on_the_day_of_surgery_by_default()
    {
        var h = For("metformin");
        AssertHold(h, 0, "S38");
        Assert.Equal(new DateOnly(2026, 12, 6), h.LastDoseDate);
    }

    [Fact]
    public void Metformin_continues_when_the_site_does_not_hold_it()
    {
        var h = For("Glucophage", options: new ReadinessOptions { HoldMetforminOnSurgeryDay = false });
        AssertNoHold(h, "S38", review: false);
        Assert.Contains("Continue", h.Guidance, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("glipizide")]
    [InlineData("glimepiride")]
    [InlineData("glyburide")]
    [InlineData("gliclazide")]
    [InlineData("Amaryl")]
    public void Sulfonylureas_are_held_on_the_day_of_surgery(string drug)
    {
        var h = For(drug);
        Assert.Equal(DrugClass.Sulfonylurea, h.Info.Class);
        AssertHold(h, 0, "S38");
    }

    [Theory]
    [InlineData("semaglutide", 7)]
    [InlineData("Ozempic", 7)]
    [InlineData("Wegovy", 7)]
    [InlineData("dulaglutide", 7)]
    [InlineData("tirzepatide", 7)]
    [InlineData("Mounjaro", 7)]
    [InlineData("Bydureon", 7)]
    [InlineData("Rybelsus", 0)]
    [InlineData("liraglutide", 0)]
    [InlineData("Victoza", 0)]
    [InlineData("exenatide", 0)]
    public void Glp1_under_ASA_2023_holds_weekly_doses_a_week_and_daily_doses_on_the_day(string drug, int omitted)
    {
        var h = For(drug, options: new ReadinessOptions { GlpPolicy = GlpPolicy.Asa2023 });
        Assert.Equal(DrugClass.Glp1ReceptorAgonist, h.Info.Class);
        AssertHold(h, omitted, "S29");
    }

    [Fact]
    public void Asa_2023_is_the_default_glp1_policy() =>
        Assert.Equal(7, For("Ozempic").OmittedDays);

    [Theory]
    [InlineData(GlpPolicy.Multisociety2024, "S30", "24-hour liquid diet")]
    [InlineData(GlpPolicy.Spaqi2025, "S31", "no solid food for 24 h")]
    public void Glp1_under_the_newer_policies_continues_the_drug(GlpPolicy policy, string source, string advice)
    {
        foreach (var drug in new[] { "Ozempic", "Rybelsus", "liraglutide", "tirzepatide" })
        {
            var h = For(drug, options: new ReadinessOptions { GlpPolicy = policy });
            AssertNoHold(h, source, review: false);
            Assert.Contains(advice, h.Guidance, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("insulin", DrugClass.Insulin)]
    [InlineData("Lantus", DrugClass.Insulin)]
    [InlineData("insulin glargine 20 units", DrugClass.Insulin)]
    [InlineData("ibuprofen", DrugClass.Nsaid)]
    [InlineData("Advil", DrugClass.Nsaid)]
    [InlineData("naproxen", DrugClass.Nsaid)]
    [InlineData("celecoxib", DrugClass.Nsaid)]
    [InlineData("meloxicam 15 mg", DrugClass.Nsaid)]
    public void Insulin_and_nsaids_need_review(string drug, DrugClass cls)
    {
        var h = For(drug);
        Assert.Equal(cls, h.Info.Class);
        Assert.True(h.NeedsReview);
        Assert.Null(h.OmittedDays);
        Assert.Null(h.LastDoseDate);
    }

    // ---- names -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Eliquis", "apixaban", DrugClass.Doac)]
    [InlineData("Xarelto", "rivaroxaban", DrugClass.Doac)]
    [InlineData("Pradaxa", "dabigatran", DrugClass.Doac)]
    [InlineData("Savaysa", "edoxaban", DrugClass.Doac)]
    [InlineData("Plavix", "clopidogrel", DrugClass.P2Y12Inhibitor)]
    [InlineData("Brilinta", "ticagrelor", DrugClass.P2Y12Inhibitor)]
    [InlineData("Effient", "prasugrel", DrugClass.P2Y12Inhibitor)]
    [InlineData("Jardiance", "empagliflozin", DrugClass.Sglt2Inhibitor)]
    [InlineData("Ozempic", "semaglutide", DrugClass.Glp1ReceptorAgonist)]
    [InlineData("Rybelsus", "semaglutide (oral)", DrugClass.Glp1ReceptorAgonist)]
    [InlineData("Lovenox", "enoxaparin", DrugClass.Lmwh)]
    [InlineData("Coumadin", "warfarin", DrugClass.VitaminKAntagonist)]
    [InlineData("ELIQUIS", "apixaban", DrugClass.Doac)]
    [InlineData("coumadin", "warfarin", DrugClass.VitaminKAntagonist)]
    [InlineData("  Plavix  ", "clopidogrel", DrugClass.P2Y12Inhibitor)]
    public void Brand_names_map_to_the_agent_and_class(string name, string agent, DrugClass cls)
    {
        var info = DrugTable.Find(name);
        Assert.NotNull(info);
        Assert.Equal(agent, info.Agent);
        Assert.Equal(cls, info.Class);
    }

    [Fact]
    public void Injectable_semaglutide_is_weekly_and_oral_semaglutide_daily()
    {
        Assert.Equal(Dosing.Weekly, DrugTable.Find("Ozempic")!.Dosing);
        Assert.Equal(Dosing.Daily, DrugTable.Find("Rybelsus")!.Dosing);
    }

    [Theory]
    [InlineData("Eliquis", "apixaban")]
    [InlineData("Xarelto", "rivaroxaban")]
    [InlineData("Plavix", "clopidogrel")]
    [InlineData("Coumadin", "warfarin")]
    [InlineData("Jardiance", "empagliflozin")]
    [InlineData("Ozempic", "semaglutide")]
    public void A_brand_name_gets_the_same_hold_as_its_agent(string brand, string agent)
    {
        var b = For(brand);
        var a = For(agent);
        Assert.Equal(a.OmittedDays, b.OmittedDays);
        Assert.Equal(a.LastDoseDate, b.LastDoseDate);
        Assert.Equal(a.Source, b.Source);
        Assert.Equal(brand, b.Drug);
    }

    [Fact]
    public void Pradaxa_with_CrCl_gets_the_dabigatran_rule()
    {
        Assert.Equal(2, For("Pradaxa", 80m).OmittedDays);
        Assert.Equal(4, For("Pradaxa", 40m).OmittedDays);
    }

    [Theory]
    [InlineData("apixaban 5 mg", "apixaban")]
    [InlineData("Eliquis 2.5 mg twice daily", "apixaban")]
    [InlineData("warfarin 3mg", "warfarin")]
    [InlineData("dabigatran etexilate 150 mg", "dabigatran")]
    [InlineData("insulin glargine 20 units at night", "insulin")]
    [InlineData("bayer aspirin 81 mg", "aspirin")]
    [InlineData("metformin 500 mg bd", "metformin")]
    public void Names_with_a_dose_are_found(string name, string agent) =>
        Assert.Equal(agent, DrugTable.Find(name)?.Agent);

    [Fact]
    public void A_dose_in_the_name_does_not_change_the_hold() =>
        Assert.Equal(For("apixaban").LastDoseDate, For("apixaban 5 mg").LastDoseDate);

    [Theory]
    [InlineData("heparin")]
    [InlineData("Tylenol")]
    [InlineData("paracetamol 1 g")]
    [InlineData("apixaban5mg")]
    [InlineData("5 mg apixaban")]
    [InlineData("")]
    [InlineData("   ")]
    public void Unknown_drugs_are_not_guessed(string name)
    {
        Assert.Null(DrugTable.Find(name));
        var e = Assert.Throws<KeyNotFoundException>(() => For(name));
        Assert.Contains("review", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_names_are_the_ones_the_cli_prints()
    {
        Assert.Equal("DOAC", DrugTable.ClassName(DrugClass.Doac));
        Assert.Equal("vitamin K antagonist", DrugTable.ClassName(DrugClass.VitaminKAntagonist));
        Assert.True(DrugTable.IsAnticoagulant(DrugClass.Lmwh));
        Assert.False(DrugTable.IsAnticoagulant(DrugClass.P2Y12Inhibitor));
        Assert.True(DrugTable.IsGlucoseLowering(DrugClass.Metformin));
        Assert.False(DrugTable.IsGlucoseLowering(DrugClass.Nsaid));
    }

    [Fact]
    public void Options_are_required() =>
        Assert.Throws<ArgumentNullException>(() => HoldRules.For("apixaban", Surgery, BleedRisk.High, null, null!));

    // ---- Cockcroft–Gault ---------------------------------------------------------------------------------

    [Fact]
    public void Cockcroft_Gault_for_a_man_by_hand()
    {
        // (140 − 50) × 72 / (72 × 1.25) = 6480 / 90 = 72 mL/min.
        Assert.Equal(72m, CreatinineClearance.CockcroftGault(50, 72m, female: false, 1.25m));
        // (140 − 60) × 72 / (72 × 1.0) = 80 mL/min.
        Assert.Equal(80m, CreatinineClearance.CockcroftGault(60, 72m, female: false, 1.0m));
    }

    [Fact]
    public void Cockcroft_Gault_for_a_woman_is_085_of_the_man()
    {
        Assert.Equal(61.2m, CreatinineClearance.CockcroftGault(50, 72m, female: true, 1.25m));
        Assert.Equal(68m, CreatinineClearance.CockcroftGault(60, 72m, female: true, 1.0m));
        // (140 − 70) × 60 / (72 × 2) = 29.1666…; × 0.85 = 24.79…
        Assert.Equal(24.79m, Math.Round(CreatinineClearance.CockcroftGault(70, 60m, female: true, 2m), 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Cockcroft_Gault_refuses_a_non_positive_creatinine(double scr) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CreatinineClearance.CockcroftGault(50, 72m, false, (decimal)scr));

    [Fact]
    public void Micromoles_per_mg_dl_is_88_4() => Assert.Equal(88.4m, CreatinineClearance.MicromolPerMgDl);
}
