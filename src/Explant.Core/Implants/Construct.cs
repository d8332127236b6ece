using Explant.Core.Data;
using Explant.Core.Validation;

namespace Explant.Core.Implants;

public enum Approach
{
    Posterior,
    Anterior,
}

public enum ComponentKind
{
    PedicleScrew,
    IliacScrew,
    Hook,
    SublaminarWire,
    Rod,
    Crosslink,
    SetScrew,
    Plate,
}

public enum Side
{
    Left,
    Right,
    Midline,
}

public enum Material
{
    Unknown,
    Titanium,
    CobaltChromium,
    StainlessSteel,
    Other,
}

public enum HookType
{
    Laminar,
    Pedicle,
    TransverseProcess,
}

/// <summary>
/// One part of a construct (docs/clinical-rules.md §2). Anchors sit at one level; rods and plates span levels.
/// Sizes are free numbers (makers differ, [S49] ⚠); the UDI is optional because older implants carry none (§5.1 ⚠).
/// </summary>
public sealed class Component
{
    public Guid Id { get; set; }
    public ComponentKind Kind { get; set; }
    public string? Level { get; set; }
    public string? SpanFrom { get; set; }
    public string? SpanTo { get; set; }
    public Side? Side { get; set; }
    public decimal? DiameterMm { get; set; }
    public decimal? LengthMm { get; set; }
    public Material Material { get; set; }
    public HookType? HookType { get; set; }
    /// <summary>Iliac screws: "iliac" or "S2AI".</summary>
    public string? Variant { get; set; }
    public string? Udi { get; set; }
    public string? Gtin { get; set; }
    public string? Lot { get; set; }
    public string? Serial { get; set; }
    public string? Note { get; set; }

    /// <summary>A bony attachment: what CPT counts for segmental vs non-segmental ([S4]).</summary>
    public bool IsAnchor => Kind is ComponentKind.PedicleScrew or ComponentKind.IliacScrew or ComponentKind.Hook or ComponentKind.SublaminarWire;

    public bool IsSpanning => Kind is ComponentKind.Rod or ComponentKind.Plate;

    public SpinalLevel? AnchorLevel => Level is null ? null : SpinalLevel.Parse(Level);

    public LevelRange? Span => IsSpanning && SpanFrom is not null && SpanTo is not null
        ? LevelRange.Of(SpinalLevel.Parse(SpanFrom), SpinalLevel.Parse(SpanTo))
        : AnchorLevel is { } l ? new LevelRange(l, l) : null;

    public string Describe()
    {
        var what = Kind switch
        {
            ComponentKind.PedicleScrew => "pedicle screw",
            ComponentKind.IliacScrew => Variant is { } v ? $"{v} screw" : "iliac screw",
            ComponentKind.Hook => HookType is { } h ? $"{h switch { Implants.HookType.TransverseProcess => "transverse-process", _ => h.ToString().ToLowerInvariant() }} hook" : "hook",
            ComponentKind.SublaminarWire => "sublaminar wire/band",
            ComponentKind.Rod => "rod",
            ComponentKind.Crosslink => "crosslink",
            ComponentKind.SetScrew => "set screw",
            ComponentKind.Plate => "plate",
            _ => Kind.ToString(),
        };
        var where = Span is { } s ? s.ToString() : "";
        var side = Side is { } sd ? sd.ToString().ToLowerInvariant() : "";
        var size = (DiameterMm, LengthMm) switch
        {
            ({ } d, { } l) => $"{d:0.#}×{l:0.#} mm",
            ({ } d, null) => $"Ø{d:0.#} mm",
            (null, { } l) => $"{l:0.#} mm",
            _ => "",
        };
        return string.Join(" ", new[] { where, side, what, size }.Where(x => x.Length > 0));
    }
}

/// <summary>What the construct's hardware suggests for coding: rule 1 of docs/clinical-rules.md §8 ([S4][S1]).</summary>
public sealed record ConstructClassification(LevelRange? Span, bool? Segmental, string? SuggestedCode, string Reason, string Source);

/// <summary>
/// The instrumentation in a patient's spine from one index operation. It owns its components and their
/// invariants (an anchor has a level, a rod a span, a UDI parses).
/// </summary>
public sealed class Construct : IVersioned
{
    private Construct() { }

    public Guid Id { get; private set; }
    public Guid PatientId { get; private set; }
    public DateOnly? ImplantedOn { get; private set; }
    public string? ImplantedAt { get; private set; }
    public Approach Approach { get; private set; }
    public string? SourceProcedure { get; private set; }
    public string? Manufacturer { get; private set; }
    public string? SystemName { get; private set; }
    public string? Comment { get; private set; }
    public List<Component> Components { get; private set; } = [];
    public long Revision { get; set; }

    public sealed record Details(DateOnly? ImplantedOn, string? ImplantedAt, Approach Approach, string? SourceProcedure,
        string? Manufacturer, string? SystemName, string? Comment);

