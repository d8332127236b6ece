using Explant.Core.Cases;
using Explant.Core.Coding;
using Explant.Core.Implants;

namespace Explant.Core.Tests.Coding;

/// <summary>The coding rules of docs/clinical-rules.md §8, one table row per rule with the source that backs it.</summary>
public sealed class CodingEngineTests
{
    private static CodingRequest Request(string approach = "posterior", bool segmental = true, string levels = "L3-L5", bool removedAll = true,
        bool reinserted = false, string? newCode = null, string? newLevels = null, string indications = "infection") =>
        new(approach == "anterior" ? Approach.Anterior : Approach.Posterior, segmental, LevelRange.Parse(levels), removedAll, reinserted,
            newCode is null ? null : new NewInstrumentation(newCode, LevelRange.Parse(newLevels!)),
            indications.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>"22852|22840-59": codes in order, modifiers after dashes.</summary>
    private static string Cpt(CodingResult r) => string.Join("|", r.Cpt.Select(c => string.Join("-", new[] { c.Code }.Concat(c.Modifiers))));

    private static string Icd(CodingResult r) => string.Join("|", r.Icd10.Select(i => i.Code));

    [Theory]
    // rule 1 [S4][S1]: classify the construct
    [InlineData("rule 1", "S4", "posterior", true, "L3-L5", false, null, null, "infection", "22852", "T84.63XA")]
    [InlineData("rule 1", "S4", "posterior", false, "T4-L1", false, null, null, "pain", "22850", "T84.84XA")]
    [InlineData("rule 1", "S1", "anterior", true, "L4-L5", false, null, null, "malfunction", "22855", "T84.216A")]
    [InlineData("rule 1", "S1", "anterior", false, "C5-C6", false, null, null, "skin-breakdown", "22855", "T84.89XA")]
    // rule 2 / R2 [S1][S2]: new hardware at any removed level → insertion code only
    [InlineData("rule 2", "S2", "posterior", true, "L3-L5", false, "22842", "L3-L5", "malfunction", "22842", "T84.216A")]
    [InlineData("rule 2", "S2", "posterior", true, "L3-L5", false, "22840", "L5-S1", "pain", "22840", "T84.84XA")]
    [InlineData("rule 2", "S1", "posterior", false, "T10-L2", true, "22842", "T10-L3", "pain", "22842", "T84.84XA")]
    [InlineData("rule 2", "S2", "anterior", true, "L4-L5", false, "22845", "L4-L5", "malfunction", "22845", "T84.216A")]
    // rule 3 / R3 [S1][S3]: reinsertion at the same levels → 22849, never with the removal code
    [InlineData("rule 3", "S3", "posterior", true, "L3-L5", true, null, null, "malfunction", "22849", "T84.216A")]
    [InlineData("rule 3", "S1", "anterior", true, "L3-L5", true, null, null, "pain", "22849", "T84.84XA")]
    // rule 4 / R4 [S2]: no overlap → both codes; no relative values loaded → the coder places 59 (rule 10)
    [InlineData("rule 4", "S2", "posterior", true, "L2-L4", false, "22840", "L5-S1", "pain", "22852|22840", "T84.84XA")]
    [InlineData("rule 4", "S2", "posterior", false, "T2-T8", false, "22842", "L1-L4", "pain", "22850|22842", "T84.84XA")]
    [InlineData("rule 10", "S8", "posterior", true, "L2-L4", false, "22840", "L5-S1", "pain", "22852|22840", "T84.84XA")]
    // rule 7 [S3][S5]: 22852 = 090
    [InlineData("rule 7", "S3", "posterior", true, "L3-L5", false, null, null, "pain", "22852", "T84.84XA")]
    // rule 9 [S7]: no laterality, one unit
    [InlineData("rule 9", "S7", "posterior", true, "L3-L5", false, null, null, "pain", "22852", "T84.84XA")]
    // rule 11 [S10]: 7th character A on T84 codes
    [InlineData("rule 11", "S10", "posterior", true, "L3-L5", false, null, null, "malfunction", "22852", "T84.216A")]
    // rule 12 [S9][S11]: each indication's default candidate
    [InlineData("rule 12", "S9", "posterior", true, "L3-L5", false, null, null, "support-complete", "22852", "Z47.2")]
    [InlineData("rule 12", "S11", "posterior", true, "L3-L5", false, null, null, "infection", "22852", "T84.63XA")]
    // rule 13 [S12]: Z47.2 never with T84.6-; kept (with a warning) next to T84.2- by default
    [InlineData("rule 13", "S12", "posterior", true, "L3-L5", false, null, null, "support-complete,infection", "22852", "T84.63XA")]
    [InlineData("rule 13", "S12", "posterior", true, "L3-L5", false, null, null, "support-complete,malfunction", "22852", "Z47.2|T84.216A")]
    // modifier 52 [S5]: partial removal, off by default
    [InlineData("modifier 52", "S5", "posterior", true, "L3-L5", false, null, null, "pain", "22852", "T84.84XA", false)]
    public void Rule_table(string rule, string source, string approach, bool segmental, string levels, bool reinserted, string? newCode, string? newLevels,
        string indications, string cpt, string icd, bool removedAll = true)
    {
        var result = CodingEngine.Suggest(Request(approach, segmental, levels, removedAll, reinserted, newCode, newLevels, indications));
        Assert.Equal(cpt, Cpt(result));
        Assert.Equal(icd, Icd(result));
        var applied = result.Rules.Where(r => r.Rule == rule).ToList();
        Assert.True(applied.Count > 0, $"{rule} was not applied; applied: {string.Join(", ", result.Rules.Select(r => r.Rule))}");
        Assert.Contains(applied, r => r.Sources.Contains(source));
        Assert.Contains(source, result.Sources);
    }

    [Fact]
    public void Overlapping_insertion_reports_no_removal_code_and_the_warning_says_why()
    {
        var r = CodingEngine.Suggest(Request(levels: "L3-L5", newCode: "22842", newLevels: "L4-S1"));
        Assert.Equal("22842", Cpt(r));
        var w = Assert.Single(r.Warnings, x => x.StartsWith("rule 2 (R2)", StringComparison.Ordinal));
        Assert.Contains("22852 must not be billed", w, StringComparison.Ordinal);
        Assert.Null(r.GlobalPeriod);
        Assert.Contains(r.Warnings, x => x.Contains("22842 is an add-on code", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_overlapping_insertion_without_relative_values_leaves_59_to_the_coder()
    {
        var r = CodingEngine.Suggest(Request(levels: "L2-L4", newCode: "22840", newLevels: "L5-S1"));
        Assert.All(r.Cpt, c => Assert.Empty(c.Modifiers));
        var w = Assert.Single(r.Warnings, x => x.StartsWith("rule 4 (R4)", StringComparison.Ordinal));
        Assert.Contains("lower-valued", w, StringComparison.Ordinal);
        Assert.Contains("no relative values are loaded", w, StringComparison.Ordinal);
        Assert.Contains("59", w, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2.0, 1.0, "59", "22852|22840-59")]
    [InlineData(1.0, 2.0, "59", "22852-59|22840")]
    [InlineData(1.0, 2.0, "XS", "22852-XS|22840")]
    public void Non_overlapping_insertion_with_relative_values_puts_the_modifier_on_the_lower_valued_code(double removal, double insertion, string modifier, string expected)
    {
        var options = new CodingOptions
        {
            DistinctProcedureModifier = modifier,
            RelativeValues = new() { ["22852"] = (decimal)removal, ["22840"] = (decimal)insertion },
        };
        var r = CodingEngine.Suggest(Request(levels: "L2-L4", newCode: "22840", newLevels: "L5-S1"), options);
        Assert.Equal(expected, Cpt(r));
    }

    [Fact]
    public void Equal_relative_values_place_no_modifier_and_warn()
    {
        var options = new CodingOptions { RelativeValues = new() { ["22852"] = 1m, ["22840"] = 1m } };
        var r = CodingEngine.Suggest(Request(levels: "L2-L4", newCode: "22840", newLevels: "L5-S1"), options);
        Assert.Equal("22852|22840", Cpt(r));
        Assert.Contains(r.Warnings, w => w.Contains("same loaded relative value", StringComparison.Ordinal));
    }

    [Fact]
    public void Relative_values_for_only_one_code_do_not_place_the_modifier()
    {
        var options = new CodingOptions { RelativeValues = new() { ["22852"] = 1m } };
        var r = CodingEngine.Suggest(Request(levels: "L2-L4", newCode: "22840", newLevels: "L5-S1"), options);
        Assert.Equal("22852|22840", Cpt(r));
    }

    [Fact]
    public void Partial_removal_gets_52_only_when_configured_and_warns_either_way()
    {
        var off = CodingEngine.Suggest(Request(removedAll: false));
        Assert.Equal("22852", Cpt(off));
        Assert.Contains(off.Warnings, w => w.StartsWith("modifier 52", StringComparison.Ordinal) && w.Contains("was not added", StringComparison.Ordinal));

        var on = CodingEngine.Suggest(Request(removedAll: false), new CodingOptions { ReducedServicesModifierForPartialRemoval = true });
        Assert.Equal("22852-52", Cpt(on));

        var both = CodingEngine.Suggest(Request(removedAll: false, levels: "L2-L4", newCode: "22840", newLevels: "L5-S1"),
            new CodingOptions { ReducedServicesModifierForPartialRemoval = true, RelativeValues = new() { ["22852"] = 1m, ["22840"] = 2m } });
        Assert.Equal("22852-52-59|22840", Cpt(both));

        var full = CodingEngine.Suggest(Request(removedAll: true), new CodingOptions { ReducedServicesModifierForPartialRemoval = true });
        Assert.Equal("22852", Cpt(full));
        Assert.DoesNotContain(full.Warnings, w => w.StartsWith("modifier 52", StringComparison.Ordinal));
    }

    [Fact]
    public void Partial_removal_with_overlapping_insertion_has_no_52_because_no_removal_code_is_reported()
    {
        var r = CodingEngine.Suggest(Request(removedAll: false, newCode: "22842", newLevels: "L3-L5"), new CodingOptions { ReducedServicesModifierForPartialRemoval = true });
        Assert.Equal("22842", Cpt(r));
    }

    [Theory]
    [InlineData("posterior", true, "090")]
    [InlineData("posterior", false, null)]
    [InlineData("anterior", true, null)]
    public void Global_period_comes_from_the_loaded_table(string approach, bool segmental, string? expected)
    {
        var r = CodingEngine.Suggest(Request(approach, segmental));
        Assert.Equal(expected, r.GlobalPeriod);
        Assert.Contains(r.Warnings, w => w.StartsWith("rule 7", StringComparison.Ordinal));
    }

    [Fact]
    public void A_configured_global_period_is_used_for_other_codes()
    {
        var options = new CodingOptions { GlobalPeriods = new() { ["22852"] = "090", ["22850"] = "090" } };
        Assert.Equal("090", CodingEngine.Suggest(Request(segmental: false), options).GlobalPeriod);
    }

    [Theory]
    [InlineData("pain", "T84.84XA")]
    [InlineData("infection", "T84.63XA")]
    [InlineData("malfunction", "T84.216A")]
    [InlineData("support-complete", "Z47.2")]
    [InlineData("skin-breakdown", "T84.89XA")]
    public void Each_indication_suggests_its_default_candidate_with_title_and_source(string key, string code)
    {
        var r = CodingEngine.Suggest(Request(indications: key));
        var line = Assert.Single(r.Icd10);
        Assert.Equal(code, line.Code);
        Assert.Equal(key, line.Indication);
        Assert.Equal("S9", line.Source);
        Assert.Equal(IndicationCodes.Find(key)!.Candidates.Single(c => c.Code == code).Title, line.Title);
    }

    [Fact]
    public void Z47_2_is_dropped_with_infection_and_the_warning_names_the_excludes1()
    {
        var r = CodingEngine.Suggest(Request(indications: "support-complete,infection"));
        Assert.DoesNotContain(r.Icd10, i => i.Code == "Z47.2");
        var w = Assert.Single(r.Warnings, x => x.StartsWith("rule 13", StringComparison.Ordinal));
        Assert.Contains("Excludes1", w, StringComparison.Ordinal);
        Assert.Contains("T84.63XA", w, StringComparison.Ordinal);
    }

    [Fact]
    public void Z47_2_next_to_a_vertebral_mechanical_code_is_kept_with_a_warning_or_dropped_when_configured()
    {
        var kept = CodingEngine.Suggest(Request(indications: "malfunction,support-complete"));
        Assert.Equal("T84.216A|Z47.2", Icd(kept));
        Assert.Contains(kept.Warnings, w => w.StartsWith("rule 13 ⚠", StringComparison.Ordinal) && w.Contains("T84.2-", StringComparison.Ordinal));

        var dropped = CodingEngine.Suggest(Request(indications: "malfunction,support-complete"), new CodingOptions { DropZ472WithVertebralMechanicalComplication = true });
        Assert.Equal("T84.216A", Icd(dropped));
    }

    [Fact]
    public void All_five_indications_give_distinct_codes_without_Z47_2()
    {
        var r = CodingEngine.Suggest(Request(indications: "pain,infection,malfunction,support-complete,skin-breakdown"));
        Assert.Equal("T84.84XA|T84.63XA|T84.216A|T84.89XA", Icd(r));
    }

    [Fact]
    public void No_indication_gives_no_icd_code_and_a_warning()
    {
        var r = CodingEngine.Suggest(Request(indications: ""));
        Assert.Empty(r.Icd10);
        Assert.Contains(r.Warnings, w => w.Contains("no indication given", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("22842", "L1-L2", true)]
    [InlineData("22842", "L1-L3", false)]
    [InlineData("22842", "T12-L5", false)]
    [InlineData("22842", "T11-L5", true)]
    [InlineData("22843", "T10-L5", false)]
    [InlineData("22843", "L1-L5", true)]
    [InlineData("22840", "L5-S1", false)]
    public void An_insertion_code_that_disagrees_with_its_segment_count_is_warned(string code, string levels, bool warned)
    {
        var r = CodingEngine.Suggest(Request(levels: "C3-C5", newCode: code, newLevels: levels));
        Assert.Equal(warned, r.Warnings.Any(w => w.Contains("vertebral segments but", StringComparison.Ordinal)));
    }

    [Fact]
    public void Sources_are_distinct_and_in_numeric_order()
    {
        var r = CodingEngine.Suggest(Request(indications: "support-complete,infection"));
        Assert.Equal(r.Sources.Distinct().Count(), r.Sources.Count);
        Assert.Equal(r.Sources.OrderBy(s => int.Parse(s[1..], System.Globalization.CultureInfo.InvariantCulture)), r.Sources);
        Assert.Contains("S10", r.Sources);
        Assert.Contains("S12", r.Sources);
    }

    [Theory]
    [InlineData("LT")]
    [InlineData("RT")]
    [InlineData("50")]
    [InlineData("51")]
    public void Laterality_or_other_modifiers_cannot_be_configured_as_the_distinct_procedure_modifier(string modifier)
    {
        var options = new CodingOptions { DistinctProcedureModifier = modifier };
        Assert.Contains(options.Validate(), e => e.StartsWith("Coding:DistinctProcedureModifier", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => CodingEngine.Suggest(Request(), options));
    }

    [Fact]
    public void Default_options_are_valid_and_ship_no_relative_values()
    {
        var options = new CodingOptions();
        Assert.Empty(options.Validate());
        Assert.Equal("59", options.DistinctProcedureModifier);
        Assert.False(options.ReducedServicesModifierForPartialRemoval);
        Assert.Empty(options.RelativeValues);
        Assert.Equal("090", options.GlobalPeriods["22852"]);
    }

    [Fact]
    public void The_engine_refuses_a_non_insertion_code_and_an_unknown_indication()
    {
        Assert.Throws<ArgumentException>(() => CodingEngine.Suggest(Request(newCode: "22852", newLevels: "L1-L2")));
        Assert.Throws<ArgumentException>(() => CodingEngine.Suggest(Request(indications: "gout")));
    }

    /// <summary>
    /// Every combination of the request's switches against the forbidden outputs of the source list (docs/clinical-rules.md): R2 (removal or 22849 with
    /// overlapping insertion), R3 (22849 with a removal code), rule 9 (LT/RT/50, a code twice), rule 13 (Z47.2 with T84.6-).
    /// </summary>
    [Fact]
    public void No_combination_of_inputs_produces_a_forbidden_code_set()
    {
        string?[][] insertions = [[null, null], ["22840", "L5-S1"], ["22842", "L3-L5"], ["22842", "L1-L2"], ["22848", "S1-ilium"], ["22847", "T4-L2"]];
        var keys = IndicationCodes.All.Select(i => i.Key).ToArray();
        var cases = 0;
        foreach (var approach in new[] { "posterior", "anterior" })
        foreach (var segmental in new[] { true, false })
        foreach (var removedAll in new[] { true, false })
        foreach (var reinserted in new[] { true, false })
        foreach (var ins in insertions)
        foreach (var modifier52 in new[] { true, false })
        for (var mask = 0; mask < 1 << keys.Length; mask++)
        {
            var indications = string.Join(",", keys.Where((_, i) => (mask & (1 << i)) != 0));
            var request = Request(approach, segmental, "L3-L5", removedAll, reinserted, ins[0], ins[1], indications);
            var r = CodingEngine.Suggest(request, new CodingOptions { ReducedServicesModifierForPartialRemoval = modifier52 });
            var codes = r.Cpt.Select(c => c.Code).ToList();
            var removalOrReinsertion = codes.Where(c => c is "22849" or "22850" or "22852" or "22855").ToList();
            Assert.True(removalOrReinsertion.Count <= 1, $"R3: {string.Join(",", codes)}");
            if (request.NewInstrumentation is { } n && request.Levels.Overlaps(n.Levels))
            {
                Assert.Equal([n.Code], codes);
            }
            if (request.NewInstrumentation is { } m && !request.Levels.Overlaps(m.Levels))
            {
                Assert.Equal(2, codes.Count);
            }
            Assert.DoesNotContain(r.Cpt.SelectMany(c => c.Modifiers), x => x is "LT" or "RT" or "50");
            Assert.Equal(codes.Distinct().Count(), codes.Count);
            if (r.Icd10.Any(i => i.Code.StartsWith("T84.6", StringComparison.Ordinal)))
            {
                Assert.DoesNotContain(r.Icd10, i => i.Code == "Z47.2");
            }
            Assert.Equal(r.Icd10.Select(i => i.Code).Distinct().Count(), r.Icd10.Count);
            cases++;
        }
        Assert.Equal(2 * 2 * 2 * 2 * 6 * 2 * 32, cases);
    }
}
