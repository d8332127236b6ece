using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Tests.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Implants;

/// <summary>
/// The construct, component and imaging commands on a real database: date windows (not in the future, not before
/// birth), text and list limits, plausible sizes, missing enums refused by name, nothing stored on refusal.
/// </summary>
public sealed class ImplantCommandTests : IAsyncLifetime
{
    private PatientDb db = null!;
    private Guid patientId;
    private static readonly DateOnly Born = new(1970, 5, 1);

    public async Task InitializeAsync()
    {
        db = await PatientDb.CreateAsync();
        patientId = (await db.PatientAsync()).Id;
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    private async Task<IDictionary<string, string[]>> ConstructRefused(ConstructInput input, params string[] fields)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => ConstructHandlers.Record(db.Context(), patientId, input, PatientDb.Surgeon, db.Time));
        Assert.Equal(fields.Order(StringComparer.Ordinal), e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await db.Context().Constructs.CountAsync());
        return e.Errors;
    }

    private async Task<IDictionary<string, string[]>> ImagingRefused(ImagingInput input, params string[] fields)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => ConstructHandlers.RecordImaging(db.Context(), patientId, input, PatientDb.Nurse, db.Time));
        Assert.Equal(fields.Order(StringComparer.Ordinal), e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await db.Context().ImagingStudies.CountAsync());
        return e.Errors;
    }

    private static string Long(int n) => new('x', n);

    // ---- constructs ---------------------------------------------------------------------------------------

    [Fact]
    public async Task An_implant_date_in_the_future_is_refused() =>
        Assert.Contains("after today", (await ConstructRefused(PatientDb.ConstructInput(PatientDb.Today.AddDays(1)), "implantedOn"))["implantedOn"][0], StringComparison.Ordinal);

    [Fact]
    public async Task An_implant_date_before_the_patients_birth_is_refused() =>
        Assert.Contains("date of birth", (await ConstructRefused(PatientDb.ConstructInput(Born.AddDays(-1)), "implantedOn"))["implantedOn"][0], StringComparison.Ordinal);

    [Fact]
    public async Task Implant_dates_on_the_birth_date_and_today_are_kept()
    {
        await ConstructHandlers.Record(db.Context(), patientId, PatientDb.ConstructInput(Born), PatientDb.Surgeon, db.Time);
        await ConstructHandlers.Record(db.Context(), patientId, PatientDb.ConstructInput(PatientDb.Today), PatientDb.Surgeon, db.Time);
        Assert.Equal(2, await db.Context().Constructs.CountAsync());
    }

    [Fact]
    public async Task A_missing_approach_is_refused_not_defaulted() =>
        await ConstructRefused(PatientDb.ConstructInput() with { Approach = null }, "approach");

    [Fact]
    public async Task An_approach_that_is_not_a_member_is_refused() =>
        await ConstructRefused(PatientDb.ConstructInput() with { Approach = (Approach)7 }, "approach");

    [Theory]
    [InlineData("implantedAt", 200)]
    [InlineData("sourceProcedure", 200)]
    [InlineData("manufacturer", 200)]
    [InlineData("systemName", 200)]
    [InlineData("comment", 4000)]
    public async Task Construct_text_over_its_limit_is_refused(string field, int max)
    {
        var over = Long(max + 1);
        var input = field switch
        {
            "implantedAt" => PatientDb.ConstructInput() with { ImplantedAt = over },
            "sourceProcedure" => PatientDb.ConstructInput() with { SourceProcedure = over },
            "manufacturer" => PatientDb.ConstructInput() with { Manufacturer = over },
            "systemName" => PatientDb.ConstructInput() with { SystemName = over },
            _ => PatientDb.ConstructInput() with { Comment = over },
        };
        await ConstructRefused(input, field);
        var atLimit = field == "comment" ? PatientDb.ConstructInput() with { Comment = Long(max) } : PatientDb.ConstructInput() with { Manufacturer = Long(max) };
        await ConstructHandlers.Record(db.Context(), patientId, atLimit, PatientDb.Surgeon, db.Time);
    }

    [Fact]
    public async Task At_most_100_components_per_request()
    {
        var many = Enumerable.Range(0, 101).Select(_ => (Construct.ComponentInput?)PatientDb.Screw("L4", Side.Left)).ToList();
        await ConstructRefused(PatientDb.ConstructInput(components: many), "components");
        var c = await ConstructHandlers.Record(db.Context(), patientId, PatientDb.ConstructInput(components: many[..100]), PatientDb.Surgeon, db.Time);
        Assert.Equal(100, c.Components.Count);
    }

    [Fact]
    public async Task Every_bad_component_is_reported_under_its_index_with_the_construct_fields()
    {
        await ConstructRefused(PatientDb.ConstructInput(PatientDb.Today.AddDays(3),
            [PatientDb.Screw("L4", Side.Left), null, PatientDb.Screw("L9", Side.Left, diameter: 0.4m, length: 701m),
                new Construct.ComponentInput(null, "L4", null, Side.Left, null, null, null, null, null, null, null)]),
            "implantedOn", "components[1]", "components[2].level", "components[2].diameterMm", "components[2].lengthMm", "components[3].kind");
    }

    [Fact]
    public async Task Recording_a_construct_for_an_unknown_patient_is_not_found() =>
        await Assert.ThrowsAsync<NotFoundException>(() => ConstructHandlers.Record(db.Context(), Guid.NewGuid(), PatientDb.ConstructInput(), PatientDb.Surgeon, db.Time));

    // ---- components ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0.4, null, "diameterMm")]
    [InlineData(50.01, null, "diameterMm")]
    [InlineData(null, 0.9, "lengthMm")]
    [InlineData(null, 700.1, "lengthMm")]
    public async Task A_component_of_implausible_size_is_refused_and_the_construct_is_unchanged(double? diameter, double? length, string field)
    {
        var c = await db.ConstructAsync(patientId);
        var e = await Assert.ThrowsAsync<ValidationException>(() => ConstructHandlers.AddComponent(db.Context(), c.Id,
            PatientDb.Screw("L4", Side.Left, (decimal?)diameter, (decimal?)length), c.Revision, PatientDb.Anesthesiologist, db.Time));
        Assert.Equal([field], e.Errors.Keys);
        Assert.Contains("not plausible", e.Errors[field][0], StringComparison.Ordinal);
        var stored = await db.Context().Constructs.SingleAsync();
        Assert.Equal((3, c.Revision), (stored.Components.Count, stored.Revision));
    }

    [Theory]
    [InlineData(0.5, 1)]
    [InlineData(50, 700)]
    public async Task Component_size_limits_are_inclusive(double diameter, double length)
    {
        var c = await db.ConstructAsync(patientId);
        var added = await ConstructHandlers.AddComponent(db.Context(), c.Id, PatientDb.Screw("L4", Side.Left, (decimal)diameter, (decimal)length), c.Revision, PatientDb.Nurse, db.Time);
        Assert.Equal(4, added.Components.Count);
    }

    [Theory]
    [InlineData("level")]
    [InlineData("span")]
    [InlineData("variant")]
    [InlineData("udi")]
    [InlineData("note")]
    public async Task Component_text_over_its_limit_is_refused_without_echoing_it(string field)
    {
        var c = await db.ConstructAsync(patientId);
        var huge = Long(field == "note" ? 4001 : 100_000);
        var input = field switch
        {
            "level" => PatientDb.Screw(huge, Side.Left),
            "span" => new Construct.ComponentInput(ComponentKind.Rod, null, huge, Side.Left, null, null, null, null, null, null, null),
            "variant" => PatientDb.Screw("L4", Side.Left) with { Variant = huge },
            "udi" => PatientDb.Screw("L4", Side.Left) with { Udi = huge },
            _ => PatientDb.Screw("L4", Side.Left) with { Note = huge },
        };
        var e = await Assert.ThrowsAsync<ValidationException>(() => ConstructHandlers.AddComponent(db.Context(), c.Id, input, null, PatientDb.Surgeon, db.Time));
        Assert.Equal([field], e.Errors.Keys);
        Assert.StartsWith("at most", e.Errors[field][0], StringComparison.Ordinal);
        Assert.Equal(3, (await db.Context().Constructs.SingleAsync()).Components.Count);
    }

    [Fact]
    public async Task A_component_without_a_kind_is_refused_not_read_as_a_pedicle_screw()
    {
        var c = await db.ConstructAsync(patientId);
        var e = await Assert.ThrowsAsync<ValidationException>(() => ConstructHandlers.AddComponent(db.Context(), c.Id,
            new Construct.ComponentInput(null, "L4", null, Side.Left, null, null, null, null, null, null, null), null, PatientDb.Surgeon, db.Time));
        Assert.Equal(["kind"], e.Errors.Keys);
    }

    [Fact]
    public async Task A_missing_material_is_unknown()
    {
        var c = await db.ConstructAsync(patientId);
        var added = await ConstructHandlers.AddComponent(db.Context(), c.Id, PatientDb.Screw("L4", Side.Left) with { Material = null }, null, PatientDb.Surgeon, db.Time);
        Assert.Equal(Material.Unknown, added.Components[^1].Material);
    }

    [Fact]
    public async Task A_stale_revision_adds_nothing()
    {
        var c = await db.ConstructAsync(patientId);
        await Assert.ThrowsAsync<StaleRevisionException>(() => ConstructHandlers.AddComponent(db.Context(), c.Id, PatientDb.Screw("L4", Side.Left), c.Revision + 1, PatientDb.Surgeon, db.Time));
        Assert.Equal(3, (await db.Context().Constructs.SingleAsync()).Components.Count);
    }

    // ---- imaging ------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_study_in_the_future_is_refused() =>
        await ImagingRefused(new ImagingInput(PatientDb.Today.AddDays(1), Modality.CT, [], [], null), "studyDate");

    [Fact]
    public async Task A_study_before_the_patients_birth_is_refused() =>
        Assert.Contains("date of birth", (await ImagingRefused(new ImagingInput(Born.AddDays(-1), Modality.CT, [], [], null), "studyDate"))["studyDate"][0], StringComparison.Ordinal);

    [Fact]
    public async Task Studies_on_the_birth_date_and_today_are_kept()
    {
        await ConstructHandlers.RecordImaging(db.Context(), patientId, new ImagingInput(Born, Modality.XRay, [], [], null), PatientDb.Nurse, db.Time);
        await ConstructHandlers.RecordImaging(db.Context(), patientId, new ImagingInput(PatientDb.Today, Modality.XRay, [], [], null), PatientDb.Nurse, db.Time);
        Assert.Equal(2, await db.Context().ImagingStudies.CountAsync());
    }

    [Fact]
    public async Task A_fusion_finding_without_a_status_is_refused_not_read_as_solid() =>
        await ImagingRefused(new ImagingInput(PatientDb.Today, Modality.CT, [new ImagingStudy.FusionInput("L3-L5", null)], [], null), "fusion[0].status");

    [Fact]
    public async Task Missing_date_modality_and_bad_findings_are_listed_together() =>
        await ImagingRefused(new ImagingInput(null, null, [null, new ImagingStudy.FusionInput("L5-L3", FusionStatus.Solid)],
                [new ImagingStudy.HardwareInput(null, "L9", Long(4001))], Long(4001)),
            "studyDate", "modality", "fusion[0].levels", "fusion[0].status", "fusion[1].levels", "hardware[0].kind", "hardware[0].level", "hardware[0].note", "note");

    [Fact]
    public async Task At_most_100_findings_of_each_kind()
    {
        var fusion = Enumerable.Range(0, 101).Select(_ => (ImagingStudy.FusionInput?)new ImagingStudy.FusionInput("L4", FusionStatus.Solid)).ToList();
        var hardware = Enumerable.Range(0, 101).Select(_ => (ImagingStudy.HardwareInput?)new ImagingStudy.HardwareInput(HardwareFindingKind.Loosening, "L4", null)).ToList();
        await ImagingRefused(new ImagingInput(PatientDb.Today, Modality.CT, fusion, hardware, null), "fusion", "hardware");
        var study = await ConstructHandlers.RecordImaging(db.Context(), patientId, new ImagingInput(PatientDb.Today, Modality.CT, fusion[..100], hardware[..100], null), PatientDb.Nurse, db.Time);
        Assert.Equal((100, 100), (study.Fusion.Count, study.Hardware.Count));
    }

    [Fact]
    public async Task Imaging_for_an_unknown_patient_is_not_found() =>
        await Assert.ThrowsAsync<NotFoundException>(() => ConstructHandlers.RecordImaging(db.Context(), Guid.NewGuid(),
            new ImagingInput(PatientDb.Today, Modality.CT, [], [], null), PatientDb.Nurse, db.Time));
}
