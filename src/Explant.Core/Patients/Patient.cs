using Explant.Core.Data;
using Explant.Core.Validation;

namespace Explant.Core.Patients;

public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}

/// <summary>A current medication as the patient or referrer wrote it; classification comes with readiness.</summary>
public sealed class Medication
{
    public string Name { get; set; } = "";
    public string? Dose { get; set; }

    /// <summary>
    /// The day of the last dose the patient took before surgery, once someone has confirmed it (a pre-op call, check-in).
    /// Null means the patient is still taking it: a hold whose last-dose day has passed then cannot be honoured (issue #12 §7).
    /// </summary>
    public DateOnly? StoppedOn { get; set; }

    /// <summary>
    /// The surgery date the stop was confirmed for. A stop confirmed for another date (a postponed operation, after
    /// which the patient restarted) does not count for this one.
    /// </summary>
    public DateOnly? StoppedForSurgeryOn { get; set; }
}

/// <summary>
/// A patient of one facility. The MRN is unique per facility; age is derived from the date of birth on the day
/// asked (never stored, so it is never stale).
/// </summary>
public sealed class Patient : IVersioned
{
    private Patient() { }

    public Guid Id { get; private set; }
    public string Facility { get; private set; } = "";
    public string Mrn { get; private set; } = "";
    public string FamilyName { get; private set; } = "";
    public string GivenName { get; private set; } = "";
    public DateOnly BirthDate { get; private set; }
    public Sex Sex { get; private set; }
    public decimal? WeightKg { get; private set; }
    public decimal? HeightCm { get; private set; }
    public List<string> Allergies { get; private set; } = [];
    public List<Medication> Medications { get; private set; } = [];
    public long Revision { get; set; }

    public string DisplayName => FormatName(FamilyName, GivenName);

    /// <summary>"FAMILY, Given": for lists that project the two names instead of loading the patient.</summary>
    public static string FormatName(string familyName, string givenName) => $"{familyName?.ToUpperInvariant()}, {givenName}";

    public sealed record Details(string Facility, string Mrn, string FamilyName, string GivenName, DateOnly BirthDate, Sex Sex,
        decimal? WeightKg, decimal? HeightCm, IReadOnlyList<string>? Allergies, IReadOnlyList<Medication>? Medications);

    public static Patient Register(Details d, DateOnly today)
    {
        var p = new Patient { Id = Guid.CreateVersion7() };
        p.Apply(d, today);
        return p;
    }

    public void Update(Details d, DateOnly today) => Apply(d, today);

    /// <summary>Longest stored text per field; the same as the column sizes of PatientConfiguration.</summary>
    public const int FacilityMax = 64;
    public const int MrnMax = 32;
    public const int NameMax = 128;
    public const int ListItemMax = InputLimits.ShortText;

    /// <summary>At most this many allergies or medications per patient (a typo guard, far above any real list).</summary>
    public const int MaxListItems = 100;

    /// <summary>Birth dates before this are refused as typos (a data-entry limit, not a clinical fact).</summary>
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    private void Apply(Details d, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(d);
        // The aggregate guards its invariants itself, so no caller (command, demo, CLI) can store what the API refuses.
        var check = new Check();
        var clean = Validate(d, today, check);
        check.ThrowIfAny();
        Facility = clean.Facility;
        Mrn = clean.Mrn;
        FamilyName = clean.FamilyName;
        GivenName = clean.GivenName;
        BirthDate = clean.BirthDate;
        Sex = clean.Sex;
        WeightKg = clean.WeightKg;
        HeightCm = clean.HeightCm;
        Allergies = [.. clean.Allergies ?? []];
        Medications = [.. clean.Medications ?? []];
    }

