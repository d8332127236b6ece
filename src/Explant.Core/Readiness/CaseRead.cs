using Explant.Core.Cases;
using Explant.Core.Implants;

namespace Explant.Core.Readiness;

/// <summary>
/// A case as the read route found it (<see cref="CaseInputs.FindForRead"/>), with what the case JSON and the case page
/// show beside it. When the rows came from <see cref="CaseReadCache"/>, the readiness, the view and the diagram computed
/// from them are remembered with them (issue #17): they are functions of the rows, the readiness settings and the
/// hospital's day, so they are computed again on a new day, with other settings or when the stamp shows a change.
/// </summary>
public sealed class CaseRead
{
    private readonly RememberedCase? known;

    internal CaseRead(SurgicalCase c, CaseInputs inputs, RememberedCase? known)
    {
        Case = c;
        Inputs = inputs;
        this.known = known;
    }

    public SurgicalCase Case { get; }

    public CaseInputs Inputs { get; }

    /// <summary>The readiness evaluation of the case today and the case view built on it.</summary>
    public (ReadinessReport Readiness, CaseView View) Evaluate(ReadinessService readiness)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        var (today, options) = (readiness.Today, readiness.Options);
        if (known?.Evaluated is { } last && last.Today == today && ReferenceEquals(last.Options, options))
        {
            return (last.Readiness, last.View);
        }
        var report = readiness.Evaluate(Case, Inputs);
        var view = CaseView.From(Case, Inputs.Patient, Inputs.Construct, today, report);
        known?.Evaluated = new Evaluation(today, options, report, view);
        return (report, view);
    }

    /// <summary>The construct diagram (SVG) with the planned components marked.</summary>
    public string Diagram() =>
        known is null ? SpineDiagram.Render(Inputs.Construct, Case.PlannedComponentIds)
        : known.Diagram ??= SpineDiagram.Render(Inputs.Construct, Case.PlannedComponentIds);
}
