using Explant.Core.Data;
using Explant.Core.Implants;

namespace Explant.Core.Tests.Implants;

/// <summary>Rule 1 of docs/clinical-rules.md §8 ([S4][S1]): segmental = fixed at each end plus at least one interposed bony attachment.</summary>
public sealed class ConstructClassificationTests
{
    private static readonly DateOnly Today = new(2025, 3, 3);

    private static Construct.ComponentInput Input(ComponentKind kind, string? level = null, string? span = null, Side? side = null,
        HookType? hookType = null, string? udi = null, decimal? diameter = null, decimal? length = null, string? variant = null, string? note = null) =>
        new(kind, level, span, side, diameter, length, Material.Titanium, hookType, variant, udi, note);

    /// <summary>
    /// A tiny notation for constructs: "screw L3 L4 L5; rod L3-L5". Screws (pedicle or iliac) are bilateral, hooks are
    /// left laminar hooks, wires are midline sublaminar wires, rods are bilateral; crosslinks and set screws take an
    /// optional level. Every component goes through <see cref="Construct.BuildComponent"/>, so the notation is validated.
    /// </summary>
    private static List<Component> Components(string notation)
    {
        var result = new List<Component>();
        foreach (var item in notation.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var args = words.Skip(1).ToArray();
            switch (words[0])
            {
                case "screw":
                    result.AddRange(args.SelectMany(l => new[] { Side.Left, Side.Right }.Select(s => Construct.BuildComponent(Input(ComponentKind.PedicleScrew, l, side: s)))));
                    break;
                case "iliac":
                    result.AddRange(args.SelectMany(l => new[] { Side.Left, Side.Right }.Select(s => Construct.BuildComponent(Input(ComponentKind.IliacScrew, l, side: s, variant: "S2AI")))));
                    break;
                case "hook":
                    result.AddRange(args.Select(l => Construct.BuildComponent(Input(ComponentKind.Hook, l, side: Side.Left, hookType: HookType.Laminar))));
                    break;
                case "wire":
                    result.AddRange(args.Select(l => Construct.BuildComponent(Input(ComponentKind.SublaminarWire, l, side: Side.Midline))));
                    break;
                case "rod":
                    result.AddRange(new[] { Side.Left, Side.Right }.Select(s => Construct.BuildComponent(Input(ComponentKind.Rod, span: args[0], side: s))));
                    break;
                case "plate":
                    result.Add(Construct.BuildComponent(Input(ComponentKind.Plate, span: args[0], side: Side.Midline)));
                    break;
                case "crosslink":
                    result.Add(Construct.BuildComponent(Input(ComponentKind.Crosslink, args.FirstOrDefault())));
                    break;
                case "setscrew":
                    result.Add(Construct.BuildComponent(Input(ComponentKind.SetScrew, args.FirstOrDefault())));
                    break;
                default:
                    throw new ArgumentException($"unknown component '{words[0]}'", nameof(notation));
            }
        }
        return result;
    }

    private static Construct Recorded(Approach approach, string notation)
    {
        var construct = Construct.Record(Guid.NewGuid(), new Construct.Details(new DateOnly(2018, 1, 9), null, approach, null, null, null, null), Today);
        construct.Components.AddRange(Components(notation));
        return construct;
    }

