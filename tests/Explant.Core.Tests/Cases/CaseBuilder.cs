using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Procedures;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Core.Tests.Cases;

/// <summary>The people acting on cases in tests, one per role, plus an actor holding every role and one holding none.</summary>
internal static class Actors
{
    public static readonly CaseActor Surgeon = new("Dr Sawbones", [Roles.Surgeon]);
    public static readonly CaseActor Nurse = new("Nurse Ratched", [Roles.Nurse]);
    public static readonly CaseActor Scheduler = new("Sam Scheduler", [Roles.Scheduler]);
    public static readonly CaseActor Anesthesiologist = new("Dr Ether", [Roles.Anesthesiologist]);
    public static readonly CaseActor Admin = new("Ada Admin", [Roles.Admin]);
    public static readonly CaseActor Everyone = new("Omni", [.. Roles.All]);
    public static readonly CaseActor Nobody = new("Visitor", []);

    public static CaseActor Only(string role) => new($"only-{role}", [role]);

    public static CaseActor AllBut(IEnumerable<string> roles) => new("lacks-role", [.. Roles.All.Except(roles)]);
}

/// <summary>
/// Builds a <see cref="SurgicalCase"/> in any <see cref="CaseState"/> by firing the aggregate's real methods with
/// actors holding the right roles (<c>ACase().WithConstruct("L3-L5")…</c>).
/// Defaults: a posterior pedicle-screw construct L3–L5, indication "pain", every alternative discussed, removal chosen.
/// </summary>
internal sealed class CaseBuilder
{
    public static readonly DateTime Start = new(2025, 3, 3, 8, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<ProcedureDefinition> SeedDefinition = new(() =>
    {
        var text = TestFiles.Seed;
        var doc = ProcedureParser.Parse(text).Document ?? throw new InvalidOperationException("the seed no longer parses");
        return ProcedureDefinition.Create(doc, text, "seed.txt", 1, Start, "test");
    });

    public static ProcedureDefinition Definition => SeedDefinition.Value;

    /// <summary>The seed's alternative keys (FactExtractor vocabulary).</summary>
    public static readonly string[] AllAlternatives = ["conservative-care", "revision-surgery", "observation"];

    private string constructLevels = "L3-L5";
    private bool emptyConstruct;
    private readonly List<(string Key, string? Icd)> indications = [("pain", null)];
    private (decimal? Crp, decimal? Esr, string? CulturePlan)? infection;
    private string? fusionOverride;
    private string[] alternativesDiscussed = AllAlternatives;
    private string declineChoice = "conservative-care";
    private CaseState target = CaseState.Referred;
    private CaseState postponedFrom = CaseState.Scheduled;
    private CaseState cancelledFrom = CaseState.Referred;

    public static CaseBuilder ACase() => new();

    /// <summary>A readiness evaluation of <paramref name="c"/> with nothing open (the readiness rules have their own tests).</summary>
    public static Explant.Core.Readiness.ReadinessReport CleanReadiness(SurgicalCase c) =>
        new(c.Id, null, new DateOnly(2025, 3, 3), false, [], [], [], []);

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(Start));
    public Guid PatientId { get; } = Guid.NewGuid();
    public Construct? Construct { get; private set; }