    /// <summary>
    /// One component as the API and the forms send it. Kind is nullable so a missing kind is refused by name rather
    /// than read as the first member (a pedicle screw nobody entered); a missing material is Unknown.
    /// </summary>
    public sealed record ComponentInput(ComponentKind? Kind, string? Level, string? Span, Side? Side, decimal? DiameterMm, decimal? LengthMm,
        Material? Material, HookType? HookType, string? Variant, string? Udi, string? Note);

    /// <summary>Longest stored text per field (names and labels; the free comment is a note).</summary>
    public const int TextMax = InputLimits.ShortText;

    /// <summary>
    /// Records a construct. <paramref name="bornOn"/>, when known, bounds the implant date from below: hardware is not
    /// implanted before the patient was born.
    /// </summary>
    public static Construct Record(Guid patientId, Details d, DateOnly today, DateOnly? bornOn = null)
    {
        var c = new Construct { Id = Guid.CreateVersion7(), PatientId = patientId };
        c.Update(d, today, bornOn);
        return c;
    }

    public void Update(Details d, DateOnly today, DateOnly? bornOn = null)
    {
        var check = new Check();
        var clean = Validate(d, today, bornOn, check);
        check.ThrowIfAny();
        ImplantedOn = clean.ImplantedOn;
        ImplantedAt = clean.ImplantedAt;
        Approach = clean.Approach;
        SourceProcedure = clean.SourceProcedure;
        Manufacturer = clean.Manufacturer;
        SystemName = clean.SystemName;
        Comment = clean.Comment;
    }

    /// <summary>Adds every bad field of <paramref name="d"/> to <paramref name="check"/> and returns the details trimmed.</summary>
    public static Details Validate(Details d, DateOnly today, DateOnly? bornOn, Check check)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(check);
        check.Date("implantedOn", d.ImplantedOn, notBefore: bornOn is { } b ? (b, "the patient's date of birth") : null, notAfter: (today, "today"));
        if (!Enum.IsDefined(d.Approach))
        {
            check.Add("approach", EnumText.Choices<Approach>());
        }
        return new Details(d.ImplantedOn, check.Text("implantedAt", d.ImplantedAt, TextMax), d.Approach,
            check.Text("sourceProcedure", d.SourceProcedure, TextMax), check.Text("manufacturer", d.Manufacturer, TextMax),
            check.Text("systemName", d.SystemName, TextMax), check.Text("comment", d.Comment, InputLimits.Note));
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Adds a component after checking it; <paramref name="path"/> prefixes field names in errors (e.g. "components[2]").</summary>
    public Component AddComponent(ComponentInput input, string path = "")
    {
        var component = BuildComponent(input, path);
        Components.Add(component);
        return component;
    }

    public static Component BuildComponent(ComponentInput input, string path = "")
    {
        var check = new Check();
        var component = BuildComponent(input, path, check);
        check.ThrowIfAny();
        return component;
    }

