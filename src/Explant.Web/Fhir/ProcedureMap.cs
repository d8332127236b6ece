using Explant.Core.Cases;
using Explant.Core.Implants;
using Explant.Core.Theatre;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// Procedure: one per surgical case (docs/clinical-rules.md §14): the CPT code, status from the pathway, performedPeriod from the
/// theatre milestones, the surgeon, reasons (Conditions), the levels, one focalDevice per planned component with the
/// removal action, and the reconciliation's outcome.
/// </summary>
internal static class ProcedureMap
{
    public static FhirType Type { get; } = new("Procedure", All,
    [
        new ReferenceParam<Procedure>("patient", "Patient", "The patient operated on", p => [p.Subject]),
        new TokenParam<Procedure>("code", "CPT code (http://www.ama-assn.org/go/cpt)", p => Tokens.Of(p.Code)),
        new TokenParam<Procedure>("status", "preparation | in-progress | not-done | completed", p => Tokens.Code(p.Status)),
        new DateParam<Procedure>("date", "When the operation was performed (incision to end of closure)", p => FhirDates.Of(p.Performed)),
    ], PatientOf: (data, id) => data.PatientOfCase(id));

    /// <summary>Where the pathway state puts the FHIR event status (event-status value set).</summary>
    public static EventStatus Status(CaseState state) => state switch
    {
        CaseState.InTheatre => EventStatus.InProgress,
        CaseState.Recovering or CaseState.Discharged or CaseState.FollowUp or CaseState.Closed => EventStatus.Completed,
        CaseState.Cancelled or CaseState.Declined => EventStatus.NotDone,
        _ => EventStatus.Preparation,
    };

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var intraOps = await data.IntraOpByCase();
        var constructs = (await data.Constructs()).ToDictionary(c => c.Id);
        var definitions = await data.Definitions();
        var list = new List<Resource>();
        foreach (var c in await data.Cases())
        {
            intraOps.TryGetValue(c.Id, out var intraOp);
            constructs.TryGetValue(c.ConstructId, out var construct);
            var name = definitions.FirstOrDefault(d => d.Code == c.ProcedureCode && d.Version == c.ProcedureVersion)?.Name;
            list.Add(Map(await data.Meta(nameof(SurgicalCase), c.Id, c.Revision), c, intraOp, construct, name, data));
        }
        return list;
    }

    private static Procedure Map(Meta meta, SurgicalCase c, IntraOpRecord? intraOp, Construct? construct, string? definitionName, FhirData data)
    {
        DateTimeOffset? At(params Milestone[] which) =>
            intraOp?.Milestones.Where(m => which.Contains(m.Milestone)).OrderBy(m => Array.IndexOf(which, m.Milestone)).Select(m => (DateTimeOffset?)data.Utc(m.AtUtc)).FirstOrDefault();
        var start = At(Milestone.Incision, Milestone.InRoom);
        var end = At(Milestone.ClosureEnd, Milestone.OutOfRoom);
        var planned = construct?.Components.Where(p => c.PlannedComponentIds.Contains(p.Id)).ToList() ?? [];

        var procedure = new Procedure
        {
            Id = c.Id.ToString(),
            Meta = meta,
            Identifier = [new Identifier(FhirRefs.CaseNumberSystem, c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Status = Status(c.State),
            // A SNOMED CT concept for this removal is not verified (docs/clinical-rules.md §14: none is sent rather than an invented one): CPT only.
            Code = new CodeableConcept { Coding = [new Coding(FhirRefs.Cpt, c.ProcedureCode)], Text = definitionName ?? $"CPT {c.ProcedureCode}" },
            Subject = FhirRefs.Patient(c.PatientId),
            Performer = [new Procedure.PerformerComponent { Actor = FhirRefs.Practitioner(c.Surgeon) }],
            ReasonReference = [.. c.Indications.Select(i => new ResourceReference($"Condition/{ConditionMap.Id(c, i)}"))],
            BodySite = [.. planned.Select(p => p.Span?.ToString()).Where(s => s is not null).Distinct().Order(StringComparer.Ordinal)
                .Select(s => new CodeableConcept { Text = s })],
            FocalDevice = [.. planned.Select(p => new Procedure.FocalDeviceComponent { Action = FhirRefs.RemovalAction, Manipulated = FhirRefs.Device(p.Id) })],
        };
        if (start is not null || end is not null)
        {
            procedure.Performed = new Period { StartElement = start is { } s ? new FhirDateTime(s) : null, EndElement = end is { } e ? new FhirDateTime(e) : null };
        }
        if (c.State is CaseState.Cancelled or CaseState.Declined && c.StateReason is { Length: > 0 } why)
        {
            procedure.StatusReason = new CodeableConcept { Text = why };
        }
        if (intraOp is { Explants.Count: > 0 } && intraOp.Explants.Any(l => l.Outcome is not null))
        {
            procedure.Outcome = new CodeableConcept { Text = Reconciliation(intraOp) };
        }
        return procedure;
    }

    /// <summary>The reconciliation in one line: counts per outcome, then what stayed in the patient and where.</summary>
    private static string Reconciliation(IntraOpRecord r)
    {
        var counts = r.Explants.GroupBy(l => l.Outcome?.ToString() ?? "Unaccounted").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: {g.Count()}");
        var left = r.Explants.Where(l => l.Outcome is ExplantOutcome.Retained or ExplantOutcome.FragmentRetained or ExplantOutcome.NotFound)
            .Select(l => $"{l.Description} — {l.Outcome}{(l.Detail is { } d ? $" ({d})" : "")}");
        return "Explant reconciliation: " + string.Join(", ", counts) + (left.Any() ? ". " + string.Join("; ", left) : "");
    }
}
