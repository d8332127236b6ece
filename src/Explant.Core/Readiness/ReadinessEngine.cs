using System.Globalization;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;

namespace Explant.Core.Readiness;

public enum ItemStatus
{
    Met,
    Missing,
    Expired,
    NotApplicable,
}

/// <summary>
/// One readiness item, evaluated against the planned surgery date. <see cref="Date"/> is when it expired or will
/// expire (Met/Expired) or when it is due (Missing).
/// </summary>
public sealed record ReadinessItem(
    string RuleId, string Title, string Source, ItemStatus Status, bool Blocking, string Explanation, DateOnly? Date,
    IReadOnlyList<string> ClearedBy, ReadinessOverride? Override)
{
    public bool IsOpen => Blocking && Status is ItemStatus.Missing or ItemStatus.Expired && Override is null;
}

public sealed record ReadinessReport(Guid CaseId, DateTime? SurgeryUtc, DateOnly EvaluatedFor, bool Provisional,
    IReadOnlyList<ReadinessItem> Items, IReadOnlyList<HoldInstruction> Holds, IReadOnlyList<FastingLine> Fasting, IReadOnlyList<string> Warnings)
{
    public IReadOnlyList<ReadinessItem> OpenBlocking => [.. Items.Where(i => i.IsOpen)];

    /// <summary>The soonest date by which something open must be done (for the nurse's worklist).</summary>
    public DateOnly? SoonestDue => Items.Where(i => i.Status is ItemStatus.Missing or ItemStatus.Expired && i.Override is null)
        .Select(i => i.Date ?? EvaluatedFor).DefaultIfEmpty().Min() is var d && d == default ? null : d;
}

/// <summary>Everything the rules read, gathered by the caller (no database in here).</summary>
public sealed record ReadinessInput(SurgicalCase Case, Patient Patient, Construct Construct, IReadOnlyList<ImagingStudy> Imaging,
    ProcedureDocument Definition, ReadinessOptions Options, TimeZoneInfo Zone, DateOnly Today);

/// <summary>
/// The pre-operative rules of the readiness issue: each item has a rule id, a source id from the source list (docs/clinical-rules.md),
/// parameters from <see cref="ReadinessOptions"/>, and a status against the planned surgery date.
/// </summary>
public static class ReadinessEngine
{
    private static readonly string[] Clinicians = [Roles.Surgeon, Roles.Anesthesiologist];
    private static readonly string[] Nursing = [Roles.Nurse, Roles.Surgeon, Roles.Anesthesiologist];

    /// <summary>Issue #14 §2: a confirmed change of the surgery time blocks until a nurse records that the patient was told.</summary>
    public const string PatientInformedRule = "patient-informed";

