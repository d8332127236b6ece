using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Readiness;

/// <summary>
/// Everything <see cref="ReadinessEngine.Evaluate"/> reads, gathered around a case from <see cref="CaseBuilder"/>:
/// a patient, imaging, the seed definition, options, a zone and "today". Recording methods use a far-future
/// "today" so that their own "not in the future" validation never gets in the way of boundary dates.
/// </summary>
internal sealed class ReadinessRig
{
    /// <summary>A Wednesday with no clock change near it in America/Chicago.</summary>
    public static readonly DateOnly SurgeryDate = new(2026, 4, 15);

    public static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    /// <summary>The "today" given to recording methods (their own future-date validation is not under test here).</summary>
    public static readonly DateOnly Later = new(2100, 1, 1);

    private static readonly Lazy<ProcedureDocument> SeedDocument = new(() =>
        ProcedureParser.Parse(TestFiles.Seed).Document ?? throw new InvalidOperationException("the seed no longer parses"));

    public static ProcedureDocument Seed => SeedDocument.Value;

    public ReadinessRig(CaseBuilder? builder = null)
    {
        Builder = builder ?? CaseBuilder.ACase();
        Case = Builder.Build();
        Patient = NewPatient();
    }

    public CaseBuilder Builder { get; }
    public SurgicalCase Case { get; }
    public Patient Patient { get; set; }
    public List<ImagingStudy> Imaging { get; } = [];
    public ReadinessOptions Options { get; } = new();
    public TimeZoneInfo Zone { get; set; } = Chicago;
    public DateOnly Today { get; set; } = SurgeryDate.AddDays(-7);

    /// <summary>A patient who is <paramref name="ageOnSurgery"/> years old on <see cref="SurgeryDate"/>.</summary>
    public static Patient NewPatient(Sex sex = Sex.Male, int ageOnSurgery = 65, decimal? weightKg = 80m, params string[] medications) =>
        Patient.Register(new Patient.Details("St Elsewhere", "MRN-0001", "Doe", "Sam", SurgeryDate.AddYears(-ageOnSurgery).AddDays(-10), sex, weightKg, 175m,
            [], [.. medications.Select(m => new Medication { Name = m })]), SurgeryDate);

    public ReadinessRig WithPatient(Sex sex = Sex.Male, int ageOnSurgery = 65, decimal? weightKg = 80m, params string[] medications)
    {
        Patient = NewPatient(sex, ageOnSurgery, weightKg, medications);
        return this;
    }

    public ReadinessRig WithMedications(params string[] medications) => WithPatient(Sex.Male, 65, 80m, medications);

    /// <summary>Plans surgery at a local wall-clock time in <see cref="Zone"/>.</summary>
    public ReadinessRig PlanSurgery(DateOnly date, int hour = 7, int minute = 30)
    {
        // Planned a month ahead of the surgery: the rig judges readiness on any date, and planning is never in the past or years ahead.
        var surgery = Fasting.ToUtc(date.ToDateTime(new TimeOnly(hour, minute)), Zone);
        Case.SetPlannedSurgery(surgery, Actors.Surgeon, surgery.AddDays(-30));
        return this;
    }

    public ReadinessRig Study(Modality modality, DateOnly on, params ImagingStudy.FusionInput[] fusion)
    {
        Imaging.Add(ImagingStudy.Record(Builder.PatientId, on, modality, fusion, [], null, "test", Later));
        return this;
    }

    public ReadinessRig XRay(DateOnly on) => Study(Modality.XRay, on);

    public ReadinessRig Result(LabKind kind, DateOnly on, decimal? value = null, string? unit = null)
    {
        Case.RecordResult(kind, value, unit, on, Actors.Nurse, Later);
        return this;
    }

    public ReadinessRig Creatinine(DateOnly on, decimal mgDl) => Result(LabKind.Creatinine, on, mgDl, "mg/dL");

    public ReadinessRig HistoryPhysical(DateOnly on)
    {
        Case.RecordHistoryPhysical(on, Actors.Surgeon, Later);
        return this;
    }

    public ReadinessRig Asa(string asaClass = "II")
    {
        Case.RecordAsa(asaClass, Actors.Anesthesiologist);
        return this;
    }

    /// <summary>Satisfies every blocking item the default case has (surgery date, imaging, labs, H&amp;P, ASA) for <see cref="SurgeryDate"/>.</summary>
    public ReadinessRig SatisfyDefaults()
    {
        PlanSurgery(SurgeryDate);
        XRay(SurgeryDate.AddDays(-20));
        Result(LabKind.Cbc, SurgeryDate.AddDays(-10));
        Creatinine(SurgeryDate.AddDays(-10), 1.0m);
        HistoryPhysical(SurgeryDate.AddDays(-10));
        Asa("II");
        return this;
    }

    public ReadinessReport Evaluate() =>
        ReadinessEngine.Evaluate(new ReadinessInput(Case, Patient, Builder.Construct!, Imaging, Seed, Options, Zone, Today));

    public ReadinessItem Item(string ruleId) => Item(Evaluate(), ruleId);

    public static ReadinessItem Item(ReadinessReport report, string ruleId) => report.Items.Single(i => i.RuleId == ruleId);
}
