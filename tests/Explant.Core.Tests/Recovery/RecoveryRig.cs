using Explant.Core.Cases;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;
using Explant.Core.Tests.Cases;

namespace Explant.Core.Tests.Recovery;

/// <summary>
/// A recovery record for a case built in memory (<see cref="CaseBuilder"/>, left the theatre: Recovering), operated on
/// <see cref="Surgery"/> with the seed's expected stay of 1–3 days, and the helpers that tick, discharge and visit
/// through the aggregate's own methods.
/// </summary>
internal sealed class RecoveryRig
{
    public static readonly DateOnly Surgery = new(2025, 3, 10);
    public static readonly DateTime Noon = new(2025, 3, 11, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The hospital's today for the rig's writes: past the whole plan, so any post-operative date is in the past.</summary>
    public static readonly DateOnly Today = Surgery.AddYears(2);

    public RecoveryRig(int? stayMin = 1, int? stayMax = 3)
    {
        Case = CaseBuilder.ACase().InState(CaseState.Recovering).Build();
        Record = RecoveryRecord.Start(Case, Surgery, stayMin, stayMax);
    }

    public SurgicalCase Case { get; }
    public RecoveryRecord Record { get; }
    public RecoveryOptions Options { get; } = new();
    public FollowUpOptions FollowUp { get; } = new();

    public static readonly string[] VisitCodes = ["2wk", "6wk", "3mo", "6mo", "1y"];

    public RecoveryRig TickAll(params string[] except)
    {
        foreach (var c in Options.DischargeCriteria.Where(c => !except.Contains(c)))
        {
            Record.TickCriterion(c, Options, Actors.Nurse, Noon);
        }
        return this;
    }

    public static RecoveryRecord.DischargeCommand Command(DateOnly date) =>
        new(date, "keep the dressing dry for 5 days", "no lifting over 5 kg for 6 weeks", "paracetamol and ibuprofen, oxycodone for 3 days", true);

    public RecoveryRig Discharge(int daysAfterSurgery = 2)
    {
        TickAll();
        Record.DischargePatient(Command(Surgery.AddDays(daysAfterSurgery)), Options, FollowUp, Actors.Surgeon, Today);
        return this;
    }

    public void Visit(string code, int daysAfterSurgery = 20) =>
        Record.RecordVisit(new(code, Surgery.AddDays(daysAfterSurgery), WoundStatus.Healed, NeurologyStatus.Unchanged, null, "well"), Actors.Nurse, Today);

    public void Miss(int n)
    {
        for (var i = 0; i < n; i++)
        {
            Record.RecordMissedContact(Surgery.AddDays(30 + i), "no answer on the phone", Options, Actors.Nurse, Today);
        }
    }
}