    public static ReadinessReport Evaluate(ReadinessInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (c, patient, construct, imaging, definition, options, zone, today) = input;
        var surgeryLocal = c.PlannedSurgeryUtc is { } su ? TimeZoneInfo.ConvertTimeFromUtc(su, zone) : (DateTime?)null;
        var surgeryDate = surgeryLocal is { } sl ? DateOnly.FromDateTime(sl) : today;
        var items = new List<ReadinessItem>();
        var warnings = new List<string>();
        var holds = new List<HoldInstruction>();
        ReadinessOverride? Ov(string id) => c.ReadinessOverrides.FirstOrDefault(o => o.RuleId == id);
        void Add(string id, string title, string source, ItemStatus status, bool blocking, string why, DateOnly? date, string[] clearedBy) =>
            items.Add(new ReadinessItem(id, title, source, status, blocking, why, date, clearedBy, Ov(id)));

        Add("surgery-date", "Planned surgery date and time", "", surgeryLocal is null ? ItemStatus.Missing : ItemStatus.Met, true,
            surgeryLocal is { } when ? $"Surgery planned {when:dddd d MMMM yyyy, HH:mm} ({zone.Id})" : "No planned date: items below are evaluated against today (provisional)",
            null, [Roles.Surgeon, Roles.Scheduler]);

        if (c.InstructionVersions.Count > 0)
        {
            var latest = c.InstructionVersions.MaxBy(v => v.Version)!;
            var moved = $"Surgery moved to {TimeZoneInfo.ConvertTimeFromUtc(latest.SurgeryUtc, zone):dddd d MMMM yyyy, HH:mm}; instructions v{latest.Version} issued";
            // No override: only the nurse's record that the patient was told clears it.
            items.Add(new ReadinessItem(PatientInformedRule, "Patient told of the changed surgery time", "", latest.AwaitsPatient ? ItemStatus.Missing : ItemStatus.Met, latest.AwaitsPatient,
                latest.AwaitsPatient ? $"{moved}: a nurse tells the patient and records how (POST /api/cases/{c.Number}/patient-informed)"
                : $"{moved}; patient told by {latest.InformedHow ?? "—"} ({latest.InformedBy})", latest.AwaitsPatient ? today : null, [Roles.Nurse], null));
        }

        Add("consent", "Consent valid for the current plan", "", c.ConsentValid ? ItemStatus.Met : ItemStatus.Missing, true,
            c.ConsentValid ? $"Consent v{c.CurrentConsent!.Version} signed for plan revision {c.PlanRevision}" : "Generate and sign a consent for the current plan",
            null, [Roles.Surgeon]);

        // Fasting (rule 16): instructions, advisory.
        IReadOnlyList<FastingLine> fasting = [];
        if (surgeryLocal is { } local)
        {
            try
            {
                fasting = Fasting.Plan(local, zone, options, definition.Facts.FastingHours, patient.BirthDate);
                var solids = fasting.Where(f => f.Category is "fatty-meal" or "light-meal").MinBy(f => f.LastIntakeLocal)!;
                var clear = fasting.First(f => f.Category == "clear-liquids");
                Add("fasting", "Fasting instructions", "S27", ItemStatus.Met, false,
                    $"Last solid food {solids.LastIntakeLocal:dddd d MMMM, HH:mm}; clear liquids until {clear.LastIntakeLocal:dddd d MMMM, HH:mm}", null, Nursing);
            }
            catch (ArgumentException e)
            {
                Add("fasting", "Fasting instructions", "S27", ItemStatus.Missing, true, e.Message, surgeryDate, [Roles.Surgeon, Roles.Scheduler]);
            }
        }
        else
        {
            Add("fasting", "Fasting instructions", "S27", ItemStatus.Missing, false, "Set the surgery time to compute last eat and drink times", null, Nursing);
        }

        // Medications (rules 18–23).
        var crcl = ComputeCrCl(c, patient, surgeryDate);
        var classes = new HashSet<DrugClass>();
        foreach (var med in patient.Medications)
        {
            var id = "medication:" + med.Name.Trim().ToLowerInvariant();
            var info = DrugTable.Find(med.Name);
            if (info is null)
            {
                Add(id, $"Medication: {med.Name}", "", ItemStatus.Missing, true,
                    $"'{med.Name}' is not in the drug table: a clinician reviews it (never passed silently)", surgeryDate.AddDays(-options.MedicationReviewLeadDays), Clinicians);
                continue;
            }
            classes.Add(info.Class);
            HoldInstruction hold;
            try
            {
                hold = HoldRules.For(med.Name, surgeryDate, BleedRisk.High, crcl.Value, options);
            }
            catch (MissingInputException)
            {
                Add(id, $"Medication: {med.Name} ({DrugTable.ClassName(info.Class)})", "S33", ItemStatus.Missing, true,
                    $"The hold depends on creatinine clearance, which cannot be computed: {crcl.Why}", surgeryDate.AddDays(-options.MedicationReviewLeadDays), Nursing);
                continue;
            }
            holds.Add(hold);
            if (hold.NeedsReview)
            {
                Add(id, $"Medication: {med.Name} ({DrugTable.ClassName(info.Class)})", hold.Source, ItemStatus.Missing, true,
                    "Needs review: " + hold.Guidance, surgeryDate.AddDays(-options.MedicationReviewLeadDays), Clinicians);
                continue;
            }
            var last = hold.LastDoseDate is { } ld ? $"Last dose {ld:dddd d MMMM}. " : "";
            if (hold.LastDoseDate is { } lastDose && lastDose < today && surgeryLocal is not null)
            {
                // Issue #12 §7: once the last-dose day has passed, the hold is honoured only if the patient stopped in time.
                // Nobody confirmed a stop: the patient is still recorded as taking the drug, so the surgery date cannot stand.
                var title = $"Medication: {med.Name} ({DrugTable.ClassName(info.Class)})";
                // A stop confirmed for another surgery date (postponed, restarted since) says nothing about this one.
                if (med.StoppedOn is not { } stopped || med.StoppedForSurgeryOn != surgeryDate)
                {
                    Add(id, title, hold.Source, ItemStatus.Missing, true,
                        $"The last dose was due by {lastDose:dddd d MMMM} and nobody has confirmed that the patient stopped: the hold cannot be honoured for surgery on {surgeryDate:dddd d MMMM} unless they did. Record the day of the last dose taken, or move the surgery.",
                        lastDose, Nursing);
                }
                else if (stopped > lastDose)
                {
                    Add(id, title, hold.Source, ItemStatus.Expired, true,
                        $"Last dose taken {stopped:dddd d MMMM}, after the last permitted day {lastDose:dddd d MMMM}: the hold was not honoured for surgery on {surgeryDate:dddd d MMMM}. Move the surgery.",
                        lastDose, Clinicians);
                }
                else
                {
                    Add(id, title, hold.Source, ItemStatus.Met, false, $"Stopped: last dose taken {stopped:dddd d MMMM}. " + hold.Guidance, lastDose, Nursing);
                }
                continue;
            }
            Add(id, $"Medication: {med.Name} ({DrugTable.ClassName(info.Class)})", hold.Source, ItemStatus.Met, false, last + hold.Guidance, hold.LastDoseDate, Nursing);
        }

        // Imaging ([S26], [S23], rule 14).
        var xray = imaging.Where(s => s.Modality == Modality.XRay).MaxBy(s => s.StudyDate);
        Add("radiographs", "Radiographs of the construct", "S26", Window(xray?.StudyDate, surgeryDate, options.RadiographWindowDays, out var xd), true,
            WindowText("Radiographs", xray?.StudyDate, options.RadiographWindowDays, "local policy ⚠"), xd, [Roles.Surgeon]);
        var supportComplete = c.Indications.Any(i => i.Key == "support-complete");
        Add("ct-fusion", "CT evidence of solid fusion across the span", "S26",
            !supportComplete ? ItemStatus.NotApplicable : c.FusionEvidenceStudyId is not null || c.FusionOverride is not null ? ItemStatus.Met : ItemStatus.Missing, supportComplete,
            !supportComplete ? "Only when the indication is completion of the support period"
            : c.FusionOverride is { } fo ? $"Overridden by {fo.By}: {fo.Reason}" : c.FusionEvidenceStudyId is not null ? "CT linked on the case" : "Link a CT showing solid fusion across the span",
            null, [Roles.Surgeon]);
        if (c.MriOrderedUtc is { } ordered)
        {
            var orderedOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(ordered, zone));
            var mri = imaging.Where(s => s.Modality == Modality.MRI && s.StudyDate >= orderedOn).MaxBy(s => s.StudyDate);
            Add("mri", "MRI (ordered by the surgeon)", "S23", mri is null ? ItemStatus.Missing : ItemStatus.Met, true,
                mri is null ? $"Ordered {orderedOn:yyyy-MM-dd}; not done yet" : $"Done {mri.StudyDate:yyyy-MM-dd}", mri is null ? surgeryDate : null, [Roles.Surgeon]);
            if (construct.Components.Any(x => x.Material == Material.StainlessSteel))
            {
                // Rule 28 ([S43]): stainless steel gives far more artefact than titanium.
                warnings.Add("MRI ordered for a construct with stainless-steel parts: expect heavy artefact (S43).");
            }
        }
        else
        {
            Add("mri", "MRI (when the surgeon orders it)", "S23", ItemStatus.NotApplicable, false, "Not ordered", null, [Roles.Surgeon]);
        }

