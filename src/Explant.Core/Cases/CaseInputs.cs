using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Validation;

namespace Explant.Core.Cases;

// One input record per case write (issue "Pathway integrity" §2): the JSON API binds them from the body, the case page's
// forms fill them from the posted fields, and the command below holds the role check (first), the required fields,
// the parsing and the defaults, so both doors refuse the same input with the same field names. Property names are
// the JSON names used in error fields.

/// <summary>An indication of the definition (key), optionally with its ICD-10-CM candidate and a note.</summary>
public sealed record IndicationInput(string? Key, string? IcdCode, string? Note);

/// <summary>The shared decision: the alternatives discussed and the patient's choice ("removal" or an alternative).</summary>
public sealed record DecisionInput(List<string>? AlternativesDiscussed, string? Choice, string? Note);

/// <summary>The planned surgery as a local date and time in the hospital's zone ("2026-12-07T07:30").</summary>
public sealed record PlannedSurgeryInput(string? Local);

/// <summary>The day the history and physical was done.</summary>
public sealed record HistoryPhysicalInput(DateOnly? On);

/// <summary>The removal plan: everything, or the chosen components of the construct.</summary>
public sealed record PlanInput(bool RemoveAll, List<Guid>? ComponentIds);

/// <summary>Infection work-up: inflammatory markers with their date and the culture plan.</summary>
public sealed record InfectionInput(decimal? CrpMgL, decimal? EsrMmH, DateOnly? MarkersDate, string? CulturePlan);

/// <summary>The imaging study linked as fusion evidence.</summary>
public sealed record FusionEvidenceInput(Guid? ImagingStudyId);

/// <summary>A reason (fusion override, consent withdrawal).</summary>
public sealed record ReasonInput(string? Reason);

/// <summary>The patient's signature as signed (name), witnessed by the caller.</summary>
public sealed record SignatureInput(string? Signature);

/// <summary>A person-fired transition's reason and, for Cancel, the reason code (by name).</summary>
public sealed record TransitionInput(string? Reason, CancelReason? CancelReason);

/// <summary>ASA physical status (I–VI, optional E).</summary>
public sealed record AsaInput(string? AsaClass);

/// <summary>A readiness item overridden with a reason.</summary>
public sealed record OverrideInput(string? RuleId, string? Reason);

