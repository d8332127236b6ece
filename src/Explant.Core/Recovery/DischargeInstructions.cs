using System.Globalization;
using Explant.Core.Data;
using Explant.Core.Documents;
using Explant.Core.Procedures;
using Explant.Core.Readiness;

namespace Explant.Core.Recovery;

public sealed record DischargeSection(string Heading, IReadOnlyList<string> Paragraphs, IReadOnlyList<string> Bullets);

/// <summary>
/// The patient's going-home instructions: the definition's Recovery section (general), the care team's own wound,
/// activity and pain plan from the recovery record (specific), when held medicines restart (from the same hold rules
/// as the pre-operative instructions), warning signs after spine surgery (<see cref="WarningSigns"/>, not the consent's
/// risk list) and whom to call — the hospital's day and out-of-hours numbers (<see cref="HospitalContact"/>); without
/// them the instructions are not made (docs/clinical-rules.md §9). One model feeds the page and the PDF.
/// </summary>
public sealed record DischargeInstructions(string PatientName, string HospitalName, int CaseNumber, string TimeZoneId, DateOnly? DischargedOn,
    IReadOnlyList<DischargeSection> Sections, string Contact)
{
    public const string YourCare = "Your care at home";
    public const string Medicines = "Restarting your medicines";
    public const string General = "Recovery after this operation";
    public const string Emergency = "Emergency";
    public const string WarningSigns = "Call us if you notice";
    public const string WhomToCall = "Whom to call";

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <param name="holds">The pre-operative hold instructions (may be empty).</param>
    /// <param name="surgeryEndLocal">End of the operation in local time (closure end or out of room); restart times count from it.</param>
    public static DischargeInstructions From(string patientName, string hospitalName, int caseNumber, TimeZoneInfo zone, RecoveryRecord? record,
        ProcedureDocument? definition, IReadOnlyList<HoldInstruction> holds, DateTime? surgeryEndLocal, HospitalContact contact, decimal feverThresholdCelsius)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(holds);
        ArgumentNullException.ThrowIfNull(contact);
        var phones = contact.Require();
        var sections = new List<DischargeSection>();

        var care = new List<string>();
        if (record?.WoundCare is { } w) { care.Add($"Wound care: {w}"); }
        if (record?.ActivityLimits is { } a) { care.Add($"Activity: {a}"); }
        if (record?.PainPlan is { } p) { care.Add($"Pain relief: {p}"); }
        if (record?.PhysioReferral == true) { care.Add("You have been referred to physiotherapy; they will contact you with an appointment."); }
        if (record?.Plan.FirstOrDefault(x => x.IsVisit) is { } first)
        {
            care.Add($"First follow-up ({first.Label}): around {PatientInstructions.Day(first.DueDate)}.");
        }
        sections.Add(new(YourCare, care.Count == 0 ? ["Your care team will add your wound care, activity and pain plan before you go home."] : [], care));

        var meds = new List<string>();
        foreach (var h in holds.Where(h => h.ResumeAfterHours is not null))
        {
            var from = surgeryEndLocal is { } end ? $" — not before {PatientInstructions.When(end.AddHours(h.ResumeAfterHours!.Value))}" : "";
            var range = h.ResumeAfterHoursMax is { } max ? $"{h.ResumeAfterHours}–{max}" : $"{h.ResumeAfterHours}";
            meds.Add($"{h.Info.Agent}: restart {range} hours after surgery{from}, unless your surgeon tells you otherwise.");
        }
        foreach (var h in holds.Where(h => h.ResumeAfterHours is null))
        {
            meds.Add($"{h.Info.Agent}: ask your care team before restarting.");
        }
        if (meds.Count > 0)
        {
            sections.Add(new(Medicines, [], meds));
        }

        if (definition?.Section(SectionHeadings.Recovery) is { } recovery)
        {
            sections.Add(new(General, [.. recovery.Paragraphs.Select(x => x.Text)], [.. recovery.Items.Select(x => x.Text)]));
        }
        sections.Add(new(Emergency, [Recovery.WarningSigns.Emergency + ":"], Recovery.WarningSigns.EmergencySigns));
        sections.Add(new(WarningSigns, [Recovery.WarningSigns.CallTeam + ":"], [.. Recovery.WarningSigns.TeamSigns(feverThresholdCelsius), "anything else that worries you"]));
        sections.Add(new(WhomToCall, [phones], []));
        return new(patientName, hospitalName, caseNumber, zone.Id, record?.DischargedOn, sections, phones);
    }

    public string Title => $"Going home after your operation, {PatientName}";

    public byte[] ToPdf()
    {
        using var pdf = new FlowPdf($"Discharge instructions for {PatientName}", $"{HospitalName} — case {CaseNumber.ToString(CultureInfo.InvariantCulture)} — times in {TimeZoneId}");
        pdf.Title(Title);
        if (DischargedOn is { } d)
        {
            pdf.Paragraph($"Discharged {d.ToString("dddd d MMMM yyyy", English)}.");
        }
        foreach (var s in Sections)
        {
            pdf.Heading(s.Heading);
            foreach (var p in s.Paragraphs)
            {
                pdf.Paragraph(p);
            }
            foreach (var b in s.Bullets)
            {
                pdf.Bullet(b);
            }
        }
        pdf.Paragraph("");
        pdf.Paragraph("If anything here differs from what your surgeon told you, follow your surgeon and call the hospital.");
        return pdf.ToBytes();
    }
}