        // Labs (§3.4, local order sets ⚠).
        Lab(LabKind.Cbc, "cbc", "Full blood count", true, options.LabWindowDays);
        Lab(LabKind.Creatinine, "creatinine", "Creatinine", true, options.LabWindowDays);
        // Type and screen is drawn days before surgery, after the case is ready: advisory, due by the day before.
        var ts = c.Latest(LabKind.TypeAndScreen);
        var tsStatus = Window(ts?.TakenOn, surgeryDate, options.TypeAndScreenWindowDays, out var tsDate);
        Add("type-and-screen", "Type and screen", "", tsStatus, false, WindowText("Type and screen", ts?.TakenOn, options.TypeAndScreenWindowDays, "local blood-bank policy ⚠"),
            tsStatus == ItemStatus.Missing ? surgeryDate.AddDays(-1) : tsDate, Nursing);
        var anticoagulated = classes.Any(DrugTable.IsAnticoagulant);
        if (classes.Contains(DrugClass.VitaminKAntagonist) && holds.FirstOrDefault(h => h.Info.Class == DrugClass.VitaminKAntagonist) is { LastDoseDate: { } stop })
        {
            // Rule 20 ([S34]): INR checked after warfarin was stopped, before surgery.
            var inr = c.Results.Where(r => r.Kind == LabKind.PtInr && r.TakenOn > stop && r.TakenOn <= surgeryDate).MaxBy(r => r.TakenOn);
            var status = inr is null ? ItemStatus.Missing : ItemStatus.Met;
            var text = inr is null ? $"INR after warfarin is stopped (after {stop:yyyy-MM-dd}) and before surgery" : $"INR {inr.Value} on {inr.TakenOn:yyyy-MM-dd}";
            if (inr?.Value is { } value && options.InrThreshold is { } limit && value > limit)
            {
                status = ItemStatus.Missing;
                text += $" is above the local threshold {limit}";
            }
            Add("coagulation", "Coagulation (INR after stopping warfarin)", "S34", status, true, text, inr is null ? surgeryDate.AddDays(-1) : null, Nursing);
        }
        else
        {
            Lab(LabKind.PtInr, "coagulation", "Coagulation (PT/INR)", anticoagulated, options.LabWindowDays, anticoagulated ? null : "Only for patients on an anticoagulant");
        }
        var infection = c.Indications.Any(i => i.Key == "infection");
        // Markers recorded as results, or as the pathway's infection evidence (with their date).
        var markerDates = new[] { c.Latest(LabKind.Crp)?.TakenOn, c.Latest(LabKind.Esr)?.TakenOn,
            c.Infection.MarkersRecorded ? c.Infection.MarkersDate : null }.OfType<DateOnly>().ToList();
        DateOnly? markersOn = markerDates.Count == 0 ? null : markerDates.Max();
        var markerStatus = Window(markersOn, surgeryDate, options.LabWindowDays, out var md);
        Add("inflammatory-markers", "Inflammatory markers (CRP/ESR)", "S23",
            !infection ? ItemStatus.NotApplicable : markerStatus, infection,
            !infection ? "Only when infection is an indication" : WindowText("CRP/ESR", markersOn, options.LabWindowDays, "local policy ⚠"),
            infection ? md : null, Nursing);
        if (classes.Any(DrugTable.IsGlucoseLowering))
        {
            var a1c = c.Latest(LabKind.HbA1c);
            Add("hba1c", "HbA1c (diabetic patient)", "S38", Window(a1c?.TakenOn, surgeryDate, options.HbA1cWindowDays, out var ad), false,
                WindowText("HbA1c", a1c?.TakenOn, options.HbA1cWindowDays, "local policy ⚠") + (a1c?.Value is { } a1cValue && a1cValue >= options.HbA1cTarget ? $"; {a1cValue} % is above the ADA target of < {options.HbA1cTarget} % ⚠" : ""), ad, Nursing);
        }

