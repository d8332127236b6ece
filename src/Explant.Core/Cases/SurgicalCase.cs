using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;

namespace Explant.Core.Cases;

public sealed class CaseIndication
{
    public string Key { get; set; } = "";
    public string? IcdCode { get; set; }
    public string? Note { get; set; }
}

public sealed class InfectionEvidence
{
    public decimal? CrpMgL { get; set; }
    public decimal? EsrMmH { get; set; }
    public DateOnly? MarkersDate { get; set; }
    public string? CulturePlan { get; set; }

    public bool MarkersRecorded => CrpMgL is not null || EsrMmH is not null;
}

public sealed class EvidenceOverride
{
    public string Reason { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

public sealed class DecisionRecord
{
    public List<string> AlternativesDiscussed { get; set; } = [];
    /// <summary>"removal", or the key of the alternative the patient chose.</summary>
    public string Choice { get; set; } = "";
    public string? Note { get; set; }
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

public sealed class ConsentRecord
{
    public int Version { get; set; }
    public int PlanRevision { get; set; }
    public string Document { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAtUtc { get; set; }
    public string? PatientSignature { get; set; }
    public string? PatientSignatureWitness { get; set; }
    public DateTime? PatientSignedAtUtc { get; set; }
    public string? SurgeonSignature { get; set; }
    public DateTime? SurgeonSignedAtUtc { get; set; }
    public DateTime? WithdrawnAtUtc { get; set; }
    public string? WithdrawnReason { get; set; }

    public bool FullySigned => PatientSignedAtUtc is not null && SurgeonSignedAtUtc is not null;
}

public enum LabKind
{
    Cbc,
    Creatinine,
    PtInr,
    Aptt,
    TypeAndScreen,
    Crp,
    Esr,
    HbA1c,
    PregnancyTest,
}

/// <summary>A pre-operative result. Creatinine is in mg/dL or µmol/L (<see cref="Unit"/>); other values are as reported.</summary>
public sealed class LabResult
{
    public LabKind Kind { get; set; }
    public decimal? Value { get; set; }
    public string? Unit { get; set; }
    public DateOnly TakenOn { get; set; }
    public string RecordedBy { get; set; } = "";
}

/// <summary>A clinician's documented decision to proceed despite an open readiness item.</summary>
public sealed class ReadinessOverride
{
    public string RuleId { get; set; } = "";
    public string Reason { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

/// <summary>
/// One issue of the patient's pre-operative instructions (issue #14 §2), kept as issued: a confirmed change of the
/// surgery time issues a new version and keeps the old one, and the new version waits until a nurse records that the
/// patient was told (how, and when). Lines are the instructions' text as the patient got it.
/// </summary>
public sealed class InstructionVersion
{
    public int Version { get; set; }
    public DateTime SurgeryUtc { get; set; }
    public DateTime IssuedUtc { get; set; }
    public string IssuedBy { get; set; } = "";
    public string Reason { get; set; } = "";
    public List<string> Lines { get; set; } = [];

    /// <summary>True for a version issued because the surgery time changed: the patient must be told.</summary>
    public bool MustInform { get; set; }
    public DateTime? InformedUtc { get; set; }
    public string? InformedBy { get; set; }
    public string? InformedHow { get; set; }
    public string? InformedNote { get; set; }

    public bool AwaitsPatient => MustInform && InformedUtc is null;
}

/// <summary>A surgeon took over the case from another (issue #12 §6).</summary>
public sealed class SurgeonHandOver
{
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Reason { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

public sealed class TransitionRecord
{
    public CaseState From { get; set; }
    public CaseState To { get; set; }
    public CaseTrigger Trigger { get; set; }
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
    public string? Reason { get; set; }
}

/// <summary>
/// The surgical case: one planned removal for one patient, from referral to closure. It pins the definition
/// version it was planned with and guards every step of the pathway through <see cref="CaseTransitions"/>.
/// </summary>
public sealed class SurgicalCase : IVersioned
{
    public const string RemovalChoice = "removal";

    /// <summary>Rule id (and reason prefix) of a consent voided because the case changed surgeon before it was fully signed.</summary>
    public const string ConsentVoidAtHandOver = "consent-void-at-hand-over";

    private SurgicalCase() { }

    public Guid Id { get; private set; }
    public int Number { get; private set; }
    public Guid PatientId { get; private set; }
    public Guid ConstructId { get; private set; }
    public string ProcedureCode { get; private set; } = "";
    public int ProcedureVersion { get; private set; }
    public List<string> DefinitionIndications { get; private set; } = [];
    public List<string> DefinitionAlternatives { get; private set; } = [];
    public string Surgeon { get; private set; } = "";
    public CaseState State { get; private set; }
    public int PlanRevision { get; private set; }
    public bool RemoveAll { get; private set; }
    public List<Guid> PlannedComponentIds { get; private set; } = [];
    public List<CaseIndication> Indications { get; private set; } = [];
    public InfectionEvidence Infection { get; private set; } = new();
    public Guid? FusionEvidenceStudyId { get; private set; }
    public EvidenceOverride? FusionOverride { get; private set; }
    public DecisionRecord? Decision { get; private set; }
    public List<ConsentRecord> Consents { get; private set; } = [];
    public List<TransitionRecord> History { get; private set; } = [];
    public List<SurgeonHandOver> HandOvers { get; private set; } = [];
    public CancelReason? CancelReason { get; private set; }
    public DateTime? PlannedSurgeryUtc { get; private set; }
    public List<LabResult> Results { get; private set; } = [];
    public DateOnly? HistoryPhysicalOn { get; private set; }
    public DateTime? HistoryPhysicalUpdatedUtc { get; private set; }
    public string? AsaClass { get; private set; }
    public string? AsaRecordedBy { get; private set; }
    public DateTime? MriOrderedUtc { get; private set; }
    public List<ReadinessOverride> ReadinessOverrides { get; private set; } = [];
    public List<InstructionVersion> InstructionVersions { get; private set; } = [];
    public string? StateReason { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    public long Revision { get; set; }

    public static SurgicalCase Open(int number, Guid patientId, Construct construct, Procedures.ProcedureDefinition definition,
        string surgeon, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(construct);
        ArgumentNullException.ThrowIfNull(definition);
        if (construct.PatientId != patientId)
        {
            throw new DomainRuleException("construct-belongs-to-patient", "the construct belongs to another patient", unprocessable: true);
        }
        var doc = definition.Parse();
        return new SurgicalCase
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            PatientId = patientId,
            ConstructId = construct.Id,
            ProcedureCode = definition.Code,
            ProcedureVersion = definition.Version,
            DefinitionIndications = [.. doc.Facts.Indications.Select(i => i.Key)],
            DefinitionAlternatives = [.. doc.Facts.Alternatives.Select(a => a.Key)],
            Surgeon = surgeon,
            State = CaseState.Referred,
            PlanRevision = 1,
            RemoveAll = true,
            PlannedComponentIds = [.. construct.Components.Select(c => c.Id)],
            CreatedAtUtc = nowUtc,
        };
    }

    private string Label => $"case {Number}";

    /// <summary>The states the shared decision is recorded in (the case page offers the form only then).</summary>
    public static readonly CaseState[] DecisionStates = [CaseState.Assessed];

    /// <summary>The states a consent document is generated in.</summary>
    public static readonly CaseState[] ConsentStates = [CaseState.Decided];

    /// <summary>Closed, cancelled or declined: nothing about the case changes any more (the pages show it read-only).</summary>
    public bool IsTerminal => State is CaseState.Closed or CaseState.Cancelled or CaseState.Declined;

    /// <summary>Before check-in: the plan and the pre-operative evidence may still change.</summary>
    public bool BeforeTheatre => State is CaseState.Referred or CaseState.Assessed or CaseState.Decided or CaseState.Consented
        or CaseState.Ready or CaseState.Scheduled or CaseState.Postponed;

    // ---- transitions -------------------------------------------------------------------------------

    /// <summary>
    /// Fires a trigger a person fires (the generic transition route, the case page, the CLI): refused unless listed for
    /// the current state, fired by a person, the actor has a role, and the guard holds. Triggers that belong to a step of
    /// the system (booking, check-in, milestones, discharge record, …) are refused here with the step that fires them.
    /// </summary>
    public void Fire(CaseTrigger trigger, CaseActor actor, DateTime nowUtc, TransitionRequest? request = null)
    {
        if (CaseTransitions.Find(State, trigger) is { FiredByPerson: false } step)
        {
            throw new DomainRuleException($"transition:{trigger}:system-step",
                $"{Label} cannot {trigger} directly: it happens only through {step.Step}");
        }
        Apply(trigger, actor, nowUtc, request);
    }

    /// <summary>
    /// Fires a trigger from inside the command of its system step, which has checked the step's own evidence (identity,
    /// checklist, booking, discharge record) before calling. Roles and guards of the table still apply.
    /// </summary>
    internal void FireStep(CaseTrigger trigger, CaseActor actor, DateTime nowUtc, TransitionRequest? request = null) =>
        Apply(trigger, actor, nowUtc, request);

    private void Apply(CaseTrigger trigger, CaseActor actor, DateTime nowUtc, TransitionRequest? request)
    {
        ArgumentNullException.ThrowIfNull(actor);
        request ??= new TransitionRequest();
        var transition = CaseTransitions.Find(State, trigger)
            ?? throw new DomainRuleException($"transition:{trigger}",
                $"{Label} cannot {trigger}: not allowed from {State} (allowed: {string.Join(", ", CaseTransitions.From(State).Select(t => t.Trigger))})");
        if (!actor.IsIn(transition.Roles))
        {
            throw new DomainRuleException($"role:{trigger}",
                $"{Label} cannot {trigger}: needs role {string.Join(" or ", transition.Roles)}", forbidden: true);
        }
        // The body is judged after the role: a role that may not fire the trigger is refused whatever it sent.
        request = request with { Reason = Limited("reason", request.Reason, Validation.InputLimits.Note) };
        if (transition.Guard(this, request) is { } blocker)
        {
            throw new DomainRuleException($"guard:{trigger}", $"{Label} cannot {trigger}: {blocker}");
        }
        // The system triggers carry their meaning with them, however they are fired: a withdrawn consent is
        // withdrawn, and a plan change makes the signed consent describe an older plan.
        if (trigger == CaseTrigger.ConsentWithdrawn && CurrentConsent is { WithdrawnAtUtc: null } withdrawn)
        {
            withdrawn.WithdrawnAtUtc = nowUtc;
            withdrawn.WithdrawnReason = request.Reason;
        }
        if (trigger == CaseTrigger.PlanChanged && ConsentValid)
        {
            PlanRevision++;
        }
        History.Add(new TransitionRecord
        {
            From = State, To = transition.To, Trigger = trigger, By = actor.Name, AtUtc = nowUtc,
            Reason = request.CancelReason is { } cr ? $"{cr}: {request.Reason}".TrimEnd(':', ' ') : request.Reason,
        });
        State = transition.To;
        StateReason = request.Reason;
        if (trigger == CaseTrigger.Cancel)
        {
            CancelReason = request.CancelReason;
        }
    }

    internal string? AssessmentBlocker()
    {
        if (Indications.Count == 0)
        {
            return "no indication recorded";
        }
        return PlannedComponentIds.Count == 0 ? "the planned scope has no component" : null;
    }

    internal string? DecisionBlocker(bool chooseRemoval)
    {
        if (Decision is null)
        {
            return "no shared decision recorded";
        }
        var missing = DefinitionAlternatives.Except(Decision.AlternativesDiscussed).ToList();
        if (missing.Count > 0)
        {
            return $"alternatives not discussed: {string.Join(", ", missing)}";
        }
        if (chooseRemoval != (Decision.Choice == RemovalChoice))
        {
            return chooseRemoval ? $"the patient chose '{Decision.Choice}', not removal" : "the patient chose removal";
        }
        return chooseRemoval ? EvidenceBlocker() : null;
    }

    /// <summary>Evidence rules of the pathway issue: infection needs markers or a culture plan; end of support needs solid fusion.</summary>
    public string? EvidenceBlocker()
    {
        var keys = Indications.Select(i => i.Key).ToHashSet();
        if (keys.Contains("infection") && !Infection.MarkersRecorded && string.IsNullOrWhiteSpace(Infection.CulturePlan))
        {
            // [S23][S24]: CRP/ESR and cultures are the infection work-up.
            return "indication 'infection' needs inflammatory markers (CRP/ESR) or a culture plan recorded";
        }
        if (keys.Contains("support-complete") && FusionEvidenceStudyId is null && FusionOverride is null)
        {
            // [S26] fusion is confirmed before elective removal; removing hardware over a non-union risks loss of correction ([S20]).
            return "indication 'support-complete' needs imaging evidence of solid fusion across the span, or a surgeon's override with reason";
        }
        return null;
    }

    internal string? ConsentBlocker() =>
        CurrentConsent is { } c && c.FullySigned && c.WithdrawnAtUtc is null
            ? null
            : CurrentConsent is null ? "no consent for the current plan"
            : CurrentConsent.WithdrawnAtUtc is not null ? "the consent was withdrawn"
            : "the consent for the current plan is not signed by both patient and surgeon";

    /// <summary>The latest consent generated for the current plan revision, if any.</summary>
    public ConsentRecord? CurrentConsent =>
        Consents.Where(c => c.PlanRevision == PlanRevision).OrderByDescending(c => c.Version).FirstOrDefault();

    public bool ConsentValid => ConsentBlocker() is null;

    // ---- plan, indications, evidence ---------------------------------------------------------------

    public void SetPlan(bool removeAll, IReadOnlyCollection<Guid> componentIds, Construct construct, CaseActor actor, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(componentIds);
        ArgumentNullException.ThrowIfNull(construct);
        RequireRole(actor, "plan", Roles.Surgeon);
        if (!BeforeTheatre)
        {
            throw new DomainRuleException("plan-frozen", $"{Label}: the plan cannot change in state {State}; from check-in unplanned findings go into the intra-operative record");
        }
        var all = construct.Components.Select(c => c.Id).ToList();
        var chosen = removeAll ? all : [.. componentIds.Distinct()];
        var unknown = chosen.Except(all).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["componentIds"] = [$"not components of this construct: {string.Join(", ", unknown)}"] });
        }
        if (chosen.Count == 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["componentIds"] = ["choose at least one component, or removeAll"] });
        }
        var isAll = chosen.Count == all.Count;
        if (isAll == RemoveAll && chosen.ToHashSet().SetEquals(PlannedComponentIds))
        {
            return;
        }
        var consentedBefore = ConsentValid;
        RemoveAll = isAll;
        PlannedComponentIds = [.. chosen];
        PlanRevision++;
        if (consentedBefore && State is CaseState.Consented or CaseState.Ready or CaseState.Scheduled or CaseState.Postponed)
        {
            FireStep(CaseTrigger.PlanChanged, actor, nowUtc, new TransitionRequest("plan changed after consent (revision " + PlanRevision + ")"));
        }
    }

    /// <summary>
    /// Hardware was added to the construct after the case was planned (issue #12 §7). A plan to remove "all components"
    /// now includes it, so a consent signed for all components no longer describes the operation: the plan revision
    /// moves on and a consented case goes back to Decided for re-consent. From check-in on, unplanned hardware belongs
    /// to the intra-operative record instead. Returns true when the plan changed.
    /// </summary>
    public bool HardwareAdded(Construct construct, CaseActor actor, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(construct);
        if (construct.Id != ConstructId || !BeforeTheatre || !RemoveAll)
        {
            return false;
        }
        var all = construct.Components.Select(c => c.Id).ToList();
        if (all.ToHashSet().SetEquals(PlannedComponentIds))
        {
            return false;
        }
        var consentedBefore = ConsentValid;
        PlannedComponentIds = all;
        PlanRevision++;
        if (consentedBefore && State is CaseState.Consented or CaseState.Ready or CaseState.Scheduled or CaseState.Postponed)
        {
            FireStep(CaseTrigger.PlanChanged, actor, nowUtc,
                new TransitionRequest($"hardware added to the construct after consent (plan revision {PlanRevision}): re-consent required"));
        }
        return true;
    }

    public void AddIndication(string key, string? icdCode, string? note, CaseActor actor)
    {
        RequireRole(actor, "indication", Roles.Surgeon);
        note = Limited("note", note, Validation.InputLimits.Note);
        icdCode = Limited("icdCode", icdCode, 16);
        RequireState("record indications", CaseState.Referred, CaseState.Assessed);
        if (!DefinitionIndications.Contains(key))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["key"] = [$"'{key}' is not an indication of {ProcedureCode} v{ProcedureVersion} (known: {string.Join(", ", DefinitionIndications)})"] });
        }
        if (icdCode is not null && IndicationCodes.Find(key) is { } info && info.Candidates.All(c => c.Code != icdCode))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["icdCode"] = [$"'{icdCode}' is not a candidate for '{key}' (candidates: {string.Join(", ", info.Candidates.Select(c => c.Code))})"] });
        }
        if (icdCode is not null && icdCode.StartsWith("Z47.2", StringComparison.Ordinal) && Indications.Any(i => i.IcdCode?.StartsWith("T84.6", StringComparison.Ordinal) == true)
            || icdCode is not null && icdCode.StartsWith("T84.6", StringComparison.Ordinal) && Indications.Any(i => i.IcdCode == "Z47.2"))
        {
            // Rule 13 ([S12]): Z47.2 Excludes1 T84.6-.
            throw new DomainRuleException("icd-z47.2-excludes-t84.6", "Z47.2 is never coded together with T84.6- (Excludes1, S12)", unprocessable: true);
        }
        Indications.RemoveAll(i => i.Key == key);
        Indications.Add(new CaseIndication { Key = key, IcdCode = icdCode, Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() });
    }

    public void RemoveIndication(string key, CaseActor actor)
    {
        RequireRole(actor, "indication", Roles.Surgeon);
        RequireState("change indications", CaseState.Referred, CaseState.Assessed);
        if (Indications.RemoveAll(i => i.Key == key) == 0)
        {
            throw new DomainRuleException("indication-missing", $"{Label} has no indication '{key}'");
        }
    }

    public void RecordInfectionEvidence(decimal? crp, decimal? esr, DateOnly? markersDate, string? culturePlan, CaseActor actor, DateOnly? today = null)
    {
        RequireRole(actor, "evidence", Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist);
        if (!BeforeTheatre)
        {
            throw new DomainRuleException("evidence-before-theatre", $"{Label}: pre-operative evidence cannot change in state {State}");
        }
        var check = new Validation.Check();
        check.Range("crpMgL", crp, Validation.Plausible.CrpMgL);
        check.Range("esrMmH", esr, Validation.Plausible.EsrMmH);
        var plan = check.Text("culturePlan", culturePlan, Validation.InputLimits.Note);
        check.Date("markersDate", markersDate, notBefore: (new DateOnly(1900, 1, 1), "1900"), notAfter: (today ?? DateOnly.MaxValue, "today"));
        check.ThrowIfAny();
        Infection = new InfectionEvidence { CrpMgL = crp, EsrMmH = esr, MarkersDate = markersDate, CulturePlan = plan };
    }

    /// <summary>
    /// Links an imaging study as fusion evidence; refused unless it shows solid fusion across the whole span and was taken
    /// after the hardware was implanted (issue #12 §7: an older study shows the spine before this construct existed).
    /// </summary>
    public void LinkFusionEvidence(ImagingStudy study, Construct construct, IReadOnlyCollection<Modality> acceptedModalities, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(construct);
        RequireRole(actor, "evidence", Roles.Surgeon);
        if (!BeforeTheatre)
        {
            throw new DomainRuleException("evidence-before-theatre", $"{Label}: pre-operative evidence cannot change in state {State}");
        }
        var span = construct.FusionSpan ?? throw new DomainRuleException("construct-span", "the construct has no components, so it has no span to prove fusion across");
        ArgumentNullException.ThrowIfNull(acceptedModalities);
        if (study.PatientId != PatientId)
        {
            throw new DomainRuleException("evidence-same-patient", "the imaging study belongs to another patient", unprocessable: true);
        }
        if (!acceptedModalities.Contains(study.Modality))
        {
            // [S26]: static radiographs are not recommended to judge fusion when instrumentation is present.
            throw new DomainRuleException("fusion-evidence-modality",
                $"{study.Modality} is not accepted as fusion evidence (accepted: {string.Join(", ", acceptedModalities)}; S26)", unprocessable: true);
        }
        if (construct.ImplantedOn is not { } implanted)
        {
            throw new DomainRuleException("fusion-evidence-after-implant",
                "the construct's implant date is not recorded, so no study can be shown to postdate the hardware: record the implant date first", unprocessable: true);
        }
        if (study.StudyDate <= implanted)
        {
            throw new DomainRuleException("fusion-evidence-after-implant",
                $"the study of {study.StudyDate:yyyy-MM-dd} is not after the construct was implanted ({implanted:yyyy-MM-dd}): it cannot show fusion around this hardware", unprocessable: true);
        }
        if (!study.ShowsSolidFusionAcross(span))
        {
            throw new DomainRuleException("fusion-evidence-span", $"the study of {study.StudyDate:yyyy-MM-dd} does not show solid fusion across {span}", unprocessable: true);
        }
        FusionEvidenceStudyId = study.Id;
    }

    public void OverrideFusionEvidence(string reason, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "override", Roles.Surgeon);
        reason = Limited("reason", reason, Validation.InputLimits.Note) ?? "";
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["reason"] = ["an override needs a reason"] });
        }
        RequireState("override fusion evidence", CaseState.Referred, CaseState.Assessed);
        FusionOverride = new EvidenceOverride { Reason = reason.Trim(), By = actor.Name, AtUtc = nowUtc };
    }

    // ---- decision and consent ----------------------------------------------------------------------

    public void RecordDecision(IReadOnlyCollection<string> alternativesDiscussed, string choice, string? note, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "decision", Roles.Surgeon);
        note = Limited("note", note, Validation.InputLimits.Note);
        ArgumentNullException.ThrowIfNull(alternativesDiscussed);
        RequireState("record the shared decision", DecisionStates);
        var unknown = alternativesDiscussed.Except(DefinitionAlternatives).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["alternativesDiscussed"] = [$"not alternatives of this definition: {string.Join(", ", unknown)}"] });
        }
        if (choice != RemovalChoice && !DefinitionAlternatives.Contains(choice))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["choice"] = [$"'{choice}' is neither 'removal' nor an alternative ({string.Join(", ", DefinitionAlternatives)})"] });
        }
        var previous = Decision;
        Decision = new DecisionRecord { AlternativesDiscussed = [.. alternativesDiscussed.Distinct()], Choice = choice, Note = note, By = actor.Name, AtUtc = nowUtc };
        try
        {
            FireStep(choice == RemovalChoice ? CaseTrigger.Decide : CaseTrigger.Decline, actor, nowUtc,
                new TransitionRequest(choice == RemovalChoice ? null : $"patient chose {choice}"));
        }
        catch (DomainRuleException)
        {
            // A refused decision leaves the case exactly as it was.
            Decision = previous;
            throw;
        }
    }

    public ConsentRecord GenerateConsent(string document, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "consent", Roles.Surgeon);
        RequireState("generate a consent", ConsentStates);
        var consent = new ConsentRecord
        {
            Version = Consents.Count + 1, PlanRevision = PlanRevision, Document = document, CreatedBy = actor.Name, CreatedAtUtc = nowUtc,
        };
        Consents.Add(consent);
        return consent;
    }

    public void SignConsentAsPatient(int version, string signature, CaseActor witness, DateTime nowUtc)
    {
        RequireRole(witness, "consent", Roles.Surgeon, Roles.Nurse);
        signature = Limited("signature", signature, Validation.InputLimits.ShortText) ?? "";
        var consent = SignableConsent(version);
        if (string.IsNullOrWhiteSpace(signature))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["signature"] = ["the patient's signature (name as signed) is required"] });
        }
        if (consent.PatientSignedAtUtc is { } signedAt)
        {
            throw new DomainRuleException("consent-signed", $"consent v{version} was already signed by the patient at {signedAt:u}; a signature is never overwritten");
        }
        consent.PatientSignature = signature.Trim();
        consent.PatientSignatureWitness = witness.Name;
        consent.PatientSignedAtUtc = nowUtc;
        CompleteConsentIfSigned(consent, witness, nowUtc);
    }

    public void SignConsentAsSurgeon(int version, CaseActor surgeon, DateTime nowUtc)
    {
        RequireRole(surgeon, "consent", Roles.Surgeon);
        RequireCaseSurgeon(surgeon, "sign the consent");
        var consent = SignableConsent(version);
        if (consent.SurgeonSignedAtUtc is { } signedAt)
        {
            throw new DomainRuleException("consent-signed", $"consent v{version} was already signed by the surgeon at {signedAt:u}");
        }
        consent.SurgeonSignature = surgeon.Name;
        consent.SurgeonSignedAtUtc = nowUtc;
        CompleteConsentIfSigned(consent, surgeon, nowUtc);
    }

    /// <summary>
    /// The consent step fires when the last signature lands, whoever gives it: the surgeon may sign before the patient,
    /// and a nurse may witness the patient's signature last. The step is recorded in the name of the surgeon who signed.
    /// </summary>
    private void CompleteConsentIfSigned(ConsentRecord consent, CaseActor actor, DateTime nowUtc)
    {
        if (consent.FullySigned && State == CaseState.Decided)
        {
            FireStep(CaseTrigger.Consent, new CaseActor(consent.SurgeonSignature ?? actor.Name, [Roles.Surgeon]), nowUtc,
                new TransitionRequest($"consent v{consent.Version} signed by patient and surgeon (last signature by {actor.Name})"));
        }
    }

    private ConsentRecord SignableConsent(int version)
    {
        RequireState("sign a consent", CaseState.Decided);
        var consent = Consents.FirstOrDefault(c => c.Version == version)
            ?? throw new DomainRuleException("consent-missing", $"{Label} has no consent version {version}");
        if (consent.PlanRevision != PlanRevision)
        {
            throw new DomainRuleException("consent-superseded", $"consent v{version} was generated for plan revision {consent.PlanRevision}; the plan is now revision {PlanRevision}: generate a new consent");
        }
        if (consent.WithdrawnAtUtc is not null)
        {
            throw consent.WithdrawnReason?.StartsWith(ConsentVoidAtHandOver, StringComparison.Ordinal) == true
                ? new DomainRuleException(ConsentVoidAtHandOver, $"consent v{version} is void: {consent.WithdrawnReason[(ConsentVoidAtHandOver.Length + 2)..]}")
                : new DomainRuleException("consent-withdrawn", $"consent v{version} was withdrawn");
        }
        // Defence in depth for documents generated before a hand-over voided them: a document naming another surgeon
        // is not signed for this case's surgeon.
        if (Consent.ConsentDocument.NamedSurgeon(consent.Document) is { } named && !string.Equals(named, Surgeon, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainRuleException(ConsentVoidAtHandOver, $"consent v{version} names {named} as the surgeon; the case's surgeon is now {Surgeon}: generate a new consent");
        }
        if (CurrentConsent != consent)
        {
            throw new DomainRuleException("consent-superseded", $"consent v{version} is superseded by v{CurrentConsent!.Version}");
        }
        return consent;
    }

    public void WithdrawConsent(int version, string reason, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "consent", Roles.Surgeon, Roles.Nurse);
        reason = Limited("reason", reason, Validation.InputLimits.Note) ?? "";
        var consent = Consents.FirstOrDefault(c => c.Version == version)
            ?? throw new DomainRuleException("consent-missing", $"{Label} has no consent version {version}");
        if (consent.WithdrawnAtUtc is not null)
        {
            throw new DomainRuleException("consent-withdrawn", $"consent v{version} is already withdrawn");
        }
        if (!BeforeTheatre && State != CaseState.CheckedIn)
        {
            throw new DomainRuleException("consent-withdrawal-timing", $"{Label}: consent cannot be withdrawn in state {State}");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["reason"] = ["required"] });
        }
        // Withdrawing a superseded version changes nothing about the consent the case stands on.
        var wasValid = ReferenceEquals(consent, CurrentConsent) && ConsentValid;
        consent.WithdrawnAtUtc = nowUtc;
        consent.WithdrawnReason = reason.Trim();
        if (wasValid && State is CaseState.Consented or CaseState.Ready or CaseState.Scheduled or CaseState.CheckedIn or CaseState.Postponed)
        {
            FireStep(CaseTrigger.ConsentWithdrawn, actor, nowUtc, new TransitionRequest(reason));
        }
    }

    // ---- pre-operative record (readiness inputs) --------------------------------------------------

    /// <summary>True while the pre-operative record (results, H&amp;P, ASA) may still change: before theatre or checked in.</summary>
    public bool AcceptsPreOpRecord => BeforeTheatre || State == CaseState.CheckedIn;

    private void RequirePreOp()
    {
        if (!AcceptsPreOpRecord)
        {
            throw new DomainRuleException("state:preop", $"{Label}: the pre-operative record cannot change in state {State}");
        }
    }

    /// <summary>How far ahead a surgery may be planned (issue #12 §8): a date beyond it is a typo, not a plan.</summary>
    public const int MaxPlanningYears = 2;

    /// <summary>
    /// Sets the planned surgery time. Once the case is booked its date follows the booking: a Scheduled or checked-in
    /// case is refused (rule move-the-booking) so the anticoagulant holds, fasting times and the theatre list never
    /// disagree with the slot; the booking's own move (<see cref="MoveBookedSurgery"/>) changes both together.
    /// </summary>
    public void SetPlannedSurgery(DateTime utc, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "surgery date", Roles.Surgeon, Roles.Scheduler);
        RequirePreOp();
        if (State is CaseState.Scheduled or CaseState.CheckedIn)
        {
            throw new DomainRuleException("move-the-booking",
                $"{Label} is {State}: its surgery date follows its booking; move the booking (the board, or POST /api/bookings with the new slot) so the room, the holds and the fasting times move together");
        }
        SetPlannedSurgeryTime(utc, nowUtc);
    }

    /// <summary>The booking's move: the planned time follows the new slot (conflict checks done by the booking).</summary>
    internal void MoveBookedSurgery(DateTime utc, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "surgery date", Roles.Scheduler);
        RequireState("move the booked surgery", CaseState.Ready, CaseState.Scheduled);
        SetPlannedSurgeryTime(utc, nowUtc);
    }

    /// <summary>
    /// Records a confirmed change of the surgery time made by a booking (issue #14 §2): the instructions the patient
    /// had are kept (as version 1 when none was recorded), the new ones are issued as the next version, and the case
    /// waits for a nurse to record that the patient was told (readiness item patient-informed).
    /// </summary>
    internal void IssueInstructionsForTimeChange(DateTime fromUtc, IReadOnlyList<string> previousLines, IReadOnlyList<string> newLines, string reason, CaseActor actor, DateTime nowUtc)
    {
        if (InstructionVersions.Count == 0)
        {
            InstructionVersions.Add(new InstructionVersion
            {
                Version = 1, SurgeryUtc = fromUtc, IssuedUtc = nowUtc, IssuedBy = actor.Name, Reason = "the instructions for the time planned before the change", Lines = [.. previousLines],
            });
        }
        InstructionVersions.Add(new InstructionVersion
        {
            Version = InstructionVersions.Max(v => v.Version) + 1, SurgeryUtc = PlannedSurgeryUtc ?? fromUtc, IssuedUtc = nowUtc, IssuedBy = actor.Name,
            Reason = reason, Lines = [.. newLines], MustInform = true,
        });
    }

    /// <summary>The latest issued instructions the patient has not been told about yet, if any.</summary>
    public InstructionVersion? AwaitingPatient => InstructionVersions.OrderByDescending(v => v.Version).FirstOrDefault() is { AwaitsPatient: true } v ? v : null;

    /// <summary>Ways a patient is told of a changed time (issue #14 §2).</summary>
    public static readonly IReadOnlyList<string> InformedWays = ["phone", "in-person", "letter", "portal", "sms", "email"];

    /// <summary>A nurse records that the patient was told of the changed surgery time and new instructions (clears patient-informed).</summary>
    public void RecordPatientInformed(string? how, string? note, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "patient informed", Roles.Nurse);
        var check = new Validation.Check();
        var way = check.Text("how", how, Validation.InputLimits.ShortText, required: true)?.ToLowerInvariant();
        if (way is not null && !InformedWays.Contains(way))
        {
            check.Add("how", $"'{how}' is not a way the patient was told; use {string.Join(", ", InformedWays)}");
        }
        var text = check.Text("note", note, Validation.InputLimits.Note);
        check.ThrowIfAny();
        if (AwaitingPatient is not { } pending)
        {
            throw new DomainRuleException("nothing-to-inform", $"{Label}: no changed surgery time is waiting to be told to the patient");
        }
        pending.InformedUtc = nowUtc;
        pending.InformedBy = actor.Name;
        pending.InformedHow = way;
        pending.InformedNote = text;
    }

    private void SetPlannedSurgeryTime(DateTime utc, DateTime nowUtc)
    {
        if (utc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("planned surgery time must be UTC", nameof(utc));
        }
        if (utc < nowUtc)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["plannedSurgery"] = ["cannot be in the past"] });
        }
        if (utc > nowUtc.AddYears(MaxPlanningYears))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["plannedSurgery"] = [$"is more than {MaxPlanningYears} years ahead ({utc:yyyy-MM-dd}): not a plausible surgery date"] });
        }
        PlannedSurgeryUtc = utc;
    }

    /// <summary>
    /// Records a pre-operative result. Dates: not in the future, not before the patient's birth (when given). Values:
    /// within the data-entry limits of <see cref="Validation.Plausible"/> for their kind and unit (issue #12 §8), so a
    /// creatinine of 1,000,000 mg/dL or a unit mix-up never reaches a dabigatran hold calculation.
    /// </summary>
    public void RecordResult(LabKind kind, decimal? value, string? unit, DateOnly takenOn, CaseActor actor, DateOnly today, DateOnly? bornOn = null)
    {
        RequireRole(actor, "results", Roles.Nurse, Roles.Surgeon, Roles.Anesthesiologist);
        RequirePreOp();
        var check = new Validation.Check();
        check.Date("takenOn", takenOn, notBefore: bornOn is { } b ? (b, "the patient's birth") : (new DateOnly(1900, 1, 1), "1900"), notAfter: (today, "today"));
        var u = check.Text("unit", unit, 20);
        if (value is < 0) { check.Add("value", "cannot be negative"); }
        if (kind == LabKind.Creatinine && (value is not > 0 || u is not ("mg/dL" or "umol/L" or "µmol/L")))
        {
            check.Add(value is not > 0 ? "value" : "unit", "creatinine needs a positive value in mg/dL or umol/L");
        }
        else if (value is >= 0 && PlausibleFor(kind, u) is { } range)
        {
            check.Range("value", value, range);
        }
        check.ThrowIfAny();
        Results.Add(new LabResult { Kind = kind, Value = value, Unit = u, TakenOn = takenOn, RecordedBy = actor.Name });
    }

    private static Validation.Plausible? PlausibleFor(LabKind kind, string? unit) => kind switch
    {
        LabKind.Creatinine => unit == "mg/dL" ? Validation.Plausible.CreatinineMgDl : Validation.Plausible.CreatinineUmolL,
        LabKind.PtInr => Validation.Plausible.Inr,
        LabKind.Aptt => Validation.Plausible.Aptt,
        LabKind.Crp => Validation.Plausible.CrpMgL,
        LabKind.Esr => Validation.Plausible.EsrMmH,
        LabKind.HbA1c => Validation.Plausible.HbA1cPercent,
        _ => null,
    };

    public LabResult? Latest(LabKind kind) => Results.Where(r => r.Kind == kind).OrderByDescending(r => r.TakenOn).FirstOrDefault();

    public void RecordHistoryPhysical(DateOnly on, CaseActor actor, DateOnly today)
    {
        RequireRole(actor, "history and physical", Roles.Surgeon, Roles.Anesthesiologist);
        RequirePreOp();
        if (on > today)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["historyPhysicalOn"] = ["cannot be in the future"] });
        }
        HistoryPhysicalOn = on;
    }

    public void RecordHistoryPhysicalUpdate(CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "history and physical update", Roles.Surgeon, Roles.Anesthesiologist);
        RequirePreOp();
        HistoryPhysicalUpdatedUtc = nowUtc;
    }

    /// <summary>ASA physical status I–VI with an optional E (emergency); "VIE" does not exist [S40]. Anaesthesiologists only.</summary>
    public void RecordAsa(string asaClass, CaseActor actor)
    {
        RequireRole(actor, "ASA class", Roles.Anesthesiologist);
        RequirePreOp();
        var t = (asaClass ?? "").Trim().ToUpperInvariant();
        var roman = t.EndsWith('E') ? t[..^1] : t;
        if (roman is not ("I" or "II" or "III" or "IV" or "V" or "VI") || t == "VIE")
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["asaClass"] = [$"'{asaClass}' is not an ASA class (I–VI, optional E; VIE does not exist)"] });
        }
        AsaClass = t;
        AsaRecordedBy = actor.Name;
    }

    public void OrderMri(CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "MRI order", Roles.Surgeon);
        RequirePreOp();
        MriOrderedUtc = nowUtc;
    }

    public void OverrideReadiness(string ruleId, string reason, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "readiness override", Roles.Surgeon, Roles.Anesthesiologist);
        ruleId = Limited("ruleId", ruleId, Validation.InputLimits.ShortText) ?? "";
        reason = Limited("reason", reason, Validation.InputLimits.Note) ?? "";
        RequirePreOp();
        if (string.IsNullOrWhiteSpace(ruleId) || string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException(new Dictionary<string, string[]> { [string.IsNullOrWhiteSpace(ruleId) ? "ruleId" : "reason"] = ["required"] });
        }
        ReadinessOverrides.RemoveAll(o => o.RuleId == ruleId);
        ReadinessOverrides.Add(new ReadinessOverride { RuleId = ruleId, Reason = reason.Trim(), By = actor.Name, AtUtc = nowUtc });
    }

    internal string? ReadinessBlocker(TransitionRequest request, string? except = null)
    {
        if (request.Readiness is not { } report || report.CaseId != Id)
        {
            return "readiness has not been evaluated for this case";
        }
        var open = report.OpenBlocking.Where(i => i.RuleId != except).ToList();
        return open.Count == 0 ? null : $"readiness has {open.Count} blocking item{(open.Count == 1 ? "" : "s")}: {string.Join("; ", open.Select(i => i.Title))}";
    }

    // ---- the case's surgeon -------------------------------------------------------------------------

    /// <summary>True when <paramref name="actor"/> is this case's surgeon (accounts are compared by e-mail, case-insensitively).</summary>
    public bool IsCaseSurgeon(CaseActor actor) => actor is not null && string.Equals(actor.Name, Surgeon, StringComparison.OrdinalIgnoreCase);

    /// <summary>Only the case's own surgeon signs for it (consent, operative note); a colleague takes the case over first.</summary>
    public void RequireCaseSurgeon(CaseActor actor, string action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!IsCaseSurgeon(actor))
        {
            throw new DomainRuleException("case-surgeon",
                $"{Label}: only its surgeon ({Surgeon}) may {action}; another surgeon takes the case over first (hand-over)", forbidden: true);
        }
    }

    /// <summary>Why the case cannot be handed over in its state (null when it can); the case page hides the form then.</summary>
    public (string Rule, string Message)? HandOverRefusal()
    {
        if (IsTerminal)
        {
            return ("hand-over-open-case", $"{Label} is {State}: a closed case is not handed over");
        }
        if (State is CaseState.Scheduled or CaseState.CheckedIn or CaseState.InTheatre)
        {
            // The booking holds the surgeon's time (double-booking and daily-limit checks): changing the surgeon of a
            // booked case would bypass them. Postpone or re-book with the new surgeon instead.
            return ("hand-over-booked",
                $"{Label} is {State}: its booking holds {Surgeon}'s time; postpone the case (or cancel its booking) before handing it over, then book it again");
        }
        return null;
    }

    /// <summary>Hands the case to <paramref name="surgeon"/> (an account checked by the caller), recording who, when and why.</summary>
    public void HandOver(string surgeon, string reason, CaseActor actor, DateTime nowUtc)
    {
        RequireRole(actor, "hand-over", Roles.Surgeon);
        if (HandOverRefusal() is { } refusal)
        {
            throw new DomainRuleException(refusal.Rule, refusal.Message);
        }
        if (string.Equals(surgeon, Surgeon, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainRuleException("hand-over-same-surgeon", $"{Label} is already {Surgeon}'s case");
        }
        var from = Surgeon;
        HandOvers.Add(new SurgeonHandOver { From = from, To = surgeon, Reason = reason, By = actor.Name, AtUtc = nowUtc });
        Surgeon = surgeon;
        // A consent not yet signed by both names the old surgeon as the one who will operate and may carry only one
        // of the two signatures: the new surgeon must not complete it. It is voided here, and a new document naming
        // the new surgeon is generated and signed by both (rule consent-void-at-hand-over).
        foreach (var open in Consents.Where(x => !x.FullySigned && x.WithdrawnAtUtc is null))
        {
            open.WithdrawnAtUtc = nowUtc;
            open.WithdrawnReason = $"{ConsentVoidAtHandOver}: the case was handed over from {from} to {surgeon}; this document names {from}. Generate a new consent.";
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /// <summary>Trimmed text within its length limit (issue #12 §8), null when blank; refused naming the field otherwise.</summary>
    private static string? Limited(string field, string? text, int max)
    {
        var check = new Validation.Check();
        var t = check.Text(field, text, max);
        check.ThrowIfAny();
        return t;
    }

    private void RequireRole(CaseActor actor, string what, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn(roles))
        {
            throw new DomainRuleException($"role:{what}", $"{Label}: {what} needs role {string.Join(" or ", roles)}", forbidden: true);
        }
    }

    private void RequireState(string action, params CaseState[] states)
    {
        if (!states.Contains(State))
        {
            throw new DomainRuleException($"state:{action}", $"{Label} cannot {action} in state {State} (only in {string.Join(", ", states)})");
        }
    }

    /// <summary>What must happen next, for the case page ("blockers and next actions").</summary>
    public IReadOnlyList<(CaseTrigger Trigger, string? Blocker)> NextActions(Readiness.ReadinessReport? readiness = null) =>
        [.. CaseTransitions.From(State).Where(t => t.FiredByPerson)
            .Select(t => (t.Trigger, t.Guard(this, new TransitionRequest("-", Cases.CancelReason.Other, readiness))))];
}
