using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Validation;

namespace Explant.Core.Patients;

/// <summary>One current medication as entered: "apixaban" "5 mg bd".</summary>
/// <summary>A medication; <see cref="StoppedOn"/> is the confirmed day of the last dose taken before surgery, when known.</summary>
public sealed record MedicationInput(string? Name, string? Dose, DateOnly? StoppedOn = null, DateOnly? StoppedForSurgeryOn = null);

/// <summary>
/// A patient's demographics, allergies and medications as the API (JSON body) and the form (fields) send them.
/// Everything is nullable so that a missing field is reported by name instead of silently becoming a default
/// (a missing sex must not become Female, a missing date 0001-01-01).
/// </summary>
public sealed record PatientInput(string? Facility, string? Mrn, string? FamilyName, string? GivenName, DateOnly? BirthDate, Sex? Sex,
    decimal? WeightKg, decimal? HeightCm, IReadOnlyList<string?>? Allergies, IReadOnlyList<MedicationInput?>? Medications)
{
    /// <summary>
    /// The register-patient form: fields named as the JSON properties, allergies comma separated, medications one per
    /// line as "name dose" (the first word is the name, the rest of the line the dose). Unreadable numbers, dates and
    /// enum values are refused here, all at once.
    /// </summary>
    public static PatientInput FromForm(FormFields form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var input = new PatientInput(form.Text("facility"), form.Text("mrn"), form.Text("familyName"), form.Text("givenName"),
            form.Date("birthDate"), form.Enum<Sex>("sex"), form.Decimal("weightKg"), form.Decimal("heightCm"),
            ParseAllergies(form.Text("allergies")), ParseMedications(form.Text("medications")));
        form.ThrowIfAny();
        return input;
    }

    /// <summary>"latex, penicillin" → ["latex", "penicillin"]; blank entries are dropped.</summary>
    public static IReadOnlyList<string?> ParseAllergies(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>"apixaban 5 mg bd\nmetformin" → [(apixaban, 5 mg bd), (metformin, null)]; blank lines are dropped.</summary>
    public static IReadOnlyList<MedicationInput?> ParseMedications(string? text) =>
        text is null
            ? []
            : [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var name, var dose]
                    ? new MedicationInput(name, dose)
                    : new MedicationInput(line, null))];

    /// <summary>Checks every field (required ones, enum members, then the aggregate's own rules) and returns the details to store.</summary>
    public Patient.Details Validate(DateOnly today)
    {
        var check = new Check();
        if (BirthDate is null)
        {
            check.Add("birthDate", "required (YYYY-MM-DD)");
        }
        if (Sex is null)
        {
            check.Add("sex", $"required ({EnumText.Choices<Sex>()})");
        }
        var details = new Patient.Details(Facility ?? "", Mrn ?? "", FamilyName ?? "", GivenName ?? "",
            BirthDate ?? today, Sex ?? Patients.Sex.Unknown, WeightKg, HeightCm,
            Allergies is null ? null : [.. Allergies.Select(a => a ?? "")],
            Medications is null ? null : [.. Medications.Select(m => new Medication { Name = m?.Name!, Dose = m?.Dose, StoppedOn = m?.StoppedOn, StoppedForSurgeryOn = m?.StoppedForSurgeryOn })]);
        var clean = Patient.Validate(details, today, check);
        check.ThrowIfAny();
        return clean;
    }
}

/// <summary>
/// Who may write the clinical record of a patient (demographics, medications, allergies, constructs, components,
/// imaging): the clinicians. Schedulers and administrators read it (they need names and MRNs to book and to run the
/// system) but do not write it, so what clinicians rely on was entered by a clinician.
/// </summary>
public static class PatientRecord
{
    /// <summary>The rule a refused write names: "role:patient-record" (HTTP 403).</summary>
    public const string Rule = "patient-record";

    public static readonly string[] Writers = [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist];

    /// <summary>Refuses (403, rule role:patient-record) unless the actor is a surgeon, nurse or anesthesiologist.</summary>
    public static void RequireWriter(CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(Rule, Writers);
    }
}
