using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;

namespace Explant.Core.Recovery;

public sealed class RecoveryOptions
{
    /// <summary>
    /// Discharge criteria are set locally (DOMAIN.md §6.1 ⚠); these are the typical items it lists. A site replaces
    /// the list in configuration.
    /// </summary>
    public List<string> DischargeCriteria { get; set; } =
    [
        "Pain controlled on oral medication",
        "Safe mobility (physiotherapy clearance)",
        "Voiding",
        "Wound dry",
        "No new neurological deficit",
        "No fever",
        "Eating and drinking",
    ];

    /// <summary>Missed follow-up contacts after which a patient is lost to follow-up (issue #8 §2; local policy ⚠).</summary>
    public int MissedContactsForLoss { get; set; } = 3;

    /// <summary>Whom patients call with warning signs (site setting; shown on the discharge instructions).</summary>
    public string ContactText { get; set; } = "the spine nurse line (number set by the hospital) or, out of hours, the emergency department";
}

public enum WoundStatus
{
    Healed = 1,
    Healing,
    Concern,
    Infected,
}

public enum NeurologyStatus
{
    Unchanged = 1,
    Improved,
    NewDeficit,
}

public sealed class DischargeTick
{
    public string Criterion { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

public sealed class PlannedFollowUp
{
    public string Code { get; set; } = "";
    public string Label { get; set; } = "";
    public DateOnly DueDate { get; set; }
    public DateOnly? OpensOn { get; set; }
    public DateOnly LateAfter { get; set; }
    public bool IsVisit { get; set; }
    public List<string> Proms { get; set; } = [];
    public string Source { get; set; } = "";
    public DateOnly? DoneOn { get; set; }

    public FollowUpItem ToItem() => new(Code, Label, DueDate, OpensOn, LateAfter, IsVisit, Proms, FollowUpAnchor.Surgery, Source);
}

public sealed class Visit
{
    public string Code { get; set; } = "";
    public DateOnly Date { get; set; }
    public WoundStatus Wound { get; set; }
    public NeurologyStatus Neurology { get; set; }
    public string? Imaging { get; set; }
    public string? Note { get; set; }
    public string By { get; set; } = "";
}

public sealed class MissedContact
{
    public DateOnly Date { get; set; }
    public string Note { get; set; } = "";
    public string By { get; set; } = "";
}

/// <summary>
/// After the operation: the ward stay and discharge (criteria ticked, expected vs actual length of stay), the
/// follow-up plan generated at discharge (rule 40), visits, missed contacts and closure (issue #8 §1–2).
/// </summary>
public sealed class RecoveryRecord : IVersioned
{
    private RecoveryRecord() { }

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public int CaseNumber { get; private set; }
    public DateOnly SurgeryDate { get; private set; }
    public int? ExpectedStayMinDays { get; private set; }
    public int? ExpectedStayMaxDays { get; private set; }
    public List<DischargeTick> Discharge { get; private set; } = [];
    public DateOnly? DischargedOn { get; private set; }
    public string? DischargedBy { get; private set; }
    public string? WoundCare { get; private set; }
    public string? ActivityLimits { get; private set; }
    public string? PainPlan { get; private set; }
    public bool PhysioReferral { get; private set; }
    public List<PlannedFollowUp> Plan { get; private set; } = [];
    public List<Visit> Visits { get; private set; } = [];
    public List<MissedContact> Missed { get; private set; } = [];
    public string? ClosedReason { get; private set; }
    public long Revision { get; set; }

    public static RecoveryRecord Start(SurgicalCase c, DateOnly surgeryDate, int? stayMin, int? stayMax)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new RecoveryRecord
        {
            Id = Guid.CreateVersion7(), CaseId = c.Id, CaseNumber = c.Number, SurgeryDate = surgeryDate,
            ExpectedStayMinDays = stayMin, ExpectedStayMaxDays = stayMax,
        };
    }

    /// <summary>Nights in hospital (surgery date to discharge date); null until discharged.</summary>
    public int? LengthOfStayDays => DischargedOn is { } d ? d.DayNumber - SurgeryDate.DayNumber : null;

    /// <summary>Stay outside the definition's expected range (seed 1–3 days, rule 42 ⚠ estimate).</summary>
    public bool? StayOutsideExpected => LengthOfStayDays is { } los && ExpectedStayMinDays is { } min && ExpectedStayMaxDays is { } max ? los < min || los > max : null;

    public void TickCriterion(string criterion, RecoveryOptions options, CaseActor actor, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("discharge", Roles.Nurse, Roles.Surgeon);
        if (!options.DischargeCriteria.Contains(criterion))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["criterion"] = [$"'{criterion}' is not a discharge criterion of this site"] });
        }
        RequireNotDischarged();
        if (Discharge.All(t => t.Criterion != criterion))
        {
            Discharge.Add(new DischargeTick { Criterion = criterion, By = actor.Name, AtUtc = nowUtc });
        }
    }

    public sealed record DischargeCommand(DateOnly Date, string? WoundCare, string? ActivityLimits, string? PainPlan, bool PhysioReferral);

    /// <summary>Discharges when every criterion is ticked, and generates the follow-up plan from the surgery date.</summary>
    public void DischargePatient(DischargeCommand command, RecoveryOptions options, FollowUpOptions followUp, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("discharge", Roles.Surgeon, Roles.Nurse);
        RequireNotDischarged();
        var open = options.DischargeCriteria.Where(c => Discharge.All(t => t.Criterion != c)).ToList();
        if (open.Count > 0)
        {
            throw new DomainRuleException("discharge-criteria", $"discharge criteria not met: {string.Join("; ", open)}");
        }
        if (command.Date < SurgeryDate)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["date"] = [$"discharge cannot be before the surgery ({SurgeryDate:yyyy-MM-dd})"] });
        }
        DischargedOn = command.Date;
        DischargedBy = actor.Name;
        WoundCare = Trim(command.WoundCare);
        ActivityLimits = Trim(command.ActivityLimits);
        PainPlan = Trim(command.PainPlan);
        PhysioReferral = command.PhysioReferral;
        Plan = [.. FollowUpPlanner.Generate(SurgeryDate, command.Date, followUp).Select(i => new PlannedFollowUp
        {
            Code = i.Code, Label = i.Label, DueDate = i.DueDate, OpensOn = i.OpensOn, LateAfter = i.LateAfter, IsVisit = i.IsVisit,
            Proms = [.. i.Proms], Source = i.Source,
        })];
    }

    public sealed record VisitCommand(string Code, DateOnly Date, WoundStatus Wound, NeurologyStatus Neurology, string? Imaging, string? Note);

    public void RecordVisit(VisitCommand command, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        actor.Require("visit", Roles.Surgeon, Roles.Nurse);
        RequireFollowingUp();
        var item = Plan.FirstOrDefault(p => p.Code == command.Code && p.IsVisit)
            ?? throw new ValidationException(new Dictionary<string, string[]> { ["code"] = [$"'{command.Code}' is not a visit of this plan ({string.Join(", ", Plan.Where(p => p.IsVisit).Select(p => p.Code))})"] });
        if (command.Date < SurgeryDate)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["date"] = ["a follow-up visit cannot precede the surgery"] });
        }
        Visits.RemoveAll(v => v.Code == command.Code);
        Visits.Add(new Visit { Code = command.Code, Date = command.Date, Wound = command.Wound, Neurology = command.Neurology, Imaging = Trim(command.Imaging), Note = Trim(command.Note), By = actor.Name });
        item.DoneOn = command.Date;
    }

    /// <summary>Marks a PROM-only point (e.g. the 90-day registry PROM) done when its responses arrive.</summary>
    public void MarkPromPointDone(string code, DateOnly date)
    {
        if (Plan.FirstOrDefault(p => p.Code == code && !p.IsVisit) is { } item)
        {
            item.DoneOn ??= date;
        }
    }

    public void RecordMissedContact(DateOnly date, string note, RecoveryOptions options, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("follow-up", Roles.Surgeon, Roles.Nurse);
        RequireFollowingUp();
        Missed.Add(new MissedContact { Date = date, Note = note?.Trim() ?? "", By = actor.Name });
    }

    public bool PlanComplete => Plan.Count > 0 && Plan.All(p => p.DoneOn is not null);

    public bool LostToFollowUp(RecoveryOptions options) => Missed.Count >= (options ?? throw new ArgumentNullException(nameof(options))).MissedContactsForLoss;

    /// <summary>Why the follow-up may close now, or null when it may not (plan complete or lost to follow-up).</summary>
    public string? CloseReason(RecoveryOptions options) =>
        PlanComplete ? "follow-up plan complete"
        : LostToFollowUp(options) ? $"lost to follow-up after {Missed.Count} missed contacts"
        : null;

    public void Close(RecoveryOptions options, CaseActor actor)
    {
        actor.Require("close", Roles.Surgeon);
        RequireFollowingUp();
        ClosedReason = CloseReason(options) ?? throw new DomainRuleException("close-follow-up",
            $"{Plan.Count(p => p.DoneOn is null)} follow-up point(s) open and {Missed.Count} of {options.MissedContactsForLoss} missed contacts: not complete, not lost to follow-up");
    }

    public IReadOnlyList<FollowUpItemStatus> StatusOn(DateOnly asOf) =>
        [.. Plan.Select(p => new FollowUpItemStatus(p.ToItem(), FollowUpPlanner.StatusOn(p.ToItem(), asOf, p.DoneOn is not null)))];

    private void RequireNotDischarged()
    {
        if (DischargedOn is not null)
        {
            throw new DomainRuleException("discharged", $"case {CaseNumber} was discharged on {DischargedOn:yyyy-MM-dd}");
        }
    }

    private void RequireFollowingUp()
    {
        if (DischargedOn is null)
        {
            throw new DomainRuleException("follow-up-after-discharge", "follow-up starts at discharge");
        }
        if (ClosedReason is not null)
        {
            throw new DomainRuleException("follow-up-closed", $"follow-up closed: {ClosedReason}");
        }
    }

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

}