    /// <summary>The next instant: every step happens one minute after the previous one.</summary>
    public DateTime Now()
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        return Clock.GetUtcNow().UtcDateTime;
    }

    /// <summary>Bilateral pedicle screws at every level of the range, joined by two rods.</summary>
    public CaseBuilder WithConstruct(string levels)
    {
        constructLevels = levels;
        emptyConstruct = false;
        return this;
    }

    public CaseBuilder WithEmptyConstruct()
    {
        emptyConstruct = true;
        return this;
    }

    public CaseBuilder WithIndication(string key, string? icdCode = null)
    {
        indications.Add((key, icdCode));
        return this;
    }

    public CaseBuilder WithOnlyIndication(string key, string? icdCode = null)
    {
        indications.Clear();
        indications.Add((key, icdCode));
        return this;
    }

    public CaseBuilder WithoutIndications()
    {
        indications.Clear();
        return this;
    }

    public CaseBuilder WithInfectionEvidence(decimal? crp, decimal? esr, string? culturePlan)
    {
        infection = (crp, esr, culturePlan);
        return this;
    }

    public CaseBuilder WithFusionOverride(string reason = "fusion seen at revision surgery")
    {
        fusionOverride = reason;
        return this;
    }

    public CaseBuilder WithAlternativesDiscussed(params string[] alternatives)
    {
        alternativesDiscussed = alternatives;
        return this;
    }

    /// <summary>The alternative the patient picks when the builder is asked for <see cref="CaseState.Declined"/>.</summary>
    public CaseBuilder Declining(string alternative)
    {
        declineChoice = alternative;
        return this;
    }

    public CaseBuilder InState(CaseState state)
    {
        target = state;
        return this;
    }

    public CaseBuilder PostponedFrom(CaseState state)
    {
        target = CaseState.Postponed;
        postponedFrom = state;
        return this;
    }

    public CaseBuilder CancelledFrom(CaseState state)
    {
        target = CaseState.Cancelled;
        cancelledFrom = state;
        return this;
    }

    public static Construct PosteriorScrewConstruct(Guid patientId, string levels)
    {
        var construct = Construct.Record(patientId,
            new Construct.Details(new DateOnly(2019, 5, 14), "St Elsewhere", Approach.Posterior, "posterior fusion", "Acme Spine", "Tulip 5.5", null),
            new DateOnly(2025, 3, 3));
        var range = LevelRange.Parse(levels);
        foreach (var level in SpinalLevel.All.Where(range.Contains))
        {
            foreach (var side in new[] { Side.Left, Side.Right })
            {
                construct.AddComponent(new Construct.ComponentInput(ComponentKind.PedicleScrew, level.ToString(), null, side, 6.5m, 45m,
                    Material.Titanium, null, null, null, null));
            }
        }
        foreach (var side in new[] { Side.Left, Side.Right })
        {
            construct.AddComponent(new Construct.ComponentInput(ComponentKind.Rod, null, levels, side, 5.5m, 120m,
                Material.CobaltChromium, null, null, null, null));
        }
        return construct;
    }

    public SurgicalCase Build()
    {
        Construct = emptyConstruct
            ? Construct.Record(PatientId, new Construct.Details(null, null, Approach.Posterior, null, null, null, null), new DateOnly(2025, 3, 3))
            : PosteriorScrewConstruct(PatientId, constructLevels);
        var c = SurgicalCase.Open(41, PatientId, Construct, Definition, Actors.Surgeon.Name, Now());
        foreach (var (key, icd) in indications)
        {
            c.AddIndication(key, icd, null, Actors.Surgeon);
        }
        if (infection is { } i)
        {
            c.RecordInfectionEvidence(i.Crp, i.Esr, new DateOnly(2025, 2, 27), i.CulturePlan, Actors.Nurse);
        }
        if (fusionOverride is { } reason)
        {
            c.OverrideFusionEvidence(reason, Actors.Surgeon, Now());
        }
        Reach(c, target);
        return c;
    }

    private void Reach(SurgicalCase c, CaseState state)
    {
        switch (state)
        {
            case CaseState.Referred:
                break;
            case CaseState.Assessed:
                Reach(c, CaseState.Referred);
                c.Fire(CaseTrigger.Assess, Actors.Surgeon, Now());
                break;
            case CaseState.Decided:
                Reach(c, CaseState.Assessed);
                c.RecordDecision(alternativesDiscussed, SurgicalCase.RemovalChoice, "wants it out", Actors.Surgeon, Now());
                break;
            case CaseState.Declined:
                Reach(c, CaseState.Assessed);
                c.RecordDecision(alternativesDiscussed, declineChoice, "will try physiotherapy first", Actors.Surgeon, Now());
                break;
            case CaseState.Consented:
                Reach(c, CaseState.Decided);
                SignNewConsent(c);
                break;
            case CaseState.Ready:
                Reach(c, CaseState.Consented);
                c.Fire(CaseTrigger.AttestReady, Actors.Nurse, Now(), new TransitionRequest(Readiness: CleanReadiness(c)));
                break;
            case CaseState.Scheduled:
                Reach(c, CaseState.Ready);
                c.FireStep(CaseTrigger.Schedule, Actors.Scheduler, Now(), new TransitionRequest(Readiness: CleanReadiness(c)));
                break;
            case CaseState.CheckedIn:
                Reach(c, CaseState.Scheduled);
                c.FireStep(CaseTrigger.CheckIn, Actors.Nurse, Now());
                break;
            case CaseState.InTheatre:
                Reach(c, CaseState.CheckedIn);
                c.FireStep(CaseTrigger.EnterTheatre, Actors.Nurse, Now());
                break;
            case CaseState.Recovering:
                Reach(c, CaseState.InTheatre);
                c.FireStep(CaseTrigger.LeaveTheatre, Actors.Nurse, Now());
                break;
            case CaseState.Discharged:
                Reach(c, CaseState.Recovering);
                c.FireStep(CaseTrigger.Discharge, Actors.Surgeon, Now());
                break;
            case CaseState.FollowUp:
                Reach(c, CaseState.Discharged);
                c.FireStep(CaseTrigger.StartFollowUp, Actors.Nurse, Now());
                break;
            case CaseState.Closed:
                Reach(c, CaseState.FollowUp);
                c.FireStep(CaseTrigger.Close, Actors.Surgeon, Now());
                break;
            case CaseState.Postponed:
                Reach(c, postponedFrom);
                c.Fire(CaseTrigger.Postpone, Actors.Anesthesiologist, Now(), new TransitionRequest("chest infection, re-book in 6 weeks"));
                break;
            case CaseState.Cancelled:
                Reach(c, cancelledFrom);
                c.Fire(CaseTrigger.Cancel, Actors.Admin, Now(), new TransitionRequest("duplicate referral", CancelReason.Duplicate));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "no path to this state");
        }
    }

    /// <summary>Generates a consent for the current plan; the patient signs (nurse witness), then the surgeon, which consents the case.</summary>
    public ConsentRecord SignNewConsent(SurgicalCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var consent = c.GenerateConsent($"consent for case {c.Number}, plan revision {c.PlanRevision}", Actors.Surgeon, Now());
        c.SignConsentAsPatient(consent.Version, "Pat Patient", Actors.Nurse, Now());
        c.SignConsentAsSurgeon(consent.Version, Actors.Surgeon, Now());
        return consent;
    }
}