public static partial class CaseHandlers
{
    /// <summary>Adds an indication: surgeon only (checked before the body is looked at); key required; note and code within limits.</summary>
    public static Task<SurgicalCase> AddIndication(ExplantDbContext db, string reference, long? expectedRevision, IndicationInput input, CaseActor actor,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("indication", Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var key = check.Text("key", input.Key, InputLimits.ShortText, required: true);
        var icd = check.Text("icdCode", input.IcdCode, 16);
        var note = check.Text("note", input.Note, InputLimits.Note);
        check.ThrowIfAny();
        return Mutate(db, reference, expectedRevision, c => c.AddIndication(key!, icd, note, actor), ct);
    }

    /// <summary>Records the shared decision: surgeon only (first); the choice is required; alternatives are the definition's.</summary>
    public static Task<SurgicalCase> RecordDecision(ExplantDbContext db, string reference, long? expectedRevision, DecisionInput input, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("decision", Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(input);
        var check = new Check();
        var choice = check.Text("choice", input.Choice, InputLimits.ShortText, required: true);
        var note = check.Text("note", input.Note, InputLimits.Note);
        var alternatives = new List<string>();
        foreach (var (a, i) in (input.AlternativesDiscussed ?? []).Select((a, i) => (a, i)))
        {
            if (check.Text($"alternativesDiscussed[{i}]", a, InputLimits.ShortText, required: true) is { } t)
            {
                alternatives.Add(t);
            }
        }
        check.ThrowIfAny();
        return Mutate(db, reference, expectedRevision, c => c.RecordDecision(alternatives, choice!, note, actor, nowUtc), ct);
    }

    /// <summary>
    /// Sets the planned surgery from a local date and time in the hospital's zone: surgeon or scheduler (first). A
    /// malformed time, one the clocks skip (spring forward) or one they pass twice (fall back) is refused naming
    /// <c>local</c>; past and implausibly far dates are refused by the aggregate (<c>plannedSurgery</c>).
    /// </summary>
    public static Task<SurgicalCase> SetPlannedSurgery(ExplantDbContext db, string reference, long? expectedRevision, PlannedSurgeryInput input, CaseActor actor,
        HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("surgery date", Roles.Surgeon, Roles.Scheduler);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        var check = new Check();
        var utc = time.ParseLocal(check, "local", input.Local);
        check.ThrowIfAny();
        return Mutate(db, reference, expectedRevision, c => c.SetPlannedSurgery(utc!.Value, actor, time.UtcNow), ct);
    }

    /// <summary>Records the history and physical: surgeon or anaesthesiologist (first); the date is required and not after today (hospital zone).</summary>
    public static Task<SurgicalCase> RecordHistoryPhysical(ExplantDbContext db, string reference, long? expectedRevision, HistoryPhysicalInput input, CaseActor actor,
        HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("history and physical", Roles.Surgeon, Roles.Anesthesiologist);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        var check = new Check();
        var on = check.Date("on", input.On, notAfter: (time.Today, "today"), required: true);
        check.ThrowIfAny();
        return Mutate(db, reference, expectedRevision, c => c.RecordHistoryPhysical(on!.Value, actor, time.Today), ct);
    }

    // The writes below had their blanks defaulted and their clock chosen by each door; now the command does it. Their
    // aggregate methods check the role before anything else, so a wrong role is refused whatever the body holds.

    public static Task<SurgicalCase> SetPlan(ExplantDbContext db, string reference, long? expectedRevision, PlanInput input, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("plan", Roles.Surgeon);
        ArgumentNullException.ThrowIfNull(input);
        return SetPlan(db, reference, expectedRevision, input.RemoveAll, input.ComponentIds ?? [], actor, nowUtc, ct);
    }

    public static Task<SurgicalCase> RemoveIndication(ExplantDbContext db, string reference, long? expectedRevision, string? key, CaseActor actor,
        CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, c => c.RemoveIndication(key ?? "", actor), ct);

    public static Task<SurgicalCase> RecordInfectionEvidence(ExplantDbContext db, string reference, long? expectedRevision, InfectionInput input, CaseActor actor,
        HospitalTime time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(time);
        return Mutate(db, reference, expectedRevision, c => c.RecordInfectionEvidence(input.CrpMgL, input.EsrMmH, input.MarkersDate, input.CulturePlan, actor, time.Today), ct);
    }

    public static Task<SurgicalCase> OverrideFusionEvidence(ExplantDbContext db, string reference, long? expectedRevision, ReasonInput input, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mutate(db, reference, expectedRevision, c => c.OverrideFusionEvidence(input.Reason ?? "", actor, nowUtc), ct);
    }

    public static Task<SurgicalCase> SignConsentAsPatient(ExplantDbContext db, string reference, long? expectedRevision, int version, SignatureInput input,
        CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mutate(db, reference, expectedRevision, c => c.SignConsentAsPatient(version, input.Signature ?? "", actor, nowUtc), ct);
    }

    public static Task<SurgicalCase> SignConsentAsSurgeon(ExplantDbContext db, string reference, long? expectedRevision, int version, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, c => c.SignConsentAsSurgeon(version, actor, nowUtc), ct);

    public static Task<SurgicalCase> WithdrawConsent(ExplantDbContext db, string reference, long? expectedRevision, int version, ReasonInput input,
        CaseActor actor, DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mutate(db, reference, expectedRevision, c => c.WithdrawConsent(version, input.Reason ?? "", actor, nowUtc), ct);
    }

    public static Task<SurgicalCase> RecordHistoryPhysicalUpdate(ExplantDbContext db, string reference, long? expectedRevision, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, c => c.RecordHistoryPhysicalUpdate(actor, nowUtc), ct);

    public static Task<SurgicalCase> RecordAsa(ExplantDbContext db, string reference, long? expectedRevision, AsaInput input, CaseActor actor,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mutate(db, reference, expectedRevision, c => c.RecordAsa(input.AsaClass ?? "", actor), ct);
    }

    public static Task<SurgicalCase> OrderMri(ExplantDbContext db, string reference, long? expectedRevision, CaseActor actor, DateTime nowUtc,
        CancellationToken ct = default) =>
        Mutate(db, reference, expectedRevision, c => c.OrderMri(actor, nowUtc), ct);

    public static Task<SurgicalCase> OverrideReadiness(ExplantDbContext db, string reference, long? expectedRevision, OverrideInput input, CaseActor actor,
        DateTime nowUtc, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mutate(db, reference, expectedRevision, c => c.OverrideReadiness(input.RuleId ?? "", input.Reason ?? "", actor, nowUtc), ct);
    }
}
