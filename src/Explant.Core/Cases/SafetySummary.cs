using Explant.Core.Data;
using Explant.Core.Patients;
using Explant.Core.Readiness;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Cases;

/// <summary>
/// What everyone touching a patient must see first (issue #13 §3): who (name, MRN, age, sex), allergies, an infection
/// indication with the case's culture plan (which carries the prophylaxis instruction, e.g. "hold prophylaxis until
/// cultures", S46), and each anticoagulant with whether its stop for this surgery has been confirmed. Built from data
/// already loaded; lists load their patients in one query (<see cref="ForCases"/>), never one query per row.
/// </summary>
public sealed record SafetySummary(
    int CaseNumber, Guid PatientId, string Name, string Mrn, int Age, string Sex,
    IReadOnlyList<string> Allergies, string? Infection, IReadOnlyList<SafetySummary.AnticoagulantPart> Anticoagulants)
{
    /// <summary>One anticoagulant on the medication list; <see cref="Held"/> when the last dose before this surgery date is confirmed.</summary>
    public sealed record AnticoagulantPart(string Drug, bool Held, DateOnly? LastDose)
    {
        public string Status => Held ? $"held, last dose {LastDose:ddd d MMM}" : "stop not confirmed for this surgery";
    }

    public bool HasAllergy => Allergies.Count > 0;
    public bool HasInfection => Infection is not null;
    public bool HasAnticoagulant => Anticoagulants.Count > 0;

    /// <param name="surgeryDate">The planned surgery's local date (a stop confirmed for another date does not count, issue #12 §7).</param>
    public static SafetySummary From(SurgicalCase c, Patient p, DateOnly today, DateOnly? surgeryDate)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(p);
        string? infection = null;
        if (c.Indications.FirstOrDefault(i => i.Key == "infection") is { } ind)
        {
            // [S23][S24]: the culture plan is where the surgeon writes how cultures and prophylaxis go together.
            var parts = new List<string> { "infection" };
            if (!string.IsNullOrWhiteSpace(ind.Note)) { parts.Add(ind.Note!); }
            if (!string.IsNullOrWhiteSpace(c.Infection.CulturePlan)) { parts.Add("cultures: " + c.Infection.CulturePlan); }
            infection = string.Join(" — ", parts);
        }
        var anticoagulants = p.Medications
            .Where(m => DrugTable.Find(m.Name) is { } info && DrugTable.IsAnticoagulant(info.Class))
            .Select(m =>
            {
                var held = m.StoppedOn is not null && surgeryDate is not null && m.StoppedForSurgeryOn == surgeryDate;
                return new AnticoagulantPart(m.Name, held, held ? m.StoppedOn : null);
            })
            .ToList();
        return new SafetySummary(c.Number, p.Id, p.DisplayName, p.Mrn, p.AgeOn(today), p.Sex.ToString(), p.Allergies, infection, anticoagulants);
    }

    /// <summary>
    /// The patient page's banner (issue #13 §3) from the patient and their cases, already loaded: infection from every case
    /// still open, anticoagulant holds against the next planned surgery (the case the hold is for); no open case, no hold.
    /// </summary>
    public static SafetySummary ForPatient(Patient p, IEnumerable<SurgicalCase> cases, DateOnly today, Func<DateTime, DateOnly> localDate)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(localDate);
        var open = cases.Where(c => c.State is not (CaseState.Closed or CaseState.Cancelled or CaseState.Declined)).OrderBy(c => c.Number).ToList();
        var summaries = open.Select(c => From(c, p, today, c.PlannedSurgeryUtc is { } u ? localDate(u) : null)).ToList();
        var next = open.Where(c => c.PlannedSurgeryUtc is not null).OrderBy(c => c.PlannedSurgeryUtc).FirstOrDefault() ?? open.LastOrDefault();
        var main = next is null ? WithoutCase(p, today) : summaries[open.IndexOf(next)];
        var infections = summaries.Where(s => s.Infection is not null).Select(s => summaries.Count > 1 ? $"case {s.CaseNumber}: {s.Infection}" : s.Infection!).ToList();
        return main with { Infection = infections.Count == 0 ? null : string.Join(" · ", infections) };
    }

    private static SafetySummary WithoutCase(Patient p, DateOnly today)
    {
        var anticoagulants = p.Medications.Where(m => DrugTable.Find(m.Name) is { } info && DrugTable.IsAnticoagulant(info.Class))
            .Select(m => new AnticoagulantPart(m.Name, false, null)).ToList();
        return new SafetySummary(0, p.Id, p.DisplayName, p.Mrn, p.AgeOn(today), p.Sex.ToString(), p.Allergies, null, anticoagulants);
    }

    /// <summary>The summaries of <paramref name="cases"/> by case id, loading their patients in one query.</summary>
    public static async Task<Dictionary<Guid, SafetySummary>> ForCases(ExplantDbContext db, IReadOnlyCollection<SurgicalCase> cases, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(time);
        var ids = cases.Select(c => c.PatientId).Distinct().ToList();
        var patients = await db.Patients.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return cases.Where(c => patients.ContainsKey(c.PatientId))
            .ToDictionary(c => c.Id, c => From(c, patients[c.PatientId], time.Today, c.PlannedSurgeryUtc is { } u ? time.LocalDate(u) : null));
    }

    /// <summary>The summaries of the cases numbered <paramref name="numbers"/> by case number (two queries: the cases, their patients).</summary>
    public static async Task<Dictionary<int, SafetySummary>> ForCaseNumbers(ExplantDbContext db, IEnumerable<int> numbers, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var wanted = numbers.Distinct().ToList();
        var cases = await db.Cases.AsNoTracking().Where(c => wanted.Contains(c.Number)).ToListAsync(ct);
        return (await ForCases(db, cases, time, ct)).Values.ToDictionary(s => s.CaseNumber);
    }

    /// <summary>The summary of one case (one query for its patient).</summary>
    public static async Task<SafetySummary?> ForCase(ExplantDbContext db, SurgicalCase c, HospitalTime time, CancellationToken ct = default) =>
        (await ForCases(db, [c], time, ct)).GetValueOrDefault(c.Id);
}
