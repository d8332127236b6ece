using System.Globalization;
using System.Net;
using System.Text;

namespace Explant.Core.Implants;

/// <summary>
/// A posterior-view SVG of the construct: one row per level (a margin level above and below the span), rods as
/// vertical bars by side, screws as dots, hooks as triangles, wires and crosslinks, plates in the midline.
/// Components planned for removal are drawn in orange, those staying in grey. Large labels for a tablet.
/// </summary>
public static class SpineDiagram
{
    private const int Row = 40, Top = 48, Width = 420, Center = 210, LeftX = 130, RightX = 290;
    private const string Planned = "#c2410c", Kept = "#6b7280", Neutral = "#1f2937";

    public static string Render(Construct construct, IReadOnlyCollection<Guid>? plannedIds = null)
    {
        ArgumentNullException.ThrowIfNull(construct);
        var span = construct.Span ?? new LevelRange(SpinalLevel.Parse("L1"), SpinalLevel.Parse("S1"));
        var first = Math.Max(0, span.From.Ordinal - 1);
        var last = Math.Min(SpinalLevel.Count - 1, span.To.Ordinal + 1);
        var levels = SpinalLevel.All.Where(l => l.Ordinal >= first && l.Ordinal <= last).ToList();
        var height = Top + levels.Count * Row + 70;
        double Y(SpinalLevel l) => Top + (l.Ordinal - first) * Row + Row / 2.0;
        double SideX(Side? side, double offset = 0) => side switch
        {
            Side.Left => LeftX - offset,
            Side.Right => RightX + offset,
            _ => Center,
        };
        string Colour(Component c) => plannedIds is null ? Neutral : plannedIds.Contains(c.Id) ? Planned : Kept;
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var title = $"Construct {span} ({construct.Approach.ToString().ToLowerInvariant()}), {construct.Components.Count} components";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"spine-title\" font-family=\"system-ui, sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"spine-title\">{WebUtility.HtmlEncode(title)}</title>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{LeftX - 40}\" y=\"28\" font-size=\"18\" font-weight=\"600\">Left</text><text x=\"{RightX}\" y=\"28\" font-size=\"18\" font-weight=\"600\">Right</text>");
        foreach (var level in levels)
        {
            var y = Y(level);
            var inSpan = span.Contains(level);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Center - 38}\" y=\"{F(y - 15)}\" width=\"76\" height=\"30\" rx=\"8\" fill=\"{(inSpan ? "#e5e7eb" : "#f3f4f6")}\" stroke=\"#9ca3af\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Center}\" y=\"{F(y + 6)}\" font-size=\"17\" text-anchor=\"middle\" fill=\"#111827\">{level}</text>");
        }
        // Spanning parts first so anchors are drawn on top of them.
        foreach (var c in construct.Components.Where(c => c.IsSpanning && c.Span is not null).OrderBy(c => c.Kind))
        {
            var s = c.Span!.Value;
            var (y1, y2) = (Y(s.From) - 12, Y(s.To) + 12);
            if (c.Kind == ComponentKind.Plate)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Center - 46}\" y=\"{F(y1)}\" width=\"92\" height=\"{F(y2 - y1)}\" rx=\"6\" fill=\"none\" stroke=\"{Colour(c)}\" stroke-width=\"5\"><title>{WebUtility.HtmlEncode(c.Describe())}</title></rect>");
            }
            else
            {
                var x = SideX(c.Side, -12);
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(y1)}\" x2=\"{F(x)}\" y2=\"{F(y2)}\" stroke=\"{Colour(c)}\" stroke-width=\"8\" stroke-linecap=\"round\"><title>{WebUtility.HtmlEncode(c.Describe())}</title></line>");
            }
        }
        var anchorsPerSlot = new Dictionary<(int, Side?), int>();
        foreach (var c in construct.Components.Where(c => !c.IsSpanning))
        {
            var label = WebUtility.HtmlEncode(c.Describe());
            if (c.Kind == ComponentKind.Crosslink)
            {
                var y = c.AnchorLevel is { } l ? Y(l) : (Y(span.From) + Y(span.To)) / 2;
                sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{LeftX + 12}\" y1=\"{F(y)}\" x2=\"{RightX - 12}\" y2=\"{F(y)}\" stroke=\"{Colour(c)}\" stroke-width=\"6\" stroke-dasharray=\"10 4\"><title>{label}</title></line>");
                continue;
            }
            if (c.AnchorLevel is not { } level)
            {
                continue;
            }
            var slot = (level.Ordinal, c.Side);
            var n = anchorsPerSlot.GetValueOrDefault(slot);
            anchorsPerSlot[slot] = n + 1;
            var cx = SideX(c.Side, 22 + n * 16);
            var cy = Y(level);
            switch (c.Kind)
            {
                case ComponentKind.Hook:
                    sb.Append(CultureInfo.InvariantCulture, $"<polygon points=\"{F(cx - 10)},{F(cy + 9)} {F(cx + 10)},{F(cy + 9)} {F(cx)},{F(cy - 11)}\" fill=\"{Colour(c)}\"><title>{label}</title></polygon>");
                    break;
                case ComponentKind.SublaminarWire:
                    sb.Append(CultureInfo.InvariantCulture, $"<ellipse cx=\"{F(cx)}\" cy=\"{F(cy)}\" rx=\"10\" ry=\"6\" fill=\"none\" stroke=\"{Colour(c)}\" stroke-width=\"4\"><title>{label}</title></ellipse>");
                    break;
                case ComponentKind.SetScrew:
                    sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(cx - 5)}\" y=\"{F(cy - 5)}\" width=\"10\" height=\"10\" fill=\"{Colour(c)}\"><title>{label}</title></rect>");
                    break;
                default:
                    sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(cx)}\" cy=\"{F(cy)}\" r=\"10\" fill=\"{Colour(c)}\"><title>{label}</title></circle>");
                    break;
            }
        }
        var legendY = Top + levels.Count * Row + 28;
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{legendY}\" font-size=\"15\">● screw  ▲ hook  ◯ wire  ┃ rod  ┅ crosslink</text>");
        if (plannedIds is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{legendY + 24}\" font-size=\"15\"><tspan fill=\"{Planned}\">■ to remove</tspan>  <tspan fill=\"{Kept}\">■ stays</tspan></text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
