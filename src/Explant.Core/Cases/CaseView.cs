using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Cases;

/// <summary>Everything a case page, the API and `explant case show` display about one case.</summary>
public sealed record CaseView(
    Guid Id, int Number, string State, long Revision, string? StateReason, string? CancelReason,
    CaseView.PatientPart Patient, CaseView.ProcedurePart Procedure, string Surgeon,
    CaseView.ConstructPart Construct, CaseView.PlanPart Plan,
    IReadOnlyList<CaseView.IndicationPart> Indications, InfectionEvidence InfectionEvidence,
    Guid? FusionEvidenceStudyId, EvidenceOverride? FusionOverride, string? EvidenceBlocker,
    DecisionRecord? Decision, IReadOnlyList<CaseView.ConsentPart> Consents, bool ConsentValid,
    IReadOnlyList<CaseView.ActionPart> NextActions, IReadOnlyList<TransitionRecord> History)
{
    public sealed record PatientPart(Guid Id, string Mrn, string Facility, string Name, int Age, string Sex, IReadOnlyList<string> Allergies);
    public sealed record ProcedurePart(string Code, int Version, IReadOnlyList<string> Alternatives);
    public sealed record ConstructPart(Guid Id, string Approach, string? Manufacturer, string? SystemName, string? Span, ConstructClassification Classification);
    public sealed record ComponentPart(Guid Id, string Kind, string Description, string? Level, string? Span, string? Side, string? Udi, bool Planned);
    public sealed record PlanPart(bool RemoveAll, int Revision, IReadOnlyList<ComponentPart> Components);
    public sealed record IndicationPart(string Key, string Label, string? IcdCode, string? Note, IReadOnlyList<IcdCandidate> Candidates);
    public sealed record ConsentPart(int Version, int PlanRevision, DateTime CreatedAtUtc, DateTime? PatientSignedAtUtc, DateTime? SurgeonSignedAtUtc,
        DateTime? WithdrawnAtUtc, string? WithdrawnReason, bool Current);
    public sealed record ActionPart(string Trigger, bool Allowed, string? Blocker, IReadOnlyList<string> Roles);

    public static async Task<CaseView> Load(ExplantDbContext db, SurgicalCase c, DateOnly today, CancellationToken ct = default, Readiness.ReadinessReport? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(c);
        var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == c.PatientId, ct);
        var construct = await db.Constructs.AsNoTracking().FirstAsync(x => x.Id == c.ConstructId, ct);
        return From(c, patient, construct, today, readiness);
    }

    /// <summary>Builds the view; with a readiness evaluation, the readiness-gated next actions show their real blockers.</summary>
    public static CaseView From(SurgicalCase c, Patient patient, Construct construct, DateOnly today, Readiness.ReadinessReport? readiness = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(construct);
        var current = c.CurrentConsent;
        return new CaseView(
            c.Id, c.Number, c.State.ToString(), c.Revision, c.StateReason, c.CancelReason?.ToString(),
            new PatientPart(patient.Id, patient.Mrn, patient.Facility, patient.DisplayName, patient.AgeOn(today), patient.Sex.ToString(), patient.Allergies),
            new ProcedurePart(c.ProcedureCode, c.ProcedureVersion, c.DefinitionAlternatives),
            c.Surgeon,
            new ConstructPart(construct.Id, construct.Approach.ToString(), construct.Manufacturer, construct.SystemName, construct.Span?.ToString(), construct.Classify()),
            new PlanPart(c.RemoveAll, c.PlanRevision, [.. construct.Components.Select(x => new ComponentPart(
                x.Id, x.Kind.ToString(), x.Describe(), x.Level, x.IsSpanning && x.Span is { } s ? s.ToString() : null, x.Side?.ToString(), x.Udi,
                c.PlannedComponentIds.Contains(x.Id)))]),
            [.. c.Indications.Select(i => new IndicationPart(i.Key, IndicationCodes.Find(i.Key)?.Label ?? i.Key, i.IcdCode, i.Note, IndicationCodes.Find(i.Key)?.Candidates ?? []))],
            c.Infection, c.FusionEvidenceStudyId, c.FusionOverride, c.EvidenceBlocker(),
            c.Decision,
            [.. c.Consents.OrderBy(x => x.Version).Select(x => new ConsentPart(x.Version, x.PlanRevision, x.CreatedAtUtc, x.PatientSignedAtUtc, x.SurgeonSignedAtUtc,
                x.WithdrawnAtUtc, x.WithdrawnReason, ReferenceEquals(x, current)))],
            c.ConsentValid,
            [.. c.NextActions(readiness).Select(a => new ActionPart(a.Trigger.ToString(), a.Blocker is null, a.Blocker,
                CaseTransitions.Find(c.State, a.Trigger)!.Roles))],
            c.History);
    }
}
