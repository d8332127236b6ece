using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Theatre;
using Explant.Web.Api;
using static Explant.Web.Forms.FormEndpoints;

namespace Explant.Web.Forms;

/// <summary>Form posts of the theatre screen and the operative note page; each returns to the page it came from.</summary>
internal static class TheatreForms
{
    public static Task<IResult> Handle(string id, string action, IFormCollection f, TheatreService theatre, HospitalTime time, HospitalTime clock, HttpContext http, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        var rev = Revision(f);
        var back = S(f, "back") is { } b && b.StartsWith('/') && !b.StartsWith("//", StringComparison.Ordinal) ? b : $"/theatre/case/{id}";
        var screen = $"/theatre/case/{id}";

        // A time typed on the tablet is local wall-clock time today; blank means now.
        DateTime? LocalTime(string key)
        {
            if (S(f, key) is not { } v)
            {
                return null;
            }
            var t = TimeOnly.TryParseExact(v, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : throw Invalid(key, $"'{v}' is not a time (HH:mm)");
            var today = DateOnly.FromDateTime(time.ToLocal(clock.UtcNow));
            return Explant.Core.Readiness.Fasting.ToUtc(today.ToDateTime(t), time.Zone);
        }
        IntraOpRecord.Accounting Accounting() =>
            new(E<ExplantOutcome>(f, "outcome"), OptE<ComponentCondition>(f, "condition"), S(f, "detail"), S(f, "retrievalAnalysis") is "on" or "true", S(f, "disposition"));

        return Run(async () =>
        {
            switch (action)
            {
                case "check-in":
                    await theatre.CheckIn(id, new(S(f, "mrn") ?? throw Invalid("mrn", "read the MRN from the wristband"), Date(f, "birthDate") ?? throw Invalid("birthDate", "read the date of birth from the wristband"),
                        S(f, "fasting") is "on", S(f, "holds") is "on", S(f, "note")), actor, ct);
                    return screen;
                case "tick":
                    await theatre.Tick(id, rev, S(f, "itemId") ?? throw Invalid("itemId", "required"), E<TickAnswer>(f, "answer"), S(f, "note"), actor, ct);
                    return screen + "#checklist";
                case "levels":
                    await theatre.ConfirmLevels(id, rev, S(f, "levels") ?? throw Invalid("levels", "required"), S(f, "image"), actor, ct);
                    return screen + "#checklist";
                case "milestone":
                    await theatre.Milestone(id, rev, E<Milestone>(f, "milestone"), LocalTime("at"), actor, ct);
                    return screen + "#milestones";
                case "step":
                    await theatre.Step(id, rev, (int)(D(f, "index") ?? throw Invalid("index", "required")), S(f, "done") is "on" or "true", S(f, "note"), actor, ct);
                    return screen + "#steps";
                case "findings":
                    var fusion = (S(f, "fusion") ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select((line, i) => line.Split(' ', 2, StringSplitOptions.TrimEntries) is [var range, var status] && Enum.TryParse<FusionStatus>(status, true, out var st)
                            ? new IntraOpFusion { Range = range, Status = st }
                            : throw Invalid("fusion", $"line {i + 1} '{line}': write a range and a status, e.g. 'L3-L5 Solid'")).ToList();
                    await theatre.Findings(id, rev, new(fusion, S(f, "loosening") is "on", S(f, "breakage") is "on", S(f, "infectionSigns") is "on", S(f, "duralTear") is "on",
                        D(f, "ebl") is { } ebl ? (int)ebl : null, S(f, "findingsNote")), actor, ct);
                    return screen + "#findings";
                case "prophylaxis":
                    await theatre.Prophylaxis(id, rev, S(f, "agent") ?? throw Invalid("agent", "required"), LocalTime("givenAt"), S(f, "delayReason"), LocalTime("redoseAt"), actor, ct);
                    return screen + "#findings";
                case "specimen":
                    await theatre.Specimen(id, rev, E<SpecimenKind>(f, "kind"), S(f, "description") ?? "", actor, ct);
                    return screen + "#specimens";
                case "counts":
                    await theatre.Counts(id, rev, S(f, "correct") is "true", S(f, "discrepancy"), actor, ct);
                    return screen + "#counts";
                case "account":
                    await theatre.Account(id, rev, Guid.TryParse(S(f, "lineId"), out var line) ? line : throw Invalid("lineId", "required"), Accounting(), actor, ct);
                    return screen + "#reconciliation";
                case "unplanned":
                    await theatre.AddUnplanned(id, rev, S(f, "description") ?? "", S(f, "level"), S(f, "side"), Accounting(), actor, ct);
                    return screen + "#reconciliation";
                case "note-generate":
                    await theatre.GenerateNote(id, actor, ct);
                    return $"/cases/{id}/note";
                case "note-edit":
                    await theatre.EditNote(id, rev, S(f, "key") ?? throw Invalid("key", "required"), S(f, "text") ?? "", actor, ct);
                    return $"/cases/{id}/note";
                case "note-sign":
                    await theatre.SignNote(id, rev, actor, ct);
                    return $"/cases/{id}/note";
                case "note-addendum":
                    await theatre.AddAddendum(id, rev, S(f, "text") ?? "", actor, ct);
                    return $"/cases/{id}/note";
                default:
                    throw new NotFoundException($"theatre action {action}");
            }
        }, back);
    }
}
