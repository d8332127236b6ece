using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Patients;
using Explant.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Implants;

/// <summary>A construct as the API (JSON body) and the form send it; components may come with it (API) or one by one.</summary>
public sealed record ConstructInput(DateOnly? ImplantedOn, string? ImplantedAt, Approach? Approach, string? SourceProcedure, string? Manufacturer,
    string? SystemName, string? Comment, IReadOnlyList<Construct.ComponentInput?>? Components)
{
    /// <summary>The record-construct form (no components: they are added one by one on the patient page).</summary>
    public static ConstructInput FromForm(FormFields form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var input = new ConstructInput(form.Date("implantedOn"), form.Text("implantedAt"), form.Enum<Approach>("approach"), form.Text("sourceProcedure"),
            form.Text("manufacturer"), form.Text("systemName"), form.Text("comment"), null);
        form.ThrowIfAny();
        return input;
    }
}

/// <summary>An imaging study as the API and the form send it.</summary>
public sealed record ImagingInput(DateOnly? StudyDate, Modality? Modality, IReadOnlyList<ImagingStudy.FusionInput?>? Fusion,
    IReadOnlyList<ImagingStudy.HardwareInput?>? Hardware, string? Note)
{
    /// <summary>The imaging form: at most one fusion finding and one hardware finding per post.</summary>
    public static ImagingInput FromForm(FormFields form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var levels = form.Text("fusionLevels");
        var status = form.Enum<FusionStatus>("fusionStatus");
        var kind = form.Enum<HardwareFindingKind>("hardwareKind");
        var input = new ImagingInput(form.Date("studyDate"), form.Enum<Modality>("modality"),
            levels is null ? [] : [new ImagingStudy.FusionInput(levels, status)],
            kind is null ? [] : [new ImagingStudy.HardwareInput(kind, form.Text("hardwareLevel"), form.Text("hardwareNote"))],
            form.Text("note"));
        form.ThrowIfAny();
        return input;
    }
}

/// <summary>
/// The writes of a patient's implant record: constructs, their components and imaging. Each command holds the whole
/// write (role, parsing, defaults, validation, save) so the API, the forms and the CLI cannot differ.
/// </summary>
public static class ConstructHandlers
{
    /// <summary>At most this many components in one request (a long scoliosis construct has well under 100).</summary>
    public const int MaxComponentsPerRequest = 100;

    /// <summary>The add-component form: the component and the construct revision the page was rendered with.</summary>
    public static (Construct.ComponentInput Input, long? Revision) ComponentFromForm(FormFields form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var revision = form.Revision();
        var input = new Construct.ComponentInput(form.Enum<ComponentKind>("kind"), form.Text("level"), form.Text("span"), form.Enum<Side>("side"),
            form.Decimal("diameterMm"), form.Decimal("lengthMm"), form.Enum<Material>("material"), form.Enum<HookType>("hookType"),
            form.Text("variant"), form.Text("udi"), form.Text("note"));
        form.ThrowIfAny();
        return (input, revision);
    }

    /// <summary>Records a construct with its components: clinicians only; every bad field reported at once; nothing stored when refused.</summary>
    public static async Task<Construct> Record(ExplantDbContext db, Guid patientId, ConstructInput input, CaseActor actor, HospitalTime time,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        PatientRecord.RequireWriter(actor);
        var bornOn = await BirthDate(db, patientId, ct);
        var today = time.Today;
        var check = new Check();
        if (input.Approach is null)
        {
            check.Add("approach", $"required ({EnumText.Choices<Approach>()})");
        }
        var details = Construct.Validate(new Construct.Details(input.ImplantedOn, input.ImplantedAt, input.Approach ?? Approach.Posterior,
            input.SourceProcedure, input.Manufacturer, input.SystemName, input.Comment), today, bornOn, check);
        var components = input.Components ?? [];
        var built = new List<Component>();
        if (components.Count > MaxComponentsPerRequest)
        {
            check.Add("components", $"at most {MaxComponentsPerRequest} components per request (got {components.Count})");
        }
        else
        {
            for (var i = 0; i < components.Count; i++)
            {
                if (components[i] is not { } component)
                {
                    check.Add($"components[{i}]", "required");
                    continue;
                }
                built.Add(Construct.BuildComponent(component, $"components[{i}]", check));
            }
        }
        // Every bad field of the construct and of each component is reported at once, and nothing is stored.
        check.ThrowIfAny();
        var construct = Construct.Record(patientId, details, today, bornOn);
        construct.Components.AddRange(built);
        db.Constructs.Add(construct);
        await db.SaveChangesAsync(ct);
        return construct;
    }

    /// <summary>Adds one component (If-Match revision when given): clinicians only; nothing stored when refused.</summary>
    /// <summary>
    /// Adds a component found on the construct. Open cases planning to remove all components take it into their plan in
    /// the same save, so a consent signed for "all components" never silently covers hardware it did not list (issue #12 §7).
    /// </summary>
    public static async Task<Construct> AddComponent(ExplantDbContext db, Guid constructId, Construct.ComponentInput input, long? expectedRevision,
        CaseActor actor, HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        PatientRecord.RequireWriter(actor);
        var construct = await db.Constructs.FirstOrDefaultAsync(c => c.Id == constructId, ct) ?? throw new NotFoundException($"construct {constructId}");
        Concurrency.Expect(db, construct, expectedRevision, "the construct");
        ArgumentNullException.ThrowIfNull(time);
        construct.AddComponent(input);
        await Cases.CaseHandlers.HardwareAdded(db, construct, actor, time.UtcNow, ct);
        await db.SaveChangesAsync(ct);
        return construct;
    }

    /// <summary>Records an imaging study read for the pathway: clinicians only; the reader recorded is the actor.</summary>
    public static async Task<ImagingStudy> RecordImaging(ExplantDbContext db, Guid patientId, ImagingInput input, CaseActor actor, HospitalTime time,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        PatientRecord.RequireWriter(actor);
        var bornOn = await BirthDate(db, patientId, ct);
        var check = new Check();
        if (input.StudyDate is null)
        {
            check.Add("studyDate", "required (YYYY-MM-DD)");
        }
        if (input.Modality is null)
        {
            check.Add("modality", $"required ({EnumText.Choices<Modality>()})");
        }
        // Placeholders for missing date or modality let the findings be checked too; the refusal lists all of it.
        var study = ImagingStudy.Build(patientId, input.StudyDate ?? time.Today, input.Modality ?? Modality.XRay, input.Fusion ?? [], input.Hardware ?? [],
            input.Note, actor.Name, time.Today, bornOn, check);
        check.ThrowIfAny();
        db.ImagingStudies.Add(study);
        await db.SaveChangesAsync(ct);
        return study;
    }

    private static async Task<DateOnly> BirthDate(ExplantDbContext db, Guid patientId, CancellationToken ct) =>
        await db.Patients.Where(p => p.Id == patientId).Select(p => (DateOnly?)p.BirthDate).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException($"patient {patientId}");
}
