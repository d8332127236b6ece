using Explant.Core.Implants;

namespace Explant.Core.Tests.Implants;

public sealed class SpinalLevelTests
{
    /// <summary>docs/clinical-rules.md §2 levels enum, cranial → caudal, then the ilium.</summary>
    private static readonly string[] Expected =
    [
        "C1", "C2", "C3", "C4", "C5", "C6", "C7",
        "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
        "L1", "L2", "L3", "L4", "L5",
        "S1", "S2",
        "ilium",
    ];

    public static TheoryData<string> AllLevelNames() => [.. Expected];

    private static SpinalLevel L(string s) => SpinalLevel.Parse(s);

    private static LevelRange R(string s) => LevelRange.Parse(s);

    // ---- levels -----------------------------------------------------------------------------------------

    [Fact]
    public void There_are_27_levels_in_cranial_to_caudal_order()
    {
        Assert.Equal(27, SpinalLevel.Count);
        Assert.Equal(Expected, SpinalLevel.All.Select(l => l.ToString()));
        Assert.Equal(Enumerable.Range(0, 27), SpinalLevel.All.Select(l => l.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllLevelNames))]
    public void Every_level_round_trips_through_Parse_and_ToString(string name)
    {
        var level = SpinalLevel.Parse(name);
        Assert.Equal(name, level.ToString());
        Assert.Equal(level, SpinalLevel.Parse(level.ToString()));
        Assert.Equal(Array.IndexOf(Expected, name), level.Ordinal);
        Assert.True(SpinalLevel.TryParse(name, out var again));
        Assert.Equal(level, again);
    }

    [Theory]
    [InlineData("l3", "L3")]
    [InlineData("t12", "T12")]
    [InlineData(" L3 ", "L3")]
    [InlineData("L 3", "L3")]
    [InlineData("L03", "L3")]
    [InlineData("s1", "S1")]
    [InlineData("ILIUM", "ilium")]
    [InlineData("iliac", "ilium")]
    [InlineData("Iliac", "ilium")]
    public void Parse_accepts_case_and_spacing_variants(string text, string canonical) =>
        Assert.Equal(canonical, SpinalLevel.Parse(text).ToString());

