using Explant.Core.Data;
using Explant.Core.Validation;

namespace Explant.Core.Implants;

public enum Modality
{
    XRay,
    CT,
    MRI,
}

/// <summary>Fusion status per level range (issue 4 vocabulary; docs/clinical-rules.md §3 calls "partial" indeterminate).</summary>
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

    /// <summary>
    /// A fusion finding as sent. Status is nullable so that a missing status is refused by name: read as the first
    /// member it would be "Solid", the one value that lets a removal proceed.
    /// </summary>
    public sealed record FusionInput(string? Levels, FusionStatus? Status);

    public sealed record HardwareInput(HardwareFindingKind? Kind, string? Level, string? Note);

    /// <summary>At most this many fusion or hardware findings per study (a typo guard, far above a real report).</summary>
    public const int MaxFindings = 100;

    /// <summary>
    /// Records a study. <paramref name="bornOn"/>, when known, bounds the study date from below: no study predates
    /// the patient.
    /// </summary>
    public static ImagingStudy Record(Guid patientId, DateOnly studyDate, Modality modality, IReadOnlyList<FusionInput?> fusion,
        IReadOnlyList<HardwareInput?> hardware, string? note, string recordedBy, DateOnly today, DateOnly? bornOn = null)
    {
        var check = new Check();
        var study = Build(patientId, studyDate, modality, fusion, hardware, note, recordedBy, today, bornOn, check);
        check.ThrowIfAny();
        return study;
    }

    /// <summary>
    /// Checks a study, adding every bad field to <paramref name="check"/>; the study returned is only meaningful when
    /// the check holds no error (callers throw first).
    /// </summary>
    public static ImagingStudy Build(Guid patientId, DateOnly studyDate, Modality modality, IReadOnlyList<FusionInput?> fusion,
        IReadOnlyList<HardwareInput?> hardware, string? note, string recordedBy, DateOnly today, DateOnly? bornOn, Check check)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentException.ThrowIfNullOrWhiteSpace(recordedBy);
        ArgumentNullException.ThrowIfNull(check);
        check.Date("studyDate", studyDate, notBefore: bornOn is { } b ? (b, "the patient's date of birth") : null, notAfter: (today, "today"));
        if (!Enum.IsDefined(modality))
        {
            check.Add("modality", EnumText.Choices<Modality>());
        }
        var study = new ImagingStudy
        {
            Id = Guid.CreateVersion7(), PatientId = patientId, StudyDate = studyDate, Modality = modality,
            Note = check.Text("note", note, InputLimits.Note), RecordedBy = recordedBy,
        };
        if (fusion.Count > MaxFindings)
        {
            check.Add("fusion", $"at most {MaxFindings} findings (got {fusion.Count})");
        }
        else
        {
            for (var i = 0; i < fusion.Count; i++)
            {
                var f = fusion[i];
                var levels = check.Text($"fusion[{i}].levels", f?.Levels, InputLimits.ShortText, required: true);
                if (f?.Status is not { } status || !Enum.IsDefined(status))
                {
                    check.Add($"fusion[{i}].status", f?.Status is null ? $"required ({EnumText.Choices<FusionStatus>()})" : EnumText.Choices<FusionStatus>());
                    status = FusionStatus.NotAssessed;
                }
                if (levels is null)
                {
                    continue;
                }
                if (LevelRange.TryParse(levels, out var range))
                {
                    // Kept only when the whole study is valid (ThrowIfAny below), so a placeholder status is never stored.
                    study.Fusion.Add(new FusionFinding { From = range.From.ToString(), To = range.To.ToString(), Status = status });
                }
                else
                {
                    check.Add($"fusion[{i}].levels", $"'{levels}' is not a level range (e.g. L3-L5)");
                }
            }
        }
        if (hardware.Count > MaxFindings)
        {
            check.Add("hardware", $"at most {MaxFindings} findings (got {hardware.Count})");
        }
        else
        {
            for (var i = 0; i < hardware.Count; i++)
            {
                var h = hardware[i];
                if (h?.Kind is not { } kind || !Enum.IsDefined(kind))
                {
                    check.Add($"hardware[{i}].kind", h?.Kind is null ? $"required ({EnumText.Choices<HardwareFindingKind>()})" : EnumText.Choices<HardwareFindingKind>());
                }
                string? level = null;
                if (check.Text($"hardware[{i}].level", h?.Level, InputLimits.ShortText) is { } l)
                {
                    if (SpinalLevel.TryParse(l, out var parsed))
                    {
                        level = parsed.ToString();
                    }
                    else
                    {
                        check.Add($"hardware[{i}].level", $"'{l}' is not a level");
                    }
                }
                var findingNote = check.Text($"hardware[{i}].note", h?.Note, InputLimits.Note);
                study.Hardware.Add(new HardwareFinding { Kind = h?.Kind ?? default, Level = level, Note = findingNote });
            }
        }
        return study;
    }

    /// <summary>True when solid-fusion findings of this study together cover every level of <paramref name="span"/>.</summary>
    public bool ShowsSolidFusionAcross(LevelRange span) =>
        SpinalLevel.All.Where(span.Contains).All(level => Fusion.Any(f => f.Status == FusionStatus.Solid && f.Range.Contains(level)));
}
