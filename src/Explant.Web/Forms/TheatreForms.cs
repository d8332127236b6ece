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
        var screen = $"/theatre/case/{id}";
        // A refusal returns to the form's own page and section (the note's forms live on the note page).
        var own = action.StartsWith("note-", StringComparison.Ordinal) ? $"/cases/{id}/note" + (action == "note-addendum" ? "#addenda" : "#note-feedback") : screen + action switch
        {
            "tick" or "levels" => "#checklist",
            "milestone" => "#milestones",
            "step" => "#steps",
            "findings" or "prophylaxis" => "#findings",
            "specimen" => "#specimens",
            "counts" => "#counts",
            "account" or "unplanned" => "#reconciliation",
            _ => "",
        };
        var back = S(f, "back") is { } b && b.StartsWith('/') && !b.StartsWith("//", StringComparison.Ordinal) && !b.StartsWith("/\\", StringComparison.Ordinal) ? b : own;

        // Only binding here: every field is read with Core's FormFields (enum names, '.' decimals, YYYY-MM-DD dates,
        // whole numbers, ids, revisions; a bad one is refused naming it) into the Core command the JSON API sends too
        // (TheatreCommands.cs).
        var fields = new Explant.Core.Validation.FormFields(k => f[k].ToString());
        bool On(string key) => fields.Bool(key) == true;
        T Read<T>(T value)
        {
            fields.ThrowIfAny();
            return value;
        }

        return Run(http, f, action, back, async () =>
        {
            var rev = fields.Revision();
            switch (action)
            {
                case "check-in":
                    await theatre.CheckIn(id, Read(new CheckInCommand(fields.Text("mrn"), fields.Date("birthDate"), On("fasting"), On("holds"), fields.Text("note"))), actor, ct);
                    return screen;
                case "tick":
                    await theatre.Tick(id, rev, Read(new TickCommand(fields.Text("itemId"), fields.Enum<TickAnswer>("answer"), fields.Text("note"))), actor, ct);
                    return screen + "#checklist";
                case "levels":
                    await theatre.ConfirmLevels(id, rev, Read(new LevelsCommand(fields.Text("levels"), fields.Text("image"))), actor, ct);
                    return screen + "#checklist";
                case "milestone":
                    await theatre.Milestone(id, rev, Read(new MilestoneCommand(fields.Enum<Milestone>("milestone"), fields.Text("at"))), actor, ct);
                    return screen + "#milestones";
                case "step":
                    await theatre.Step(id, rev, Read(new StepCommand(fields.Int("index"), On("done"), fields.Text("note"))), actor, ct);
                    return screen + "#steps";
                case "findings":
                    await theatre.Findings(id, rev, Read(new FindingsCommand(FindingsCommand.ParseFusionText(fields.Text("fusion")), On("loosening"), On("breakage"), On("infectionSigns"), On("duralTear"),
                        fields.Decimal("ebl"), fields.Text("findingsNote"))), actor, ct);
                    return screen + "#findings";
                case "prophylaxis":
                    await theatre.Prophylaxis(id, rev, Read(new ProphylaxisCommand(fields.Text("agent"), fields.Text("givenAt"), fields.Text("delayReason"), fields.Text("redoseAt"))), actor, ct);
                    return screen + "#findings";
                case "specimen":
                    await theatre.Specimen(id, rev, Read(new SpecimenCommand(fields.Enum<SpecimenKind>("kind"), fields.Text("description"))), actor, ct);
                    return screen + "#specimens";
                case "counts":
                    await theatre.Counts(id, rev, Read(new CountsCommand(fields.Bool("correct"), fields.Text("discrepancy"))), actor, ct);
                    return screen + "#counts";
                case "account":
                    await theatre.Account(id, rev, Read(new AccountCommand(fields.Id("lineId"),
                        fields.Enum<ExplantOutcome>("outcome"), fields.Enum<ComponentCondition>("condition"), fields.Text("detail"), On("retrievalAnalysis"), fields.Text("disposition"))), actor, ct);
                    return screen + "#reconciliation";
                case "unplanned":
                    await theatre.AddUnplanned(id, rev, Read(new UnplannedCommand(fields.Text("description"), fields.Text("level"), fields.Text("side"),
                        fields.Enum<ExplantOutcome>("outcome"), fields.Enum<ComponentCondition>("condition"), fields.Text("detail"), On("retrievalAnalysis"), fields.Text("disposition"))), actor, ct);
                    return screen + "#reconciliation";
                case "note-generate":
                    Read(0);
                    await theatre.GenerateNote(id, actor, ct);
                    return $"/cases/{id}/note";
                case "note-edit":
                    await theatre.EditNote(id, rev, Read(new NoteSectionCommand(fields.Text("key"), fields.Text("text"))), actor, ct);
                    return $"/cases/{id}/note";
                case "note-save":
                    // One form, one Save (issue #13 §5): every section's text area is posted as "section:{key}".
                    await theatre.EditNoteSections(id, rev, Read(new NoteSectionsCommand(f.Keys.Where(k => k.StartsWith("section:", StringComparison.Ordinal))
                        .ToDictionary(k => k["section:".Length..], k => (string?)f[k].ToString(), StringComparer.Ordinal))), actor, ct);
                    return $"/cases/{id}/note?saved=1";
                case "note-sign":
                    await theatre.SignNote(id, Read(rev), actor, ct);
                    return $"/cases/{id}/note";
                case "note-addendum":
                    await theatre.AddAddendum(id, rev, Read(new AddendumCommand(fields.Text("text"))), actor, ct);
                    return $"/cases/{id}/note";
                default:
                    throw new NotFoundException($"theatre action {action}");
            }
        });
    }
}
