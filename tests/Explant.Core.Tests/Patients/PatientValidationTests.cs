using Explant.Core.Data;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Patients;

/// <summary>Input that cannot lie: every limit on a patient's record, each refusal naming its field, nothing stored.</summary>
public sealed class PatientValidationTests : IAsyncLifetime
{
    private PatientDb db = null!;
    private static readonly DateOnly Today = PatientDb.Today;

    public async Task InitializeAsync() => db = await PatientDb.CreateAsync();

    public async Task DisposeAsync() => await db.DisposeAsync();

    /// <summary>Registers through the command, expects a refusal naming exactly <paramref name="fields"/>, and checks nothing was stored.</summary>
    private async Task<IDictionary<string, string[]>> Refused(PatientInput input, params string[] fields)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => PatientHandlers.Register(db.Context(), input, PatientDb.Nurse, db.Time));
        Assert.Equal(fields.Order(StringComparer.Ordinal), e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await db.Context().Patients.CountAsync());
        return e.Errors;
    }

    private async Task<Patient> Accepted(PatientInput input) => await PatientHandlers.Register(db.Context(), input, PatientDb.Nurse, db.Time);

    private static string Long(int n) => new('x', n);

    public static TheoryData<string, int> TextLimits => new()
    {
        { "facility", Patient.FacilityMax },
        { "mrn", Patient.MrnMax },
        { "familyName", Patient.NameMax },
        { "givenName", Patient.NameMax },
    };

    private static PatientInput WithText(string field, string value) => field switch
    {
        "facility" => PatientDb.Input(facility: value),
        "mrn" => PatientDb.Input(mrn: value),
        "familyName" => PatientDb.Input(familyName: value),
        "givenName" => PatientDb.Input(givenName: value),
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Theory]
    [MemberData(nameof(TextLimits))]
    public async Task Text_one_character_over_its_limit_is_refused_by_name(string field, int max)
    {
        var errors = await Refused(WithText(field, Long(max + 1)), field);
        Assert.Contains($"at most {max} characters", errors[field][0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TextLimits))]
    public async Task Text_at_its_limit_is_kept(string field, int max)
    {
        await Accepted(WithText(field, Long(max)));
        Assert.Equal(1, await db.Context().Patients.CountAsync());
    }

    [Fact]
    public async Task A_ten_megabyte_family_name_is_refused_without_echoing_it()
    {
        var errors = await Refused(PatientDb.Input(familyName: Long(10 * 1024 * 1024)), "familyName");
        Assert.True(errors["familyName"][0].Length < 100);
    }

    [Theory]
    [InlineData("facility")]
    [InlineData("mrn")]
    [InlineData("familyName")]
    [InlineData("givenName")]
    public async Task Required_text_that_is_blank_is_refused(string field) =>
        Assert.Equal("required", (await Refused(WithText(field, "   "), field))[field][0]);

    [Fact]
    public async Task Control_characters_in_a_name_are_refused() =>
        await Refused(PatientDb.Input(familyName: "Doe\u0000"), "familyName");

    [Theory]
    [InlineData(0.29, "weightKg")]
    [InlineData(400.01, "weightKg")]
    [InlineData(-3, "weightKg")]
    [InlineData(0, "weightKg")]
    public async Task Weight_outside_the_plausible_range_is_refused(double kg, string field) =>
        await Refused(PatientDb.Input(weightKg: (decimal)kg), field);

    [Theory]
    [InlineData(19.9)]
    [InlineData(260.1)]
    [InlineData(1650)]
    public async Task Height_outside_the_plausible_range_is_refused(double cm) =>
        await Refused(PatientDb.Input(heightCm: (decimal)cm), "heightCm");

    [Theory]
    [InlineData(0.3, 20)]
    [InlineData(400, 260)]
    public async Task Weight_and_height_limits_are_inclusive(double kg, double cm)
    {
        var p = await Accepted(PatientDb.Input(weightKg: (decimal)kg, heightCm: (decimal)cm));
        Assert.Equal((decimal)kg, p.WeightKg);
    }

    [Fact]
    public async Task Weight_and_height_may_be_unknown()
    {
        var p = await Accepted(PatientDb.Input(weightKg: null, heightCm: null));
        Assert.Null(p.WeightKg);
        Assert.Null(p.HeightCm);
    }

    [Fact]
    public async Task A_birth_date_in_the_future_is_refused() =>
        Assert.Contains("after today", (await Refused(PatientDb.Input(birthDate: Today.AddDays(1)), "birthDate"))["birthDate"][0], StringComparison.Ordinal);

    [Fact]
    public async Task A_birth_date_before_1900_is_refused() =>
        Assert.Contains("1900-01-01", (await Refused(PatientDb.Input(birthDate: new DateOnly(1899, 12, 31)), "birthDate"))["birthDate"][0], StringComparison.Ordinal);

    [Fact]
    public async Task Birth_dates_today_and_on_1900_01_01_are_kept()
    {
        await Accepted(PatientDb.Input("B-1", birthDate: Today));
        await Accepted(PatientDb.Input("B-2", birthDate: new DateOnly(1900, 1, 1)));
        Assert.Equal(2, await db.Context().Patients.CountAsync());
    }

    [Fact]
    public async Task Today_is_the_hospitals_date_not_the_UTC_date()
    {
        // 23:30 in Chicago is already tomorrow in UTC; a baby born "tomorrow" is still refused.
        db.Clock.SetUtcNow(new DateTimeOffset(Today.AddDays(1).ToDateTime(new TimeOnly(4, 30)), TimeSpan.Zero));
        Assert.Equal(Today, db.Time.Today);
        await Refused(PatientDb.Input(birthDate: Today.AddDays(1)), "birthDate");
        await Accepted(PatientDb.Input(birthDate: Today));
    }

    [Fact]
    public async Task Missing_birth_date_and_sex_are_refused_not_defaulted()
    {
        var errors = await Refused(PatientDb.Input() with { BirthDate = null, Sex = null }, "birthDate", "sex");
        Assert.StartsWith("required", errors["sex"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sex_that_is_not_a_member_is_refused() =>
        await Refused(PatientDb.Input(sex: (Sex)99), "sex");

    [Fact]
    public async Task At_most_100_allergies_and_100_medications()
    {
        await Refused(PatientDb.Input(allergies: [.. Enumerable.Range(0, 101).Select(i => $"a{i}")]), "allergies");
        await Refused(PatientDb.Input(medications: [.. Enumerable.Range(0, 101).Select(i => new MedicationInput($"m{i}", null))]), "medications");
        var p = await Accepted(PatientDb.Input(allergies: [.. Enumerable.Range(0, 100).Select(i => $"a{i}")],
            medications: [.. Enumerable.Range(0, 100).Select(i => new MedicationInput($"m{i}", null))]));
        Assert.Equal(100, p.Allergies.Count);
        Assert.Equal(100, p.Medications.Count);
    }

    [Fact]
    public async Task Each_allergy_and_medication_is_checked_under_its_index()
    {
        await Refused(PatientDb.Input(allergies: ["latex", Long(201)]), "allergies[1]");
        await Refused(PatientDb.Input(medications: [new MedicationInput("apixaban", "5 mg"), new MedicationInput(" ", "1 g")]), "medications[1].name");
        await Refused(PatientDb.Input(medications: [new MedicationInput("apixaban", Long(201))]), "medications[0].dose");
        await Refused(PatientDb.Input(medications: [null]), "medications[0].name");
    }

    [Fact]
    public async Task Every_bad_field_is_listed_at_once()
    {
        await Refused(new PatientInput("", Long(33), Long(129), null, Today.AddYears(1), null, -3m, 999m, [Long(300)], [new MedicationInput(null, null)]),
            "facility", "mrn", "familyName", "givenName", "birthDate", "sex", "weightKg", "heightCm", "allergies[0]", "medications[0].name");
    }

    [Fact]
    public async Task A_refused_update_leaves_the_record_unchanged()
    {
        var p = await db.PatientAsync("U-1");
        await Assert.ThrowsAsync<ValidationException>(() =>
            PatientHandlers.Update(db.Context(), p.Id, PatientDb.Input("U-1", familyName: "Roe", weightKg: 4000m, allergies: []), p.Revision, PatientDb.Surgeon, db.Time));
        var stored = await db.Context().Patients.SingleAsync();
        Assert.Equal(("Doe", 70m, p.Revision), (stored.FamilyName, stored.WeightKg, stored.Revision));
        Assert.Equal(["latex"], stored.Allergies);
    }

    [Fact]
    public async Task Text_is_stored_trimmed_and_blank_allergies_dropped()
    {
        var p = await Accepted(PatientDb.Input(familyName: "  Doe ", allergies: [" latex ", "", null]));
        Assert.Equal("Doe", p.FamilyName);
        Assert.Equal(["latex"], p.Allergies);
    }

    [Fact]
    public void The_aggregate_refuses_what_the_command_refuses()
    {
        // Callers that bypass the command (demo seed, CLI) meet the same rules.
        var e = Assert.Throws<ValidationException>(() => Patient.Register(
            new Patient.Details("MAIN", "X-1", Long(129), "Jane", Today.AddDays(1), Sex.Female, 0.1m, null, null, null), Today));
        Assert.Equal(["birthDate", "familyName", "weightKg"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
