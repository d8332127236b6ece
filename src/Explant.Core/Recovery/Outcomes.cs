using System.Security.Cryptography;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;

namespace Explant.Core.Recovery;

public enum PromSource
{
    Clinic = 1,
    PatientLink,
}

/// <summary>
/// One set of patient-reported outcomes at a time point (baseline or a follow-up point): back and leg pain NRS and
/// the ODI stored per section as 0–5 or unanswered — never the licensed wording (docs/clinical-rules.md §9, [S58]).
/// </summary>
public sealed class PromResponse
{
    private PromResponse() { }

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public string TimePoint { get; private set; } = "";
    public DateOnly CollectedOn { get; private set; }
    public int? BackPain { get; private set; }
    public int? LegPain { get; private set; }
    public List<int?> Odi { get; private set; } = [];
    public decimal? OdiScore { get; private set; }
    public PromSource Source { get; private set; }
    public string RecordedBy { get; private set; } = "";

    public static PromResponse Record(Guid caseId, string timePoint, DateOnly collectedOn, int? backPain, int? legPain, IReadOnlyList<int?> odi,
        OdiScoringOptions scoring, PromSource source, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(odi);
        var errors = new Dictionary<string, string[]>();
        if (backPain is < NrsScore.Min or > NrsScore.Max) { errors["backPain"] = ["NRS is 0–10"]; }
        if (legPain is < NrsScore.Min or > NrsScore.Max) { errors["legPain"] = ["NRS is 0–10"]; }
        if (odi.Count != Explant.Core.Outcomes.Odi.SectionCount) { errors["odi"] = [$"{Explant.Core.Outcomes.Odi.SectionCount} sections, each 0–5 or unanswered"]; }
        for (var i = 0; i < odi.Count; i++)
        {
            if (odi[i] is < 0 or > 5) { errors[$"odi[{i}]"] = [$"section {i + 1}: {odi[i]} is not 0–5"]; }
        }
        if (backPain is null && legPain is null && odi.All(a => a is null)) { errors["backPain"] = ["nothing answered"]; }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var result = Explant.Core.Outcomes.Odi.Score(new OdiAnswers(odi), scoring);
        return new PromResponse
        {
            Id = Guid.CreateVersion7(), CaseId = caseId, TimePoint = timePoint, CollectedOn = collectedOn, BackPain = backPain, LegPain = legPain,
            Odi = [.. odi], OdiScore = result.Score?.Percent, Source = source, RecordedBy = recordedBy,
        };
    }
}

/// <summary>
/// A one-time link a patient opens on their phone to answer a PROM. Only a hash of the token is stored, so a
/// database reader cannot answer for the patient; the link expires and works once.
/// </summary>
public sealed class PromLink
{
    private PromLink() { }

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public string TimePoint { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    public DateTime ExpiresUtc { get; private set; }
    public DateTime? UsedUtc { get; private set; }

    public static (PromLink Link, string Token) Issue(Guid caseId, string timePoint, DateTime nowUtc, TimeSpan lifetime)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        return (new PromLink { Id = Guid.CreateVersion7(), CaseId = caseId, TimePoint = timePoint, TokenHash = Hash(token), ExpiresUtc = nowUtc + lifetime }, token);
    }

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token ?? "")));

    public void Use(DateTime nowUtc)
    {
        if (UsedUtc is not null)
        {
            throw new DomainRuleException("link-used", "this link has already been used; ask the clinic for a new one");
        }
        if (nowUtc > ExpiresUtc)
        {
            throw new DomainRuleException("link-expired", "this link has expired; ask the clinic for a new one");
        }
        UsedUtc = nowUtc;
    }
}

/// <summary>
/// A complication linked to its case, with the same keys as the definition's risks (and so the consent), plus the
/// issue's extra kinds; Clavien–Dindo grade (rule 36), SSI depth (rule 37) and the global period (rule 7).
/// </summary>
public sealed class Complication
{
    private Complication() { }

    public static readonly IReadOnlyList<string> ExtraKeys = ["dural-tear", "hematoma", "wound-dehiscence", "readmission", "return-to-theatre"];

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public string Key { get; private set; } = "";
    public DateOnly OccurredOn { get; private set; }
    public ClavienDindoGrade Grade { get; private set; }
    public bool PresentAtDischarge { get; private set; }
    public SsiDepth? SsiDepth { get; private set; }
    public string Description { get; private set; } = "";
    public string RecordedBy { get; private set; } = "";

    /// <param name="definitionRisks">Risk keys of the case's pinned definition: what the consent listed.</param>
    /// <param name="surgeryDate">Local date of the operation: a complication of it cannot precede it.</param>
    /// <param name="today">Today in the hospital's zone (HospitalTime.Today): a complication is recorded once it has occurred.</param>
    public static Complication Record(SurgicalCase c, IEnumerable<string> definitionRisks, string key, DateOnly occurredOn, ClavienDindo grade, SsiDepth? depth,
        string description, DateOnly surgeryDate, DateOnly today, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist]))
        {
            throw new DomainRuleException("role:complication", "complications are recorded by clinicians", forbidden: true);
        }
        var allowed = definitionRisks.Concat(ExtraKeys).Distinct().ToList();
        var check = new Validation.Check();
        if (!allowed.Contains(key)) { check.Add("key", $"'{key}' is not a risk of the case's definition or a register kind ({string.Join(", ", allowed)})"); }
        if (depth is not null && key != "infection") { check.Add("ssiDepth", "SSI depth applies to infection only"); }
        check.Date("occurredOn", occurredOn, notBefore: (surgeryDate, "the surgery"), notAfter: (today, "today"));
        check.ThrowIfAny();
        return new Complication
        {
            Id = Guid.CreateVersion7(), CaseId = c.Id, Key = key, OccurredOn = occurredOn, Grade = grade.Grade, PresentAtDischarge = grade.DisabilityAtDischarge,
            SsiDepth = depth, Description = description?.Trim() ?? "", RecordedBy = actor.Name,
        };
    }

    public ClavienDindo ClavienDindo => new(Grade, PresentAtDischarge);

    /// <summary>
    /// Inside the global period of the case's code: the day before, the day of surgery and the days after (rule 7,
    /// [S3][S5]; "090" = 90 days, loaded from configuration ⚠). Null when the code's period is not configured.
    /// </summary>
    public bool? InGlobalPeriod(DateOnly surgeryDate, string? globalPeriod) =>
        int.TryParse(globalPeriod, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days)
            ? OccurredOn >= surgeryDate.AddDays(-1) && OccurredOn <= surgeryDate.AddDays(days)
            : null;
}
