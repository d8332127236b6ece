using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Validation;

namespace Explant.Core.Tests.Patients;

/// <summary>Form text into the same input records the JSON API binds: names only for enums, '.' decimals, ISO dates.</summary>
public sealed class FormTextTests
{
    private static FormFields Form(params (string Key, string Value)[] fields)
    {
        // Later fields win, so a test can override a default field.
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            map[key] = value;
        }
        return new FormFields(k => map.GetValueOrDefault(k));
    }

    private static IDictionary<string, string[]> Refused(Action read) => Assert.Throws<ValidationException>(read).Errors;

    [Theory]
    [InlineData("Female", Sex.Female)]
    [InlineData("male", Sex.Male)]
    [InlineData(" UNKNOWN ", Sex.Unknown)]
    public void Enum_names_are_read_in_any_case(string text, Sex expected)
    {
        Assert.True(EnumText.TryParse<Sex>(text, out var sex));
        Assert.Equal(expected, sex);
    }

    [Theory]
    [InlineData("99")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("Female, Male")]
    [InlineData("Robot")]
    [InlineData("")]
    [InlineData(null)]
    public void Numbers_combinations_and_unknown_names_are_not_enum_values(string? text) =>
        Assert.False(EnumText.TryParse<Sex>(text, out _));

    [Theory]
    [InlineData("99")]
    [InlineData("1")]
    [InlineData("Robot")]
    public void The_patient_form_refuses_a_sex_that_is_not_a_name(string sex)
    {
        var errors = Refused(() => PatientInput.FromForm(Form(("sex", sex), ("birthDate", "1970-05-01"))));
        Assert.Equal(["sex"], errors.Keys);
        Assert.Contains("Female, Male, Other, Unknown", errors["sex"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_patient_form_reads_medications_one_per_line_and_allergies_comma_separated()
    {
        var input = PatientInput.FromForm(Form(("facility", "MAIN"), ("mrn", " M-1 "), ("familyName", "Doe"), ("givenName", "Jane"),
            ("birthDate", "1970-05-01"), ("sex", "female"), ("weightKg", "70.5"), ("heightCm", "165"),
            ("allergies", "latex, penicillin,, "), ("medications", "apixaban 5 mg bd\r\n\r\nmetformin\n  aspirin\t75 mg  ")));
        Assert.Equal("M-1", input.Mrn);
        Assert.Equal(new DateOnly(1970, 5, 1), input.BirthDate);
        Assert.Equal(Sex.Female, input.Sex);
        Assert.Equal(70.5m, input.WeightKg);
        Assert.Equal(["latex", "penicillin"], input.Allergies!);
        Assert.Equal([new MedicationInput("apixaban", "5 mg bd"), new MedicationInput("metformin", null), new MedicationInput("aspirin", "75 mg")], input.Medications!);
    }

    [Fact]
    public void Blank_form_fields_are_missing_not_zero_and_the_command_names_them()
    {
        var input = PatientInput.FromForm(Form(("mrn", "M-1")));
        Assert.Null(input.BirthDate);
        Assert.Null(input.Sex);
        Assert.Null(input.WeightKg);
        var errors = Refused(() => input.Validate(PatientDb.Today));
        Assert.Equal(["birthDate", "facility", "familyName", "givenName", "sex"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("weightKg", "70,5")]
    [InlineData("weightKg", "1,000")]
    [InlineData("weightKg", "seventy")]
    [InlineData("weightKg", "1e3")]
    [InlineData("heightCm", "165cm")]
    [InlineData("birthDate", "01/05/1970")]
    [InlineData("birthDate", "1970-02-30")]
    public void Unreadable_numbers_and_dates_are_refused_by_name(string field, string value)
    {
        var errors = Refused(() => PatientInput.FromForm(Form(("sex", "Female"), (field, value))));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void Every_unreadable_field_is_listed_at_once_and_long_input_is_not_echoed()
    {
        var errors = Refused(() => PatientInput.FromForm(Form(("sex", "9"), ("weightKg", new string('9', 5000) + "x"), ("birthDate", "yesterday"))));
        Assert.Equal(["birthDate", "sex", "weightKg"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.True(errors["weightKg"][0].Length < 100);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public void A_malformed_revision_is_a_validation_error_not_a_crash(string revision)
    {
        var errors = Refused(() => ConstructHandlers.ComponentFromForm(Form(("revision", revision), ("kind", "Rod"))));
        Assert.Equal(["revision"], errors.Keys);
        Assert.Null(new FormFields(_ => revision).Revision());
    }

    [Fact]
    public void Revision_and_id_are_read_when_well_formed()
    {
        var id = Guid.NewGuid();
        var form = Form(("revision", "7"), ("patientId", id.ToString()));
        Assert.Equal(7, form.Revision());
        Assert.Equal(id, form.Id("patientId"));
        form.ThrowIfAny();
        var bad = Form(("patientId", "not-a-guid"));
        Assert.Null(bad.Id("patientId"));
        Assert.Equal(["patientId"], Refused(bad.ThrowIfAny).Keys);
    }

    [Theory]
    [InlineData("kind", "0")]
    [InlineData("side", "2")]
    [InlineData("material", "1")]
    [InlineData("hookType", "7")]
    public void The_component_form_refuses_enum_numbers(string field, string value)
    {
        var errors = Refused(() => ConstructHandlers.ComponentFromForm(Form(("kind", "PedicleScrew"), (field, value))));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void The_component_form_reads_names_and_decimals()
    {
        var (c, revision) = ConstructHandlers.ComponentFromForm(Form(("kind", "pediclescrew"), ("level", "L4"), ("side", "Left"), ("diameterMm", "6.5"), ("lengthMm", "45"), ("revision", "3")));
        Assert.Equal(new Construct.ComponentInput(ComponentKind.PedicleScrew, "L4", null, Side.Left, 6.5m, 45m, null, null, null, null, null), c);
        Assert.Equal(3, revision);
    }

    [Theory]
    [InlineData("approach", "1")]
    [InlineData("implantedOn", "2020-13-01")]
    public void The_construct_form_refuses_numbers_for_names_and_bad_dates(string field, string value) =>
        Assert.Equal([field], Refused(() => ConstructInput.FromForm(Form((field, value)))).Keys);

    [Theory]
    [InlineData("modality", "2")]
    [InlineData("fusionStatus", "0")]
    [InlineData("hardwareKind", "1")]
    [InlineData("studyDate", "2026-1-5")]
    public void The_imaging_form_refuses_numbers_for_names_and_bad_dates(string field, string value) =>
        Assert.Equal([field], Refused(() => ImagingInput.FromForm(Form(("fusionLevels", "L3-L5"), (field, value)))).Keys);

    [Fact]
    public void The_imaging_form_reads_one_fusion_and_one_hardware_finding()
    {
        var input = ImagingInput.FromForm(Form(("studyDate", "2026-01-05"), ("modality", "ct"), ("fusionLevels", "L3-L5"), ("fusionStatus", "Solid"),
            ("hardwareKind", "Loosening"), ("hardwareLevel", "L4"), ("hardwareNote", "halo")));
        Assert.Equal(Modality.CT, input.Modality);
        Assert.Equal(new ImagingStudy.FusionInput("L3-L5", FusionStatus.Solid), Assert.Single(input.Fusion!));
        Assert.Equal(new ImagingStudy.HardwareInput(HardwareFindingKind.Loosening, "L4", "halo"), Assert.Single(input.Hardware!));
    }
}