    [Theory]
    [InlineData("C8")]
    [InlineData("C0")]
    [InlineData("T13")]
    [InlineData("T0")]
    [InlineData("L6")]
    [InlineData("L0")]
    [InlineData("S3")]
    [InlineData("S0")]
    [InlineData("X1")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("L")]
    [InlineData("3")]
    [InlineData("L3L4")]
    [InlineData("L-3")]
    [InlineData("L100")]
    [InlineData("coccyx")]
    [InlineData("ilia")]
    public void Parse_rejects_levels_that_do_not_exist(string text)
    {
        Assert.False(SpinalLevel.TryParse(text, out var level));
        Assert.Equal(default(SpinalLevel), level);
        var ex = Assert.Throws<FormatException>(() => SpinalLevel.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_of_null_is_false() => Assert.False(SpinalLevel.TryParse(null, out _));

    [Fact]
    public void Ordering_follows_the_spine_from_head_to_pelvis()
    {
        var all = SpinalLevel.All.ToList();
        for (var i = 0; i + 1 < all.Count; i++)
        {
            Assert.True(all[i] < all[i + 1], $"{all[i]} < {all[i + 1]}");
            Assert.True(all[i + 1] > all[i]);
            Assert.True(all[i] <= all[i + 1]);
            Assert.True(all[i + 1] >= all[i]);
            Assert.False(all[i] > all[i + 1]);
            Assert.True(all[i].CompareTo(all[i + 1]) < 0);
            Assert.True(all[i + 1].CompareTo(all[i]) > 0);
        }
        Assert.Equal(0, L("L4").CompareTo(L("l4")));
        Assert.True(L("C7") < L("T1"));
        Assert.True(L("T12") < L("L1"));
        Assert.True(L("L5") < L("S1"));
        Assert.True(L("S2") < SpinalLevel.Ilium);
        Assert.True(SpinalLevel.Ilium.IsIlium);
        Assert.False(L("S2").IsIlium);
        Assert.Equal(all, all.AsEnumerable().Reverse().Order());
    }

    // ---- ranges -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("L3-L5", "L3", "L5", 3)]
    [InlineData("T10\u2013L2", "T10", "L2", 5)]
    [InlineData("T10\u2014L2", "T10", "L2", 5)]
    [InlineData("T10 - L2", "T10", "L2", 5)]
    [InlineData("l4-s1", "L4", "S1", 3)]
    [InlineData("L4", "L4", "L4", 1)]
    [InlineData("L4-L4", "L4", "L4", 1)]
    [InlineData("C1-ilium", "C1", "ilium", 27)]
    [InlineData("S1-iliac", "S1", "ilium", 3)]
    [InlineData("C7-T1", "C7", "T1", 2)]
    [InlineData("T1-T12", "T1", "T12", 12)]
    public void Ranges_parse_with_hyphen_or_dashes(string text, string from, string to, int count)
    {
        Assert.True(LevelRange.TryParse(text, out var range));
        Assert.Equal(L(from), range.From);
        Assert.Equal(L(to), range.To);
        Assert.Equal(count, range.LevelCount);
        Assert.Equal(range, LevelRange.Parse(text));
    }

    [Theory]
    [InlineData("L3-L5", "L3\u2013L5")]
    [InlineData("T10-L2", "T10\u2013L2")]
    [InlineData("L4-L4", "L4")]
    [InlineData("S1-ilium", "S1\u2013ilium")]
    public void Ranges_print_with_an_en_dash_and_round_trip(string text, string printed)
    {
        var range = R(text);
        Assert.Equal(printed, range.ToString());
        Assert.Equal(range, R(range.ToString()));
    }

    [Theory]
    [InlineData("L5-L3")]
    [InlineData("L2\u2013T10")]
    [InlineData("ilium-S1")]
    [InlineData("S1-L5")]
    public void A_reversed_range_is_rejected(string text)
    {
        Assert.False(LevelRange.TryParse(text, out var range));
        Assert.Equal(default(LevelRange), range);
        Assert.Throws<FormatException>(() => LevelRange.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    [InlineData("L3-")]
    [InlineData("-L5")]
    [InlineData("L3-L4-L5")]
    [InlineData("L3-L6")]
    [InlineData("C8-T1")]
    [InlineData("L3 to L5")]
    [InlineData("L3/L5")]
    public void Malformed_ranges_are_rejected(string? text) => Assert.False(LevelRange.TryParse(text, out _));

    [Fact]
    public void Of_orders_its_ends()
    {
        Assert.Equal(R("L3-L5"), LevelRange.Of(L("L5"), L("L3")));
        Assert.Equal(R("L3-L5"), LevelRange.Of(L("L3"), L("L5")));
        Assert.Equal(R("S1"), LevelRange.Of(L("S1"), L("S1")));
    }

    [Fact]
    public void Contains_is_inclusive_at_both_ends()
    {
        var range = R("L3-L5");
        Assert.Equal(["L3", "L4", "L5"], SpinalLevel.All.Where(range.Contains).Select(l => l.ToString()));
        Assert.False(range.Contains(L("L2")));
        Assert.False(range.Contains(L("S1")));
        Assert.True(R("T10\u2013L2").Contains(L("T12")));
        Assert.True(R("T10\u2013L2").Contains(L("L1")));
        Assert.False(R("T10\u2013L2").Contains(L("T9")));
    }

    [Theory]
    [InlineData("L3-L5", "L5-S1", true)]
    [InlineData("L3-L5", "L1-L3", true)]
    [InlineData("L3-L5", "L4", true)]
    [InlineData("L3-L5", "T10-S2", true)]
    [InlineData("L3-L5", "S1-S2", false)]
    [InlineData("L3-L5", "L1-L2", false)]
    [InlineData("T12", "L1", false)]
    [InlineData("L4", "L4", true)]
    public void Overlaps_is_symmetric_and_inclusive(string a, string b, bool overlaps)
    {
        Assert.Equal(overlaps, R(a).Overlaps(R(b)));
        Assert.Equal(overlaps, R(b).Overlaps(R(a)));
    }

    [Theory]
    [InlineData("L3-L5", "L3-L5", true)]
    [InlineData("L3-L5", "L4", true)]
    [InlineData("L3-L5", "L3-L4", true)]
    [InlineData("L3-L5", "L4-L5", true)]
    [InlineData("L3-L5", "L2-L5", false)]
    [InlineData("L3-L5", "L3-S1", false)]
    [InlineData("L3-L5", "T10-S1", false)]
    [InlineData("T10-S1", "L3-L5", true)]
    [InlineData("L4", "L4", true)]
    public void Covers_means_the_other_range_lies_inside(string outer, string inner, bool covers) =>
        Assert.Equal(covers, R(outer).Covers(R(inner)));

    [Fact]
    public void Covers_implies_overlaps_and_contains_every_level_for_all_pairs_of_ranges()
    {
        var ranges = (from a in SpinalLevel.All from b in SpinalLevel.All where a <= b select new LevelRange(a, b)).ToList();
        Assert.Equal(27 * 28 / 2, ranges.Count);
        foreach (var outer in ranges.Where((_, i) => i % 7 == 0))
        {
            foreach (var inner in ranges)
            {
                var levelwise = SpinalLevel.All.Where(inner.Contains).All(outer.Contains);
                Assert.Equal(levelwise, outer.Covers(inner));
                Assert.Equal(SpinalLevel.All.Any(l => inner.Contains(l) && outer.Contains(l)), outer.Overlaps(inner));
                if (outer.Covers(inner))
                {
                    Assert.True(outer.Overlaps(inner));
                }
            }
        }
    }

    [Fact]
    public void LevelCount_counts_levels_not_interspaces()
    {
        Assert.Equal(3, R("L3-L5").LevelCount);
        Assert.Equal(1, R("L5").LevelCount);
        Assert.Equal(2, R("L5-S1").LevelCount);
        Assert.Equal(12, R("T1-T12").LevelCount);
        Assert.Equal(7, R("C1-C7").LevelCount);
        Assert.Equal(SpinalLevel.All.Count(R("T4-L2").Contains), R("T4-L2").LevelCount);
    }
}