    [Theory]
    // Segmental: ends plus at least one interposed attachment → 22852.
    [InlineData(Approach.Posterior, "screw L3 L4 L5; rod L3-L5", "22852", true, "L3\u2013L5")]
    [InlineData(Approach.Posterior, "screw T10 T11 T12 L1 L2; rod T10-L2; crosslink L1", "22852", true, "T10\u2013L2")]
    [InlineData(Approach.Posterior, "hook T4 T8 T12; rod T4-T12", "22852", true, "T4\u2013T12")]
    [InlineData(Approach.Posterior, "hook T4 T12; wire T8; rod T4-T12", "22852", true, "T4\u2013T12")]
    [InlineData(Approach.Posterior, "wire T4 T6 T8 T10", "22852", true, "T4\u2013T10")]
    [InlineData(Approach.Posterior, "screw L5 S1; iliac ilium; rod L5-ilium", "22852", true, "L5\u2013ilium")]
    [InlineData(Approach.Posterior, "screw L4 L5; iliac iliac", "22852", true, "L4\u2013ilium")]
    [InlineData(Approach.Posterior, "screw L3; hook L4; wire L5", "22852", true, "L3\u2013L5")]
    // Non-segmental: ends only → 22850, however long the rod.
    [InlineData(Approach.Posterior, "screw L4 L5; rod L4-L5", "22850", false, "L4\u2013L5")]
    [InlineData(Approach.Posterior, "hook T4 T12; rod T4-T12", "22850", false, "T4\u2013T12")]
    [InlineData(Approach.Posterior, "screw L2 L5; rod L2-L5", "22850", false, "L2\u2013L5")]
    [InlineData(Approach.Posterior, "screw L2 L5; rod L2-L5; crosslink L3; setscrew L4", "22850", false, "L2\u2013L5")]
    [InlineData(Approach.Posterior, "screw L5; iliac ilium; rod L5-ilium", "22850", false, "L5\u2013ilium")]
    [InlineData(Approach.Posterior, "screw L4; rod L4-L5", "22850", false, "L4\u2013L5")]
    // No anchors: rods, crosslinks, set screws and plates are not bony attachments.
    [InlineData(Approach.Posterior, "rod L3-L5", null, null, "L3\u2013L5")]
    [InlineData(Approach.Posterior, "rod L3-L5; crosslink L4; setscrew L3; setscrew L5", null, null, "L3\u2013L5")]
    [InlineData(Approach.Posterior, "crosslink; setscrew", null, null, null)]
    [InlineData(Approach.Posterior, "plate L4-L5", null, null, "L4\u2013L5")]
    [InlineData(Approach.Posterior, "", null, null, null)]
    // Anterior → 22855 whatever the hardware.
    [InlineData(Approach.Anterior, "screw L3 L4 L5; rod L3-L5", "22855", null, "L3\u2013L5")]
    [InlineData(Approach.Anterior, "plate L4-L5; screw L4 L5", "22855", null, "L4\u2013L5")]
    [InlineData(Approach.Anterior, "screw L4 L5", "22855", null, "L4\u2013L5")]
    [InlineData(Approach.Anterior, "", "22855", null, null)]
    public void Classification_follows_the_CPT_definition(Approach approach, string notation, string? code, bool? segmental, string? span)
    {
        var components = Components(notation);
        var c = Construct.Classify(approach, components);
        Assert.Equal(code, c.SuggestedCode);
        Assert.Equal(segmental, c.Segmental);
        Assert.Equal(span, c.Span?.ToString());
        Assert.False(string.IsNullOrWhiteSpace(c.Reason));
        Assert.Equal(approach == Approach.Anterior ? "S1" : "S4", c.Source);

        var construct = Recorded(approach, notation);
        Assert.Equal(c, construct.Classify());
        Assert.Equal(c.Span, construct.Span);
    }