    /// <summary>
    /// Adds every bad field of <paramref name="d"/> to <paramref name="check"/> (field names are the JSON property
    /// names) and returns the details trimmed, with blank allergies dropped.
    /// </summary>
    public static Details Validate(Details d, DateOnly today, Check check)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(check);
        var facility = check.Text("facility", d.Facility, FacilityMax, required: true) ?? "";
        var mrn = check.Text("mrn", d.Mrn, MrnMax, required: true) ?? "";
        var family = check.Text("familyName", d.FamilyName, NameMax, required: true) ?? "";
        var given = check.Text("givenName", d.GivenName, NameMax, required: true) ?? "";
        check.Date("birthDate", d.BirthDate, notBefore: (EarliestBirthDate, "the earliest accepted date of birth"), notAfter: (today, "today"));
        if (!Enum.IsDefined(d.Sex))
        {
            check.Add("sex", EnumText.Choices<Sex>());
        }
        check.Range("weightKg", d.WeightKg, Plausible.WeightKg);
        check.Range("heightCm", d.HeightCm, Plausible.HeightCm);

        var allergies = new List<string>();
        if (d.Allergies is { Count: > MaxListItems })
        {
            check.Add("allergies", $"at most {MaxListItems} entries (got {d.Allergies.Count})");
        }
        else
        {
            for (var i = 0; i < (d.Allergies?.Count ?? 0); i++)
            {
                if (check.Text($"allergies[{i}]", d.Allergies![i], ListItemMax) is { } a)
                {
                    allergies.Add(a);
                }
            }
        }

        var medications = new List<Medication>();
        if (d.Medications is { Count: > MaxListItems })
        {
            check.Add("medications", $"at most {MaxListItems} entries (got {d.Medications.Count})");
        }
        else
        {
            for (var i = 0; i < (d.Medications?.Count ?? 0); i++)
            {
                var m = d.Medications![i];
                var name = check.Text($"medications[{i}].name", m?.Name, ListItemMax, required: true);
                var dose = check.Text($"medications[{i}].dose", m?.Dose, ListItemMax);
                // The confirmed last dose (issue #12 §7) is a past day of this patient's life.
                var stopped = check.Date($"medications[{i}].stoppedOn", m?.StoppedOn, notBefore: (d.BirthDate, "birth"), notAfter: (today, "today"));
                if (stopped is not null && m?.StoppedForSurgeryOn is null)
                {
                    check.Add($"medications[{i}].stoppedForSurgeryOn", "required with stoppedOn: the surgery date the stop was confirmed for");
                }
                if (name is not null)
                {
                    medications.Add(new Medication { Name = name, Dose = dose, StoppedOn = stopped, StoppedForSurgeryOn = stopped is null ? null : m?.StoppedForSurgeryOn });
                }
            }
        }
        return new Details(facility, mrn, family, given, d.BirthDate, d.Sex, d.WeightKg, d.HeightCm, allergies, medications);
    }

    /// <summary>
    /// The patient confirms they took the last dose of <paramref name="drug"/> on <paramref name="lastDose"/> (check-in's
    /// "medication holds confirmed" against their instructions). A stop already recorded is never overwritten.
    /// </summary>
    public bool ConfirmStopped(string drug, DateOnly lastDose, DateOnly surgeryOn)
    {
        var med = Medications.FirstOrDefault(m => string.Equals(m.Name, drug, StringComparison.OrdinalIgnoreCase));
        if (med is null || (med.StoppedOn is not null && med.StoppedForSurgeryOn == surgeryOn))
        {
            return false;
        }
        med.StoppedOn = lastDose;
        med.StoppedForSurgeryOn = surgeryOn;
        return true;
    }

    /// <summary>Records (or corrects) the day of the last dose of <paramref name="drug"/> taken before surgery on <paramref name="surgeryOn"/>; false when the drug is not on the list.</summary>
    public bool RecordStop(string drug, DateOnly stoppedOn, DateOnly surgeryOn)
    {
        var med = Medications.FirstOrDefault(m => string.Equals(m.Name, drug.Trim(), StringComparison.OrdinalIgnoreCase));
        if (med is null)
        {
            return false;
        }
        med.StoppedOn = stoppedOn;
        med.StoppedForSurgeryOn = surgeryOn;
        return true;
    }

    public int AgeOn(DateOnly day)
    {
        var age = day.Year - BirthDate.Year;
        if (day < BirthDate.AddYears(age))
        {
            age--;
        }
        return age;
    }
}
