using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Theatre;
using Explant.Web.Api;
using static Explant.Web.Forms.FormEndpoints;

namespace Explant.Web.Forms;

/// <summary>Form posts of the theatre screen and the operative note page; each returns to the page it came from.</summary>
internal static class TheatreForms
{
    public static Task<IResult> Handle(string id, string action, IFormCollection f, TheatreService theatre, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        var back = S(f, "back") is { } b && b.StartsWith('/') && !b.StartsWith("//", StringComparison.Ordinal) && !b.StartsWith("/\\", StringComparison.Ordinal) ? b : $"/theatre/case/{id}";
        var screen = $"/theatre/case/{id}";

        // FormEndpoints.Revision uses long.Parse: a tampered or truncated revision must come back as a field error,
        // not a 500.
        long? Rev()
        {
            try
            {
                return Revision(f);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw Invalid("revision", "not a revision number: reload the page");
            }
        }
        int? Int(string key) =>
            S(f, key) is not { } v ? null : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid(key, $"'{v}' is not a whole number");
        bool On(string key) => S(f, key) is "on" or "true";

        // Only binding here: every field goes into the Core command the JSON API sends too (TheatreCommands.cs).
        return Run(async () =>
        {
            switch (action)
            {
                case "check-in":
                    await theatre.CheckIn(id, new(S(f, "mrn"), Date(f, "birthDate"), On("fasting"), On("holds"), S(f, "note")), actor, ct);
                    return screen;
                case "tick":
                    await theatre.Tick(id, Rev(), new(S(f, "itemId"), E<TickAnswer>(f, "answer"), S(f, "note")), actor, ct);
                    return screen + "#checklist";
                case "levels":
                    await theatre.ConfirmLevels(id, Rev(), new(S(f, "levels"), S(f, "image")), actor, ct);
                    return screen + "#checklist";
                case "milestone":
                    await theatre.Milestone(id, Rev(), new(OptE<Milestone>(f, "milestone"), S(f, "at")), actor, ct);
                    return screen + "#milestones";
                case "step":
                    await theatre.Step(id, Rev(), new(Int("index"), On("done"), S(f, "note")), actor, ct);
                    return screen + "#steps";
                case "findings":
                    await theatre.Findings(id, Rev(), new(FindingsCommand.ParseFusionText(S(f, "fusion")), On("loosening"), On("breakage"), On("infectionSigns"), On("duralTear"),
                        D(f, "ebl"), S(f, "findingsNote")), actor, ct);
                    return screen + "#findings";
                case "prophylaxis":
                    await theatre.Prophylaxis(id, Rev(), new(S(f, "agent"), S(f, "givenAt"), S(f, "delayReason"), S(f, "redoseAt")), actor, ct);
                    return screen + "#findings";
                case "specimen":
                    await theatre.Specimen(id, Rev(), new(OptE<SpecimenKind>(f, "kind"), S(f, "description")), actor, ct);
                    return screen + "#specimens";
                case "counts":
                    await theatre.Counts(id, Rev(), new(S(f, "correct") switch { "true" => true, "false" => false, _ => null }, S(f, "discrepancy")), actor, ct);
                    return screen + "#counts";
                case "account":
                    await theatre.Account(id, Rev(), new(Guid.TryParse(S(f, "lineId"), out var line) ? line : throw Invalid("lineId", "not a reconciliation line"),
                        OptE<ExplantOutcome>(f, "outcome"), OptE<ComponentCondition>(f, "condition"), S(f, "detail"), On("retrievalAnalysis"), S(f, "disposition")), actor, ct);
                    return screen + "#reconciliation";
                case "unplanned":
                    await theatre.AddUnplanned(id, Rev(), new(S(f, "description"), S(f, "level"), S(f, "side"),
                        OptE<ExplantOutcome>(f, "outcome"), OptE<ComponentCondition>(f, "condition"), S(f, "detail"), On("retrievalAnalysis"), S(f, "disposition")), actor, ct);
                    return screen + "#reconciliation";
                case "note-generate":
                    await theatre.GenerateNote(id, actor, ct);
                    return $"/cases/{id}/note";
                case "note-edit":
                    await theatre.EditNote(id, Rev(), new(S(f, "key"), S(f, "text")), actor, ct);
                    return $"/cases/{id}/note";
                case "note-sign":
                    await theatre.SignNote(id, Rev(), actor, ct);
                    return $"/cases/{id}/note";
                case "note-addendum":
                    await theatre.AddAddendum(id, Rev(), new(S(f, "text")), actor, ct);
                    return $"/cases/{id}/note";
                default:
                    throw new NotFoundException($"theatre action {action}");
            }
        }, back);
    }
}
