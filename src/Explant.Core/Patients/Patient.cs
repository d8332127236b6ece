using Explant.Core.Data;

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

    public string DisplayName => $"{FamilyName.ToUpperInvariant()}, {GivenName}";

    public sealed record Details(string Facility, string Mrn, string FamilyName, string GivenName, DateOnly BirthDate, Sex Sex,
        decimal? WeightKg, decimal? HeightCm, IReadOnlyList<string>? Allergies, IReadOnlyList<Medication>? Medications);

    public static Patient Register(Details d, DateOnly today)
    {
        var p = new Patient { Id = Guid.CreateVersion7() };
        p.Apply(d, today);
        return p;
    }

    public void Update(Details d, DateOnly today) => Apply(d, today);

    private void Apply(Details d, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(d);
        var errors = Validate(d, today);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        Facility = d.Facility.Trim();
        Mrn = d.Mrn.Trim();
        FamilyName = d.FamilyName.Trim();
        GivenName = d.GivenName.Trim();
        BirthDate = d.BirthDate;
        Sex = d.Sex;
        WeightKg = d.WeightKg;
        HeightCm = d.HeightCm;
        Allergies = [.. (d.Allergies ?? []).Select(a => a.Trim()).Where(a => a.Length > 0)];
        Medications = [.. (d.Medications ?? []).Select(m => new Medication { Name = m.Name.Trim(), Dose = string.IsNullOrWhiteSpace(m.Dose) ? null : m.Dose.Trim(), StoppedOn = m.StoppedOn })];
    }

    public static Dictionary<string, string[]> Validate(Details d, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(d);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(d.Facility)) { errors["facility"] = ["required"]; }
        if (string.IsNullOrWhiteSpace(d.Mrn)) { errors["mrn"] = ["required"]; }
        else if (d.Mrn.Trim().Length > 32) { errors["mrn"] = ["at most 32 characters"]; }
        if (string.IsNullOrWhiteSpace(d.FamilyName)) { errors["familyName"] = ["required"]; }
        if (string.IsNullOrWhiteSpace(d.GivenName)) { errors["givenName"] = ["required"]; }
        if (d.BirthDate > today) { errors["birthDate"] = ["cannot be in the future"]; }
        if (d.BirthDate < today.AddYears(-130)) { errors["birthDate"] = ["more than 130 years ago"]; }
        if (d.WeightKg is { } w && (w <= 0 || w > 500)) { errors["weightKg"] = ["must be between 0 and 500 kg"]; }
        if (d.HeightCm is { } h && (h <= 0 || h > 260)) { errors["heightCm"] = ["must be between 0 and 260 cm"]; }
        var meds = d.Medications ?? [];
        for (var i = 0; i < meds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(meds[i].Name))
            {
                errors[$"medications[{i}].name"] = ["required"];
            }
        }
        return errors;
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
