using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Documents;
using Explant.Core.Implants;
using Explant.Core.Readiness;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Scheduling;

public sealed record DailyListEntry(
    string Start, string End, int CaseNumber, string Patient, string Mrn, int Age, string Sex, string Procedure,
    string Levels, IReadOnlyList<string> ComponentsToRemove, string Hardware, bool Infection, string Positioning,
    string Surgeon, IReadOnlyList<string> Equipment, IReadOnlyList<string> Allergies, int OpenReadinessItems, string? OverrideReason,
    string Team, IReadOnlyList<string> TeamGaps);

public sealed record DailyListRoom(string RoomId, string RoomName, string? Hours, IReadOnlyList<DailyListEntry> Entries);

/// <summary>
/// The printable operating list of one day: per room, in order, what the theatre team needs on the shelf and on
/// the board — patient, levels, the exact components to remove with their manufacturer and system, infection,
/// positioning, allergies and readiness. One model for the page and the PDF.
/// </summary>
public sealed record DailyList(DateOnly Date, IReadOnlyList<DailyListRoom> Rooms)
{
    // Equipment (docs/clinical-rules.md §6, [S49]): C-arm and radiolucent table; the original system's set or a universal extraction set.
    private static readonly string[] BaseEquipment = ["C-arm (level image, S45)", "radiolucent table", "original system's instrument set or universal extraction set (S49)"];

    public static async Task<DailyList> Load(ExplantDbContext db, ReadinessService readiness, DateOnly date, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(readiness);
        var rooms = await db.OperatingRooms.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        var days = await db.RoomDays.AsNoTracking().Where(r => r.Date == date).ToListAsync(ct);
        // Every booked case with its patient, construct, definition and readiness in one query each, whatever the number of
        // bookings (issue #17 §3; pinned by QueryCountTests).
        var caseIds = days.SelectMany(d => d.Bookings).Select(b => b.CaseId).Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(x => caseIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var patientIds = cases.Values.Select(c => c.PatientId).Distinct().ToList();
        var constructIds = cases.Values.Select(c => c.ConstructId).Distinct().ToList();
        var patients = await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var constructs = await db.Constructs.AsNoTracking().Where(x => constructIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var definitions = await Procedures.ProcedureQueries.FindMany(db, cases.Values.Select(c => (c.ProcedureCode, c.ProcedureVersion)), ct);
        var reports = await readiness.EvaluateMany(cases.Values, patients, constructs, ct);
        var result = new List<DailyListRoom>();
        foreach (var room in rooms)
        {
            var open = room.OpenOn(date);
            var entries = new List<DailyListEntry>();
            foreach (var b in days.FirstOrDefault(d => d.RoomId == room.Id)?.Bookings.OrderBy(b => b.Start) ?? Enumerable.Empty<Booking>())
            {
                var c = cases[b.CaseId];
                var patient = patients[c.PatientId];
                var construct = constructs[c.ConstructId];
                var planned = construct.Components.Where(x => c.PlannedComponentIds.Contains(x.Id)).ToList();
                var definition = definitions.GetValueOrDefault((c.ProcedureCode, c.ProcedureVersion));
                var report = reports[c.Id];
                var spans = planned.Select(x => x.Span).OfType<LevelRange>().ToList();
                var levels = spans.Count == 0 ? "" : new LevelRange(spans.Min(s => s.From), spans.Max(s => s.To)).ToString();
                var sides = string.Join("/", planned.Select(x => x.Side).OfType<Side>().Distinct().Order().Select(s => s.ToString().ToLowerInvariant()));
                var infection = c.Indications.Any(i => i.Key == "infection");
                var equipment = BaseEquipment.ToList();
                if (infection)
                {
                    equipment.Add("sterile explant containers for sonication (S25)");
                }
                entries.Add(new DailyListEntry(
                    b.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), b.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                    c.Number, patient.DisplayName, patient.Mrn, patient.AgeOn(date), patient.Sex.ToString(),
                    $"CPT {c.ProcedureCode} {definition?.Name}", $"{levels} {sides}".Trim(),
                    [.. planned.Select(x => x.Describe() + (x.Udi is null ? "" : $" · UDI {x.Udi}"))],
                    string.Join(" ", new[] { construct.Manufacturer, construct.SystemName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } hw ? hw : "manufacturer unknown",
                    infection,
                    // Posterior removal is done prone (docs/clinical-rules.md §6, [S47]: eyes free, head neutral at or above the heart).
                    construct.Approach == Approach.Posterior ? "prone (S47: no pressure on the eyes, head neutral, at or above heart level)" : "per anterior approach",
                    c.Surgeon, equipment, patient.Allergies, report.OpenBlocking.Count, b.OverrideReason,
                    string.Join(", ", b.Team.Select(t => $"{TeamRoles.Label(t.Role)} {t.Name}")), [.. b.TeamGaps.Select(TeamRoles.Label)]));
            }
            result.Add(new DailyListRoom(room.Id, room.Name, open is { } o ? $"{o.Opens:HH:mm}–{o.Closes:HH:mm}" : null, entries));
        }
        return new DailyList(date, result);
    }

    public byte[] ToPdf(string hospital)
    {
        using var pdf = new FlowPdf($"Operating list {Date:yyyy-MM-dd}", $"{hospital} — operating list {Date:yyyy-MM-dd}");
        pdf.Title($"Operating list — {Date:dddd d MMMM yyyy}");
        foreach (var room in Rooms)
        {
            pdf.Heading($"{room.RoomName} ({room.Hours ?? "closed"})");
            if (room.Entries.Count == 0)
            {
                pdf.Paragraph("No cases.");
            }
            foreach (var e in room.Entries)
            {
                pdf.Paragraph($"{e.Start}–{e.End}  Case {e.CaseNumber}: {e.Patient}, MRN {e.Mrn}, {e.Age} y, {e.Sex}{(e.Infection ? "  — INFECTION" : "")}");
                pdf.Bullet($"{e.Procedure}; levels {e.Levels}; hardware {e.Hardware}; {e.Positioning}");
                pdf.Bullet("Remove: " + string.Join("; ", e.ComponentsToRemove));
                pdf.Bullet($"Team: surgeon {e.Surgeon}{(e.Team.Length > 0 ? "; " + e.Team : "")}{(e.TeamGaps.Count > 0 ? "; NOT YET ASSIGNED: " + string.Join(", ", e.TeamGaps) : "")}");
                pdf.Bullet($"Allergies: {(e.Allergies.Count == 0 ? "none recorded" : string.Join(", ", e.Allergies))}; readiness: {(e.OpenReadinessItems == 0 ? "complete" : $"{e.OpenReadinessItems} open item(s)")}");
                pdf.Bullet("Equipment: " + string.Join("; ", e.Equipment));
            }
        }
        return pdf.ToBytes();
    }
}