        // Medical evaluation ([S39], [S40]).
        var hpStatus = Window(c.HistoryPhysicalOn, surgeryDate, options.HistoryPhysicalWindowDays, out var hpDate);
        Add("history-physical", "History and physical", "S39", hpStatus, true,
            WindowText("H&P", c.HistoryPhysicalOn, options.HistoryPhysicalWindowDays, "CMS hospital CoP; ASCs follow their own policy ⚠"), hpDate, Clinicians);
        var updateOk = c.HistoryPhysicalUpdatedUtc is { } upd && c.PlannedSurgeryUtc is { } plan
            && upd <= plan && plan - upd <= TimeSpan.FromHours(options.HistoryPhysicalUpdateHours);
        Add("history-physical-update", "H&P update within 24 h before surgery", "S39", updateOk ? ItemStatus.Met : ItemStatus.Missing, false,
            updateOk ? "Updated" : $"Document the update within {options.HistoryPhysicalUpdateHours} h before surgery (on admission)", updateOk ? null : surgeryDate, Clinicians);
        Add("asa", "ASA physical status (anaesthesiologist)", "S40", c.AsaClass is null ? ItemStatus.Missing : ItemStatus.Met, true,
            c.AsaClass is { } asa ? $"ASA {asa} by {c.AsaRecordedBy}" : "To be recorded by an anaesthesiologist", c.AsaClass is null ? surgeryDate.AddDays(-1) : null, [Roles.Anesthesiologist]);
        var age = patient.AgeOn(surgeryDate);
        if (patient.Sex == Sex.Female && age >= options.PregnancyTestMinAge && age <= options.PregnancyTestMaxAge)
        {
            var test = c.Latest(LabKind.PregnancyTest);
            Add("pregnancy-test", "Pregnancy test offered (fluoroscopy)", "S41", Window(test?.TakenOn, surgeryDate, options.PregnancyTestWindowDays, out var pd), false,
                "Offer when the result would change management; fluoroscopy is a reason (local policy ⚠)", pd, Nursing);
        }

