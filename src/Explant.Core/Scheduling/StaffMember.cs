using Explant.Core.Data;

namespace Explant.Core.Scheduling;

/// <summary>
/// Theatre team roles. Keys are the personnel keys the definition parser extracts from a procedure's Personnel
/// section (FactExtractor), so "what this operation needs" and "who can do it" compare directly (issue #6 §1).
/// </summary>
public static class TeamRoles
{
    public const string Surgeon = "surgeon";
    public const string Anesthesiologist = "anesthesiologist";
    public const string ScrubTechnologist = "surgical-technologist";
    public const string CirculatingNurse = "nurse";
    public const string Radiographer = "radiographer";
    public const string Neuromonitoring = "neuromonitoring";

    public static readonly IReadOnlyList<string> All = [Surgeon, Anesthesiologist, ScrubTechnologist, CirculatingNurse, Radiographer, Neuromonitoring];

    public static string Label(string role) => role switch
    {
        Surgeon => "Surgeon",
        Anesthesiologist => "Anesthesiologist / CRNA",
        ScrubTechnologist => "Scrub nurse / surgical technologist",
        CirculatingNurse => "Circulating nurse",
        Radiographer => "Radiographer (C-arm)",
        Neuromonitoring => "Neuromonitoring",
        _ => role,
    };
}

public sealed class Absence
{
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string Reason { get; set; } = "";
}

/// <summary>A member of theatre staff: their roles, the weekdays they work and their absences.</summary>
public sealed class StaffMember : IVersioned
{
    private StaffMember() { }

    /// <summary>Short code, or for surgeons the account name used as the case's surgeon.</summary>
    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    public List<string> Roles { get; private set; } = [];
    public List<DayOfWeek> WorkingDays { get; private set; } = [];
    public List<Absence> Absences { get; private set; } = [];
    public long Revision { get; set; }

    public static StaffMember Create(string id, string name, IEnumerable<string> roles, IEnumerable<DayOfWeek> workingDays)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(id)) { errors["id"] = ["required"]; }
        if (string.IsNullOrWhiteSpace(name)) { errors["name"] = ["required"]; }
        var list = roles.Select(r => r.Trim().ToLowerInvariant()).Distinct().ToList();
        if (list.Count == 0) { errors["roles"] = ["at least one role"]; }
        if (list.Where(r => !TeamRoles.All.Contains(r)).ToList() is { Count: > 0 } unknown)
        {
            errors["roles"] = [.. unknown.Select(r => $"'{r}' is not a role; use {string.Join(", ", TeamRoles.All)}")];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return new StaffMember { Id = id.Trim(), Name = name.Trim(), Roles = list, WorkingDays = [.. workingDays.Distinct().Order()] };
    }

    public void AddAbsence(DateOnly from, DateOnly to, string reason)
    {
        if (to < from)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["to"] = ["must not be before from"] });
        }
        Absences.Add(new Absence { From = from, To = to, Reason = reason.Trim() });
    }

    /// <summary>Why the person cannot work on a date, or null when available.</summary>
    public string? UnavailableOn(DateOnly date) =>
        Absences.FirstOrDefault(a => a.From <= date && date <= a.To) is { } a
            ? $"{Name} is absent {a.From:yyyy-MM-dd}–{a.To:yyyy-MM-dd}{(a.Reason.Length > 0 ? $" ({a.Reason})" : "")}"
            : WorkingDays.Contains(date.DayOfWeek) ? null : $"{Name} does not work on {date.DayOfWeek}s";
}

/// <summary>
/// One person's bookings on one date, as a row with a revision. Every booking that involves a person touches their
/// row, so two concurrent bookings of the same surgeon or team member in different rooms cannot both save: the
/// later one fails on the revision (or on the unique index when both create the row) instead of double-booking.
/// </summary>
public sealed class PersonDay : IVersioned
{
    private PersonDay() { }

    public Guid Id { get; private set; }
    public string Person { get; private set; } = "";
    public DateOnly Date { get; private set; }
    public int Bookings { get; private set; }
    public long Revision { get; set; }

    public static PersonDay For(string person, DateOnly date) => new() { Id = Guid.CreateVersion7(), Person = person, Date = date, Bookings = 1 };

    public void Touch() => Bookings++;
}
