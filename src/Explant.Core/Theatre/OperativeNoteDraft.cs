using System.Globalization;
using System.Text;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Explant.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Theatre;

/// <summary>
/// Builds the operative note's draft sections from the case, the booking's team and the intra-operative record
/// (issue #7 §3). Everything in the draft comes from a record; nothing is invented — a missing fact says so.
/// </summary>
public static class OperativeNoteDraft
{
    public static async Task<List<(string Key, string Title, string Text)>> Build(ExplantDbContext db, SurgicalCase c, IntraOpRecord r, TheatreOptions options,
        Coding.CodingOptions coding, HospitalTime time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(time);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
        var definition = await ProcedureQueries.Find(db, c.ProcedureCode, c.ProcedureVersion, ct);
        // The booking sits on the planned surgery's local date (the case may have been operated on another day).
        var bookedOn = c.PlannedSurgeryUtc is { } planned ? DateOnly.FromDateTime(time.ToLocal(planned)) : DateOnly.FromDateTime(time.ToLocal(r.At(Milestone.InRoom) ?? time.UtcNow));
        var days = await db.RoomDays.AsNoTracking().Where(d => d.Date == bookedOn).ToListAsync(ct);
        var booking = days.SelectMany(d => d.Bookings).FirstOrDefault(b => b.CaseId == c.Id);
        string Local(DateTime? utc) => utc is { } u ? time.ToLocal(u).ToString("HH:mm", CultureInfo.InvariantCulture) : "not recorded";

        var preDx = c.Indications.Count == 0 ? "none recorded"
            : string.Join("\n", c.Indications.Select(i => $"{IndicationCodes.Find(i.Key)?.Label ?? i.Key}: {i.IcdCode ?? "ICD-10-CM code to be assigned by the coder"}"));
        var postDx = new List<string> { preDx };
        if (r.Fusion.Any(f => f.Status == FusionStatus.Pseudarthrosis)) { postDx.Add("Pseudarthrosis found: consider M96.0 (S9)"); }
        if (r.Breakage) { postDx.Add("Broken hardware found: consider T84.216A (S9)"); }
        if (r.Loosening) { postDx.Add("Loose hardware found: consider T84.226A / T84.296A (S9 ⚠)"); }
        if (r.InfectionSigns && c.Indications.All(i => i.Key != "infection")) { postDx.Add("Signs of infection found: consider T84.63XA; cultures sent (S9)"); }

        var team = booking is null ? "booking not found" : string.Join("\n", new[] { $"Surgeon: {c.Surgeon}" }
            .Concat(booking.Team.Where(t => t.Role != TeamRoles.Anesthesiologist).Select(t => $"{TeamRoles.Label(t.Role)}: {t.Name}")));
        var anaesthetist = booking?.Team.FirstOrDefault(t => t.Role == TeamRoles.Anesthesiologist)?.Name ?? "not recorded";

        var findings = new StringBuilder();
        foreach (var f in r.Fusion) { findings.Append(CultureInfo.InvariantCulture, $"Fusion {f.Range}: {f.Status}\n"); }
        findings.Append(CultureInfo.InvariantCulture, $"Loosening: {Yn(r.Loosening)}. Breakage: {Yn(r.Breakage)}. Signs of infection: {Yn(r.InfectionSigns)}. Dural tear: {Yn(r.DuralTear)}.");
        if (r.FindingsNote is { } fn) { findings.Append('\n').Append(fn); }
        findings.Append(CultureInfo.InvariantCulture, $"\nLevels confirmed on the intra-operative image: {r.ConfirmedLevels ?? "not recorded"}{(r.LevelImage is { } img ? $" ({img})" : "")}.");

        var components = new StringBuilder();
        foreach (var l in r.Explants)
        {
            components.Append(CultureInfo.InvariantCulture,
                $"{l.Description}{(l.Planned ? "" : " (not planned, found)")}: {l.Outcome?.ToString() ?? "NOT ACCOUNTED"}{(l.Condition is { } cond ? $", {cond.ToString().ToLowerInvariant()}" : "")}{(l.Detail is { } d ? $" — {d}" : "")}{(l.RetrievalAnalysis ? "; retrieval analysis (ASTM F561)" : "")}{(l.Disposition is { } disp ? $"; {disp}" : "")}\n");
        }
        var steps = string.Join("\n", r.Steps.Select(s => $"{s.Index}. {s.Text}{(s.Done ? "" : " [not marked done]")}{(s.Note is { } n ? $" — {n}" : "")}"));
        var complications = new List<string>();
        if (r.DuralTear) { complications.Add("dural tear"); }
        if (r.CountsCorrect == false) { complications.Add($"count discrepancy: {r.CountDiscrepancy}"); }
        complications.AddRange(r.ProphylaxisFlags(options));
        var classification = construct.Classify();
        var removed = r.Explants.Where(l => l.Outcome is ExplantOutcome.Removed or ExplantOutcome.FragmentRetained && l.Level is not null).Select(l => LevelRange.Parse(l.Level!)).ToList();
        var removedAll = c.RemoveAll && r.Explants.All(l => l.Outcome == ExplantOutcome.Removed);
        var scope = removedAll ? "complete removal of the construct" : $"partial removal ({r.Explants.Count(l => l.Outcome == ExplantOutcome.Removed)} of {construct.Components.Count} components removed)";
        // Coding from what was actually removed (rules 1–13); new instrumentation is not part of this record, so the
        // coder is told to add it if placed (R2 then replaces the removal code).
        var suggestion = removed.Count == 0 ? null : Coding.CodingEngine.Suggest(new Coding.CodingRequest(construct.Approach, classification.Segmental ?? true,
            new LevelRange(removed.Min(x => x.From), removed.Max(x => x.To)), removedAll, false, null, [.. c.Indications.Select(i => i.Key)]), coding);
        var cpt = suggestion is null ? $"CPT {c.ProcedureCode} (nothing recorded as removed)"
            : string.Join(", ", suggestion.Cpt.Select(l => $"CPT {l.Code}{(l.Modifiers.Count > 0 ? "-" + string.Join("-", l.Modifiers) : "")}"));

        return
        [
            ("patient", "Patient", $"{patient.DisplayName}, MRN {patient.Mrn}, born {patient.BirthDate:yyyy-MM-dd}"),
            ("pre-op-diagnosis", "Pre-operative diagnosis", preDx),
            ("post-op-diagnosis", "Post-operative diagnosis", string.Join("\n", postDx)),
            ("procedure", "Procedure", $"{definition?.Name ?? "Removal of spinal instrumentation"} — {cpt}; {scope}; planned levels {r.PlannedLevels}; {classification.Reason} ({classification.Source})."),
            ("coding", "Coding suggestions for the coder", suggestion is null ? "none"
                : string.Join("\n", suggestion.Icd10.Select(i => $"{i.Code} {i.Title} ({i.Indication}, {i.Source})").Concat(suggestion.Warnings)
                    .Append($"Global period: {suggestion.GlobalPeriod ?? "look up"}; sources {string.Join(", ", suggestion.Sources)}. If new instrumentation was placed, code it and recheck R2."))),
            ("team", "Surgeon and assistants", team),
            ("anaesthesia", "Anaesthesia", $"Anaesthetist: {anaesthetist}. ASA {c.AsaClass ?? "not recorded"}."),
            ("indications", "Indications", string.Join("; ", c.Indications.Select(i => IndicationCodes.Find(i.Key)?.Label ?? i.Key))),
            ("findings", "Findings", findings.ToString()),
            ("description", "Description of the procedure", steps),
            ("components", "Components removed / retained", components.ToString().TrimEnd()),
            ("times", "Times", $"In room {Local(r.At(Milestone.InRoom))}, incision {Local(r.At(Milestone.Incision))}, closure end {Local(r.At(Milestone.ClosureEnd))}, out of room {Local(r.At(Milestone.OutOfRoom))}"),
            ("ebl", "Estimated blood loss", r.EstimatedBloodLossMl is { } ebl ? $"{ebl} mL" : "not recorded"),
            ("prophylaxis", "Antibiotic prophylaxis", r.Prophylaxis is { } p ? $"{p.Agent} {(p.GivenUtc is { } g ? $"at {Local(g)}" : $"delayed for cultures: {p.DelayedForCulturesReason}")}" : "not recorded"),
            ("specimens", "Specimens", r.Specimens.Count == 0 ? "none" : string.Join("\n", r.Specimens.Select(s => s.Label))),
            ("complications", "Complications", complications.Count == 0 ? "none recorded" : string.Join("\n", complications)),
            ("disposition", "Disposition", r.Closed ? "to recovery" : "in theatre"),
        ];
    }

    private static string Yn(bool value) => value ? "yes" : "no";
}