        return new ReadinessReport(c.Id, c.PlannedSurgeryUtc, surgeryDate, surgeryLocal is null, items, holds, fasting, warnings);

        void Lab(LabKind kind, string id, string title, bool applies, int window, string? notApplicable = null)
        {
            if (!applies)
            {
                Add(id, title, "", ItemStatus.NotApplicable, false, notApplicable ?? "Not needed", null, Nursing);
                return;
            }
            var r = c.Latest(kind);
            Add(id, title, "", Window(r?.TakenOn, surgeryDate, window, out var d), true, WindowText(title, r?.TakenOn, window, "local order set ⚠"), d, Nursing);
        }
    }

    /// <summary>
    /// Met when taken on or before surgery and no more than <paramref name="windowDays"/> before it; Expired (on
    /// taken + window) when older; Missing when absent or dated after surgery.
    /// </summary>
    public static ItemStatus Window(DateOnly? taken, DateOnly surgery, int windowDays, out DateOnly? date)
    {
        date = null;
        if (taken is not { } t || t > surgery)
        {
            date = surgery;
            return ItemStatus.Missing;
        }
        date = t.AddDays(windowDays);
        return surgery.DayNumber - t.DayNumber <= windowDays ? ItemStatus.Met : ItemStatus.Expired;
    }

    private static string WindowText(string what, DateOnly? taken, int windowDays, string basis) =>
        taken is { } t
            ? $"{what} of {t:yyyy-MM-dd}; valid {windowDays} days, until {t.AddDays(windowDays):yyyy-MM-dd} ({basis})"
            : $"{what} needed within {windowDays} days before surgery ({basis})";

    private readonly record struct CrClResult(decimal? Value, string Why);

    private static CrClResult ComputeCrCl(SurgicalCase c, Patient p, DateOnly on)
    {
        var creatinine = c.Latest(LabKind.Creatinine);
        if (creatinine?.Value is not { } value)
        {
            return new(null, "no creatinine result recorded");
        }
        if (p.WeightKg is not { } kg)
        {
            return new(null, "the patient's weight is not recorded");
        }
        if (p.Sex is not (Sex.Female or Sex.Male))
        {
            return new(null, "Cockcroft–Gault needs sex recorded as female or male");
        }
        var mgdl = creatinine.Unit is "mg/dL" ? value : value / CreatinineClearance.MicromolPerMgDl;
        if (mgdl <= 0)
        {
            return new(null, "the creatinine result is not a positive value");
        }
        // Unrounded: rounding 49.97 to 50.0 would give the shorter dabigatran hold (S33) on the bleeding side.
        return new(CreatinineClearance.CockcroftGault(p.AgeOn(on), kg, p.Sex == Sex.Female, mgdl),
            string.Create(CultureInfo.InvariantCulture, $"Cockcroft–Gault from creatinine {value} {creatinine.Unit}"));
    }
}
