using Explant.Core.Data;

namespace Explant.Core.Implants;

public enum Modality
{
    XRay,
    CT,
    MRI,
}

/// <summary>Fusion status per level range (issue 4 vocabulary; DOMAIN.md §2.4 calls "partial" indeterminate).</summary>
public enum FusionStatus
{
    Solid,
    Partial,
    Pseudarthrosis,
    NotAssessed,
}

public enum HardwareFindingKind
{
    Loosening,
    Breakage,
    Migration,
}

public sealed class FusionFinding
{
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public FusionStatus Status { get; set; }

    public LevelRange Range => LevelRange.Of(SpinalLevel.Parse(From), SpinalLevel.Parse(To));
}

public sealed class HardwareFinding
{
    public HardwareFindingKind Kind { get; set; }
    public string? Level { get; set; }
    public string? Note { get; set; }
}

/// <summary>An imaging study read for this pathway: fusion across level ranges and hardware problems.</summary>
public sealed class ImagingStudy : IVersioned
{
    private ImagingStudy() { }

    public Guid Id { get; private set; }
    public Guid PatientId { get; private set; }
    public DateOnly StudyDate { get; private set; }
    public Modality Modality { get; private set; }
    public List<FusionFinding> Fusion { get; private set; } = [];
    public List<HardwareFinding> Hardware { get; private set; } = [];
    public string? Note { get; private set; }
    public string RecordedBy { get; private set; } = "";
    public long Revision { get; set; }

    public sealed record FusionInput(string Levels, FusionStatus Status);
    public sealed record HardwareInput(HardwareFindingKind Kind, string? Level, string? Note);

    public static ImagingStudy Record(Guid patientId, DateOnly studyDate, Modality modality, IReadOnlyList<FusionInput> fusion,
        IReadOnlyList<HardwareInput> hardware, string? note, string recordedBy, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(hardware);
        var errors = new Dictionary<string, string[]>();
        if (studyDate > today)
        {
            errors["studyDate"] = ["cannot be in the future"];
        }
        var study = new ImagingStudy
        {
            Id = Guid.CreateVersion7(), PatientId = patientId, StudyDate = studyDate, Modality = modality,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), RecordedBy = recordedBy,
        };
        for (var i = 0; i < fusion.Count; i++)
        {
            if (LevelRange.TryParse(fusion[i].Levels, out var range))
            {
                study.Fusion.Add(new FusionFinding { From = range.From.ToString(), To = range.To.ToString(), Status = fusion[i].Status });
            }
            else
            {
                errors[$"fusion[{i}].levels"] = [$"'{fusion[i].Levels}' is not a level range (e.g. L3-L5)"];
            }
        }
        for (var i = 0; i < hardware.Count; i++)
        {
            string? level = null;
            if (hardware[i].Level is { } l)
            {
                if (SpinalLevel.TryParse(l, out var parsed))
                {
                    level = parsed.ToString();
                }
                else
                {
                    errors[$"hardware[{i}].level"] = [$"'{l}' is not a level"];
                }
            }
            study.Hardware.Add(new HardwareFinding { Kind = hardware[i].Kind, Level = level, Note = hardware[i].Note });
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return study;
    }

    /// <summary>True when solid-fusion findings of this study together cover every level of <paramref name="span"/>.</summary>
    public bool ShowsSolidFusionAcross(LevelRange span) =>
        SpinalLevel.All.Where(span.Contains).All(level => Fusion.Any(f => f.Status == FusionStatus.Solid && f.Range.Contains(level)));
}