    [Fact]
    public void The_reason_names_the_end_and_interposed_levels()
    {
        var segmental = Construct.Classify(Approach.Posterior, Components("screw L3 L4 L5; rod L3-L5"));
        Assert.Contains("L3", segmental.Reason, StringComparison.Ordinal);
        Assert.Contains("L5", segmental.Reason, StringComparison.Ordinal);
        Assert.Contains("interposed attachment at L4", segmental.Reason, StringComparison.Ordinal);

        var ends = Construct.Classify(Approach.Posterior, Components("hook T4 T12; rod T4-T12"));
        Assert.Contains("ends only (T4, T12)", ends.Reason, StringComparison.Ordinal);

        var none = Construct.Classify(Approach.Posterior, Components("rod T4-T12"));
        Assert.Contains("no bony attachment", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bilateral_anchors_at_one_level_count_as_one_attachment_level()
    {
        // Four screws, but only two levels: still the ends only.
        var c = Construct.Classify(Approach.Posterior, Components("screw L4 L5; screw L4 L5"));
        Assert.Equal("22850", c.SuggestedCode);
        Assert.False(c.Segmental);
    }

    [Fact]
    public void One_interposed_anchor_on_one_side_is_enough()
    {
        var components = Components("screw L3 L5; rod L3-L5");
        components.Add(Construct.BuildComponent(Input(ComponentKind.PedicleScrew, "L4", side: Side.Right)));
        Assert.Equal("22852", Construct.Classify(Approach.Posterior, components).SuggestedCode);
    }

    [Theory]
    [InlineData("screw L3 L4 L5; rod L2-S1", "L2\u2013S1")]
    [InlineData("hook T10; screw L3; rod T11-L2", "T10\u2013L3")]
    [InlineData("crosslink C7; screw L1 L2", "C7\u2013L2")]
    [InlineData("plate C5-C6; setscrew C4", "C4\u2013C6")]
    [InlineData("screw S1; iliac ilium; rod L4-S1", "L4\u2013ilium")]
    public void Span_runs_from_the_most_cranial_to_the_most_caudal_component(string notation, string span)
    {
        Assert.Equal(span, Construct.Classify(Approach.Posterior, Components(notation)).Span?.ToString());
        Assert.Equal(span, Recorded(Approach.Posterior, notation).Span?.ToString());
    }

    // ---- BuildComponent validation ------------------------------------------------------------------------

    private static IDictionary<string, string[]> Errors(Construct.ComponentInput input, string path = "") =>
        Assert.Throws<ValidationException>(() => Construct.BuildComponent(input, path)).Errors;

    [Theory]
    [InlineData(ComponentKind.PedicleScrew)]
    [InlineData(ComponentKind.IliacScrew)]
    [InlineData(ComponentKind.Hook)]
    [InlineData(ComponentKind.SublaminarWire)]
    public void An_anchor_needs_a_level(ComponentKind kind)
    {
        var errors = Errors(Input(kind, null, side: Side.Left, hookType: HookType.Pedicle), "components[2]");
        Assert.Equal(["components[2].level"], errors.Keys);
        Assert.Equal(["required"], errors["components[2].level"]);
    }

    [Theory]
    [InlineData("L6")]
    [InlineData("T13")]
    [InlineData("X1")]
    public void An_anchor_level_must_exist(string level)
    {
        var errors = Errors(Input(ComponentKind.PedicleScrew, level, side: Side.Left));
        Assert.Equal(["level"], errors.Keys);
        Assert.Contains($"'{level}'", errors["level"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ComponentKind.PedicleScrew, null)]
    [InlineData(ComponentKind.PedicleScrew, Side.Midline)]
    [InlineData(ComponentKind.IliacScrew, null)]
    [InlineData(ComponentKind.Hook, Side.Midline)]
    public void A_screw_or_hook_needs_left_or_right(ComponentKind kind, Side? side)
    {
        var errors = Errors(Input(kind, "L4", side: side, hookType: HookType.Laminar), "components[0]");
        Assert.Equal(["components[0].side"], errors.Keys);
    }

    [Theory]
    [InlineData(Side.Midline)]
    [InlineData(null)]
    public void A_wire_needs_no_side(Side? side) =>
        Assert.Equal("T8", Construct.BuildComponent(Input(ComponentKind.SublaminarWire, "T8", side: side)).Level);

    [Theory]
    [InlineData(ComponentKind.Rod, null, "required")]
    [InlineData(ComponentKind.Rod, "L5-L3", "'L5-L3'")]
    [InlineData(ComponentKind.Rod, "L3-L6", "'L3-L6'")]
    [InlineData(ComponentKind.Rod, "L3 to L5", "'L3 to L5'")]
    [InlineData(ComponentKind.Plate, "", "''")]
    public void A_rod_or_plate_needs_a_valid_span(ComponentKind kind, string? span, string message)
    {
        var errors = Errors(Input(kind, span: span, side: Side.Left), "components[1]");
        Assert.Equal(["components[1].span"], errors.Keys);
        Assert.Contains(message, errors["components[1].span"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_hook_needs_a_hook_type()
    {
        var errors = Errors(Input(ComponentKind.Hook, "T4", side: Side.Left));
        Assert.Equal(["hookType"], errors.Keys);
    }

    [Theory]
    [InlineData(0d, null, "diameterMm")]
    [InlineData(-1d, null, "diameterMm")]
    [InlineData(50.1d, null, "diameterMm")]
    [InlineData(null, 0d, "lengthMm")]
    [InlineData(null, 700.5, "lengthMm")]
    public void Sizes_must_be_plausible(double? diameter, double? length, string field)
    {
        var errors = Errors(Input(ComponentKind.PedicleScrew, "L4", side: Side.Left, diameter: (decimal?)diameter, length: (decimal?)length), "c");
        Assert.Equal([$"c.{field}"], errors.Keys);
    }

    [Fact]
    public void Size_limits_are_inclusive()
    {
        var c = Construct.BuildComponent(Input(ComponentKind.Rod, span: "T2-S1", side: Side.Left, diameter: 50m, length: 700m));
        Assert.Equal(50m, c.DiameterMm);
        Assert.Equal(700m, c.LengthMm);
    }

    [Fact]
    public void A_bad_UDI_is_reported_under_udi_with_its_position()
    {
        var errors = Errors(Input(ComponentKind.PedicleScrew, "L4", side: Side.Left, udi: "(01)09504000059119"), "components[3]");
        Assert.Equal(["components[3].udi"], errors.Keys);
        Assert.StartsWith("position 18:", errors["components[3].udi"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once_under_its_path()
    {
        var errors = Errors(Input(ComponentKind.Hook, null, side: null, hookType: null, udi: "nonsense", diameter: -2m), "components[5]");
        Assert.Equal(
            new[] { "components[5].diameterMm", "components[5].hookType", "components[5].level", "components[5].side", "components[5].udi" },
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_valid_UDI_is_stored_in_canonical_form_with_its_parts()
    {
        var c = Construct.BuildComponent(Input(ComponentKind.PedicleScrew, "l4", side: Side.Left,
            udi: "]d2" + "0109504000059118" + "17141120" + "107654321D" + "\u001D" + "2110987654d321"));
        Assert.Equal("(01)09504000059118(17)141120(10)7654321D(21)10987654d321", c.Udi);
        Assert.Equal("09504000059118", c.Gtin);
        Assert.Equal("7654321D", c.Lot);
        Assert.Equal("10987654d321", c.Serial);
        Assert.Equal("L4", c.Level);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void The_UDI_is_optional_for_older_implants(string? udi)
    {
        var c = Construct.BuildComponent(Input(ComponentKind.PedicleScrew, "L4", side: Side.Right, udi: udi));
        Assert.Null(c.Udi);
        Assert.Null(c.Gtin);
    }

    [Fact]
    public void Levels_and_spans_are_stored_canonically_and_text_is_trimmed()
    {
        var rod = Construct.BuildComponent(Input(ComponentKind.Rod, span: "l3 \u2013 l5", side: Side.Left, note: "  bent  "));
        Assert.Equal("L3", rod.SpanFrom);
        Assert.Equal("L5", rod.SpanTo);
        Assert.Null(rod.Level);
        Assert.Equal("bent", rod.Note);
        Assert.Equal(LevelRange.Parse("L3-L5"), rod.Span);

        var screw = Construct.BuildComponent(Input(ComponentKind.IliacScrew, "iliac", side: Side.Left, variant: "  ", note: ""));
        Assert.Equal("ilium", screw.Level);
        Assert.Null(screw.Variant);
        Assert.Null(screw.Note);
        Assert.True(screw.IsAnchor);
        Assert.Equal(SpinalLevel.Ilium, screw.AnchorLevel);
    }

    [Theory]
    [InlineData(ComponentKind.Crosslink)]
    [InlineData(ComponentKind.SetScrew)]
    public void Connectors_need_no_level_but_a_given_level_must_exist(ComponentKind kind)
    {
        var c = Construct.BuildComponent(Input(kind));
        Assert.Null(c.Level);
        Assert.Null(c.Span);
        Assert.False(c.IsAnchor);
        Assert.Equal(["level"], Errors(Input(kind, "L9")).Keys);
    }

    [Theory]
    [InlineData(ComponentKind.PedicleScrew, true, false)]
    [InlineData(ComponentKind.IliacScrew, true, false)]
    [InlineData(ComponentKind.Hook, true, false)]
    [InlineData(ComponentKind.SublaminarWire, true, false)]
    [InlineData(ComponentKind.Rod, false, true)]
    [InlineData(ComponentKind.Plate, false, true)]
    [InlineData(ComponentKind.Crosslink, false, false)]
    [InlineData(ComponentKind.SetScrew, false, false)]
    public void Anchors_are_screws_hooks_and_wires_only(ComponentKind kind, bool anchor, bool spanning)
    {
        var c = new Component { Kind = kind };
        Assert.Equal(anchor, c.IsAnchor);
        Assert.Equal(spanning, c.IsSpanning);
    }

    [Fact]
    public void AddComponent_validates_and_keeps_the_component()
    {
        var construct = Recorded(Approach.Posterior, "");
        var added = construct.AddComponent(Input(ComponentKind.PedicleScrew, "L4", side: Side.Left));
        Assert.Same(added, Assert.Single(construct.Components));
        Assert.Throws<ValidationException>(() => construct.AddComponent(Input(ComponentKind.PedicleScrew, "L4"), "components[1]"));
        Assert.Single(construct.Components);
    }

    [Fact]
    public void An_implant_date_in_the_future_is_refused()
    {
        var ex = Assert.Throws<ValidationException>(() => Construct.Record(Guid.NewGuid(),
            new Construct.Details(Today.AddDays(1), null, Approach.Posterior, null, null, null, null), Today));
        Assert.Equal(["implantedOn"], ex.Errors.Keys);
    }

    [Theory]
    [InlineData(ComponentKind.PedicleScrew, "L4", null, Side.Left, 6, 45, null, null, "L4 left pedicle screw 6×45 mm")]
    [InlineData(ComponentKind.IliacScrew, "ilium", null, Side.Right, 8, null, null, "S2AI", "ilium right S2AI screw Ø8 mm")]
    [InlineData(ComponentKind.Hook, "T4", null, Side.Left, null, null, HookType.TransverseProcess, null, "T4 left transverse-process hook")]
    [InlineData(ComponentKind.Rod, null, "T4-T12", Side.Right, null, 300, null, null, "T4\u2013T12 right rod 300 mm")]
    [InlineData(ComponentKind.Crosslink, null, null, null, null, null, null, null, "crosslink")]
    public void Describe_reads_as_a_phrase(ComponentKind kind, string? level, string? span, Side? side, int? diameter, int? length,
        HookType? hookType, string? variant, string expected)
    {
        var c = Construct.BuildComponent(new Construct.ComponentInput(kind, level, span, side, diameter, length, Material.Titanium, hookType, variant, null, null));
        Assert.Equal(expected, c.Describe());
    }
}