    /// <summary>
    /// Checks one component, adding every bad field to <paramref name="check"/> under <paramref name="path"/>
    /// (e.g. "components[2].level"). The component returned is only meaningful when the check holds no error: callers
    /// throw (<see cref="Check.ThrowIfAny"/>) before they keep it.
    /// </summary>
    public static Component BuildComponent(ComponentInput input, string path, Check check)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(check);
        var p = path.Length == 0 ? "" : path + ".";
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            check.Add(p + "kind", input.Kind is null ? $"required ({EnumText.Choices<ComponentKind>()})" : EnumText.Choices<ComponentKind>());
            return new Component();
        }
        if (!EnumText.IsDefined(input.Side)) { check.Add(p + "side", EnumText.Choices<Side>()); }
        if (!EnumText.IsDefined(input.Material)) { check.Add(p + "material", EnumText.Choices<Material>()); }
        if (!EnumText.IsDefined(input.HookType)) { check.Add(p + "hookType", EnumText.Choices<HookType>()); }
        var component = new Component
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            Side = input.Side,
            DiameterMm = check.Range(p + "diameterMm", input.DiameterMm, Plausible.ComponentDiameterMm),
            LengthMm = check.Range(p + "lengthMm", input.LengthMm, Plausible.ComponentLengthMm),
            Material = input.Material ?? Material.Unknown,
            HookType = input.HookType,
            Variant = check.Text(p + "variant", input.Variant, TextMax),
            Note = check.Text(p + "note", input.Note, InputLimits.Note),
        };
        // Levels are short ("L4", "T10-S1"): over-long text is refused by its length before parsing, so it is never echoed.
        var levelText = check.Text(p + "level", input.Level, TextMax);
        var spanText = check.Text(p + "span", input.Span, TextMax);
        if (component.IsSpanning)
        {
            if (input.Span is null)
            {
                check.Add(p + "span", "required for a rod or plate (e.g. L3-L5)");
            }
            else if (string.IsNullOrWhiteSpace(input.Span))
            {
                check.Add(p + "span", $"'{input.Span}' is not a level range (e.g. L3-L5)");
            }
            else if (spanText is not null)
            {
                if (LevelRange.TryParse(spanText, out var span))
                {
                    component.SpanFrom = span.From.ToString();
                    component.SpanTo = span.To.ToString();
                }
                else
                {
                    check.Add(p + "span", $"'{spanText}' is not a level range (e.g. L3-L5)");
                }
            }
        }
        else if (kind is not (ComponentKind.Crosslink or ComponentKind.SetScrew) || input.Level is not null)
        {
            if (input.Level is null)
            {
                check.Add(p + "level", "required");
            }
            else if (string.IsNullOrWhiteSpace(input.Level))
            {
                check.Add(p + "level", $"'{input.Level}' is not a level (C1–C7, T1–T12, L1–L5, S1–S2, ilium)");
            }
            else if (levelText is not null)
            {
                if (SpinalLevel.TryParse(levelText, out var level))
                {
                    component.Level = level.ToString();
                }
                else
                {
                    check.Add(p + "level", $"'{levelText}' is not a level (C1–C7, T1–T12, L1–L5, S1–S2, ilium)");
                }
            }
        }
        if (kind == ComponentKind.Hook && input.HookType is null)
        {
            check.Add(p + "hookType", "required for a hook (Laminar, Pedicle, TransverseProcess)");
        }
        if (kind is ComponentKind.PedicleScrew or ComponentKind.IliacScrew or ComponentKind.Hook && input.Side is null or Implants.Side.Midline)
        {
            check.Add(p + "side", "left or right is required for a screw or hook");
        }
        // Not Check.Text: a scanned UDI legitimately carries GS (0x1D) separators, which the UDI parser reads.
        if (input.Udi is { Length: > TextMax })
        {
            check.Add(p + "udi", $"at most {TextMax} characters (got {input.Udi.Length})");
        }
        else if (!string.IsNullOrWhiteSpace(input.Udi))
        {
            try
            {
                var udi = Implants.Udi.Parse(input.Udi);
                component.Udi = udi.HumanReadable;
                component.Gtin = udi.Gtin;
                component.Lot = udi.Lot;
                component.Serial = udi.Serial;
            }
            catch (UdiFormatException e)
            {
                check.Add(p + "udi", e.Message);
            }
        }
        return component;
    }

    /// <summary>Span from the most cranial to the most caudal level any component touches.</summary>
    public LevelRange? Span
    {
        get
        {
            var spans = Components.Select(c => c.Span).OfType<LevelRange>().ToList();
            return spans.Count == 0 ? null : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To));
        }
    }

    /// <summary>
    /// The vertebral levels whose fusion matters before removal: the span without the ilium (iliac and S2AI
    /// screws anchor the pelvis, not a fused segment) and ending at S1 (S1–S2 is one bone, the sacrum).
    /// </summary>
    public LevelRange? FusionSpan
    {
        get
        {
            var s1 = SpinalLevel.Parse("S1");
            var levels = Components.Select(c => c.Span).OfType<LevelRange>()
                .SelectMany(r => SpinalLevel.All.Where(r.Contains))
                .Where(l => !l.IsIlium)
                .Select(l => l > s1 ? s1 : l)
                .ToList();
            return levels.Count == 0 ? null : new LevelRange(levels.Min(), levels.Max());
        }
    }

    /// <summary>
    /// Rule 1 (docs/clinical-rules.md §8, [S4][S1]): anterior → 22855; posterior with fixation at both ends and at least one
    /// interposed bony attachment → segmental, 22852; ends only → non-segmental, 22850.
    /// </summary>
    public ConstructClassification Classify() => Classify(Approach, Components);

    public static ConstructClassification Classify(Approach approach, IReadOnlyCollection<Component> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        var anchors = components.Where(c => c.IsAnchor && c.AnchorLevel is not null).Select(c => c.AnchorLevel!.Value).Distinct().Order().ToList();
        var spans = components.Select(c => c.Span).OfType<LevelRange>().ToList();
        LevelRange? span = spans.Count == 0 ? null : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To));
        if (approach == Approach.Anterior)
        {
            return new(span, null, "22855", "anterior instrumentation", "S1");
        }
        if (anchors.Count == 0)
        {
            return new(span, null, null, "no bony attachment recorded: add the screws, hooks or wires to classify the construct", "S4");
        }
        if (anchors.Count == 1)
        {
            return new(span, false, "22850", $"a single attachment level ({anchors[0]}): no interposed attachment", "S4");
        }
        var interposed = anchors.Skip(1).Take(anchors.Count - 2).ToList();
        return interposed.Count > 0
            ? new(span, true, "22852", $"fixed at {anchors[0]} and {anchors[^1]} with interposed attachment at {string.Join(", ", interposed)}: segmental", "S4")
            : new(span, false, "22850", $"fixed at the ends only ({anchors[0]}, {anchors[^1]}): non-segmental", "S4");
    }
}
