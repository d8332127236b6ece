using System.Globalization;
using Explant.Core.Documents;
using Explant.Core.Patients;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Explant.Core.Readiness;

public sealed record InstructionLine(string Heading, string Text, DateTime? AtLocal, DateOnly? OnDate, string? Detail);

/// <summary>
/// The patient's own instructions: exact local dates and times in the hospital's zone ("Last solid food: Sunday
/// 6 December, 23:00"; "Last dose of apixaban: Friday 4 December"), from the readiness evaluation. One model feeds
/// the printable page, the PDF and the calendar file.
/// </summary>
public sealed record PatientInstructions(string PatientName, string HospitalName, string TimeZoneId, DateTime SurgeryLocal,
    IReadOnlyList<InstructionLine> Lines, IReadOnlyList<string> AskYourTeam)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string When(DateTime local) => local.ToString("dddd d MMMM, HH:mm", English);
    public static string Day(DateOnly date) => date.ToString("dddd d MMMM", English);

    public static PatientInstructions From(ReadinessReport report, Patient patient, string hospitalName, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(zone);
        if (report.SurgeryUtc is not { } surgeryUtc)
        {
            throw new Data.DomainRuleException("instructions-need-date", "patient instructions need a planned surgery date and time");
        }
        var surgery = TimeZoneInfo.ConvertTimeFromUtc(surgeryUtc, zone);
        var lines = new List<InstructionLine>
        {
            new("Your operation", $"{When(surgery)}", surgery, null, $"at {hospitalName}"),
        };
        foreach (var f in report.Fasting.OrderBy(f => f.LastIntakeLocal))
        {
            lines.Add(new("Eating and drinking", $"Last {f.Label.ToLower(English)}: {When(f.LastIntakeLocal)}", f.LastIntakeLocal, null, $"{f.Hours} hours before surgery"));
        }
        var ask = new List<string>();
        foreach (var h in report.Holds)
        {
            if (h.LastDoseDate is { } last)
            {
                var resume = h.ResumeAfterHours is { } r ? $" Restart {r}{(h.ResumeAfterHoursMax is { } m ? $"–{m}" : "")} hours after surgery unless told otherwise." : "";
                lines.Add(new("Medicines", $"Last dose of {h.Info.Agent}: {Day(last)}", null, last, ForPatients(h.Guidance + resume)));
            }
            else if (h.NeedsReview)
            {
                ask.Add($"{h.Info.Agent}: ask your care team what to do before surgery.");
            }
        }
        foreach (var item in report.Items.Where(i => i.RuleId.StartsWith("medication:", StringComparison.Ordinal) && i.Status == ItemStatus.Missing && i.Override is null))
        {
            var name = item.RuleId["medication:".Length..];
            if (!ask.Any(a => a.StartsWith(name, StringComparison.OrdinalIgnoreCase)))
            {
                ask.Add($"{name}: ask your care team what to do before surgery.");
            }
        }
        return new PatientInstructions($"{patient.GivenName} {patient.FamilyName}", hospitalName, zone.Id, surgery,
            [.. lines.OrderBy(l => l.AtLocal ?? l.OnDate!.Value.ToDateTime(TimeOnly.MinValue))], ask);
    }

    /// <summary>The ⚠ marks are for staff (a configurable, uncertain fact); patients get the plain instruction.</summary>
    private static string ForPatients(string text) => text.Replace(" ⚠", "", StringComparison.Ordinal).Replace("⚠", "", StringComparison.Ordinal);

    public byte[] ToPdf()
    {
        using var pdf = new FlowPdf($"Instructions for {PatientName}", $"{HospitalName} — times in {TimeZoneId}");
        pdf.Title($"Before your operation, {PatientName}");
        foreach (var group in Lines.GroupBy(l => l.Heading))
        {
            pdf.Heading(group.Key);
            foreach (var l in group)
            {
                pdf.Bullet(l.Detail is null ? l.Text : $"{l.Text} — {l.Detail}");
            }
        }
        if (AskYourTeam.Count > 0)
        {
            pdf.Heading("Please ask your care team");
            foreach (var a in AskYourTeam)
            {
                pdf.Bullet(a);
            }
        }
        pdf.Paragraph("");
        pdf.Paragraph($"All times are local time ({TimeZoneId}). If anything here differs from what your surgeon or anaesthetist told you, follow them and call the hospital.");
        return pdf.ToBytes();
    }

    /// <summary>An iCalendar file: timed events in the hospital's zone with a reminder an hour before; medicine days as all-day events with a morning reminder.</summary>
    public string ToIcs(Guid caseId)
    {
        var calendar = new Ical.Net.Calendar { ProductId = "-//Explant//Patient instructions//EN" };
        var n = 0;
        foreach (var l in Lines)
        {
            var e = new CalendarEvent { Summary = l.Text, Description = l.Detail, Uid = $"{caseId}-{n++}@explant" };
            if (l.AtLocal is { } at)
            {
                e.DtStart = new CalDateTime(at, TimeZoneId, true);
                e.Duration = Duration.FromMinutes(15);
                e.Alarms.Add(new Alarm { Action = "DISPLAY", Description = l.Text, Trigger = new Trigger(-Duration.FromHours(1)) });
            }
            else
            {
                e.DtStart = new CalDateTime(l.OnDate!.Value);
                e.Alarms.Add(new Alarm { Action = "DISPLAY", Description = l.Text, Trigger = new Trigger(Duration.FromHours(8)) });
            }
            calendar.Events.Add(e);
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
