using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Validation;

namespace Explant.Core.Recovery;

public sealed class RecoveryOptions
{
    /// <summary>
    /// Discharge criteria are set locally (docs/clinical-rules.md §9 ⚠); these are the typical items it lists. A site replaces
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

    /// <summary>
    /// Temperature from which a patient at home calls the team (docs/clinical-rules.md §9: 38.0 °C [S67] to 38.3 °C [S65] ⚠);
    /// printed in °C and °F on the discharge instructions.
    /// </summary>
    public decimal FeverThresholdCelsius { get; set; } = 38.0m;
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
    /// <param name="today">Today in the hospital's zone (HospitalTime.Today): a discharge is documented when it happens.</param>
    public void DischargePatient(DischargeCommand command, RecoveryOptions options, FollowUpOptions followUp, CaseActor actor, DateOnly today)
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
        var check = new Check();
        RequirePlausible(check, "date", command.Date, today);
        check.ThrowIfAny();
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

    /// <param name="today">Today in the hospital's zone: a visit is documented when it has happened.</param>
    public void RecordVisit(VisitCommand command, CaseActor actor, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(command);
        actor.Require("visit", Roles.Surgeon, Roles.Nurse);
        RequireFollowingUp();
        var check = new Check();
        var item = Plan.FirstOrDefault(p => p.Code == command.Code && p.IsVisit);
        if (item is null)
        {
            check.Add("code", $"'{command.Code}' is not a visit of this plan ({string.Join(", ", Plan.Where(p => p.IsVisit).Select(p => p.Code))})");
        }
        RequirePlausible(check, "date", command.Date, today);
        check.ThrowIfAny();
        Visits.RemoveAll(v => v.Code == command.Code);
        Visits.Add(new Visit { Code = command.Code, Date = command.Date, Wound = command.Wound, Neurology = command.Neurology, Imaging = Trim(command.Imaging), Note = Trim(command.Note), By = actor.Name });
        item!.DoneOn = command.Date;
    }

    /// <summary>
    /// Marks a PROM-only point done without the window check: for the pre-operative baseline found at discharge (its
    /// window is "before surgery", checked by state when it was taken) and for the demo cohort's history.
    /// </summary>
    public void MarkPromPointDone(string code, DateOnly date)
    {
        if (Plan.FirstOrDefault(p => p.Code == code && !p.IsVisit) is { } item)
        {
            item.DoneOn ??= date;
        }
    }

    /// <summary>
    /// Marks a PROM point of the plan done by a response collected on <paramref name="collectedOn"/>, refusing a point
    /// that is not a PROM point or whose window (FollowUpPlanner: opens on the due date minus its early days, closes
    /// at due date + grace) does not contain that day: a "3-month" PROM taken on the day of surgery is not one [S62].
    /// </summary>
    public void RecordPromPoint(string code, DateOnly collectedOn)
    {
        RequirePromWindow(code, collectedOn);
        // A point that is also a visit stays open until the visit is recorded.
        if (Plan.First(p => p.Code == code) is { IsVisit: false } item)
        {
            item.DoneOn ??= collectedOn;
        }
    }

    /// <summary>The check of <see cref="RecordPromPoint"/> without the change (a link is issued only inside the window).</summary>
    public void RequirePromWindow(string code, DateOnly on)
    {
        var item = Plan.FirstOrDefault(p => p.Code == code && p.Proms.Count > 0)
            ?? throw new ValidationException(new Dictionary<string, string[]> { ["timePoint"] = [$"'{code}' is not a PROM point of case {CaseNumber}'s plan"] });
        if (item.OpensOn is { } opens && on < opens)
        {
            throw new DomainRuleException("prom-window", $"the {item.Label} PROM opens on {opens:yyyy-MM-dd} (due {item.DueDate:yyyy-MM-dd}); {on:yyyy-MM-dd} is too early");
        }
        if (on > item.LateAfter)
        {
            throw new DomainRuleException("prom-window", $"the {item.Label} PROM window closed on {item.LateAfter:yyyy-MM-dd} (due {item.DueDate:yyyy-MM-dd}); {on:yyyy-MM-dd} is too late");
        }
    }

    /// <param name="today">Today in the hospital's zone: a missed contact is recorded after the attempt.</param>
    public void RecordMissedContact(DateOnly date, string? note, RecoveryOptions options, CaseActor actor, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(options);
        actor.Require("follow-up", Roles.Surgeon, Roles.Nurse);
        RequireFollowingUp();
        var check = new Check();
        RequirePlausible(check, "date", date, today);
        check.ThrowIfAny();
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

    /// <summary>Post-operative events happen on or after the day of surgery and not after today (nothing is documented ahead).</summary>
    private void RequirePlausible(Check check, string field, DateOnly date, DateOnly today) =>
        check.Date(field, date, notBefore: (SurgeryDate, "the surgery"), notAfter: (today, "today"));

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
