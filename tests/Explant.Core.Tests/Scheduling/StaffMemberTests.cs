using Explant.Core.Data;
using Explant.Core.Scheduling;

namespace Explant.Core.Tests.Scheduling;

/// <summary>Theatre staff: roles, working days and absences (issue #6 §1, docs/clinical-rules.md §6).</summary>
public sealed class StaffMemberTests
{
    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static StaffMember Nurse()
    {
        var s = StaffMember.Create("n1", "Nora Nurse", [TeamRoles.CirculatingNurse], Weekdays);
        // Monday 10 to Friday 14 March 2025.
        s.AddAbsence(new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 14), "annual leave");
        return s;
    }

    [Theory]
    [InlineData("2025-03-07", false)] // Friday before the absence
    [InlineData("2025-03-10", true)] // first day of the absence (inclusive)
    [InlineData("2025-03-12", true)]
    [InlineData("2025-03-14", true)] // last day of the absence (inclusive)
    [InlineData("2025-03-17", false)] // Monday after
    public void An_absence_covers_its_first_and_last_day(string date, bool absent)
    {
        var reason = Nurse().UnavailableOn(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
        if (absent)
        {
            Assert.NotNull(reason);
            Assert.Contains("absent 2025-03-10–2025-03-14 (annual leave)", reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(reason);
        }
    }

    [Fact]
    public void A_one_day_absence_covers_that_day_only()
    {
        var s = StaffMember.Create("n2", "Nell", [TeamRoles.CirculatingNurse], Weekdays);
        s.AddAbsence(new DateOnly(2025, 3, 19), new DateOnly(2025, 3, 19), "");
        Assert.Null(s.UnavailableOn(new DateOnly(2025, 3, 18)));
        Assert.Equal("Nell is absent 2025-03-19–2025-03-19", s.UnavailableOn(new DateOnly(2025, 3, 19)));
        Assert.Null(s.UnavailableOn(new DateOnly(2025, 3, 20)));
    }

    [Theory]
    [InlineData("2025-03-15", "Saturday")]
    [InlineData("2025-03-16", "Sunday")]
    public void A_non_working_weekday_is_unavailable(string date, string day)
    {
        var reason = Nurse().UnavailableOn(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"Nora Nurse does not work on {day}s", reason);
    }

    [Fact]
    public void Someone_with_no_working_days_is_never_available()
    {
        var s = StaffMember.Create("x", "Xavier", [TeamRoles.Radiographer], []);
        Assert.All(Enumerable.Range(0, 7).Select(d => new DateOnly(2025, 3, 10).AddDays(d)), d => Assert.NotNull(s.UnavailableOn(d)));
    }

    [Fact]
    public void An_absence_ending_before_it_starts_is_refused()
    {
        var s = StaffMember.Create("n3", "Nina", [TeamRoles.CirculatingNurse], Weekdays);
        var e = Assert.Throws<ValidationException>(() => s.AddAbsence(new DateOnly(2025, 3, 14), new DateOnly(2025, 3, 13), "x"));
        Assert.True(e.Errors.ContainsKey("to"));
        Assert.Empty(s.Absences);
    }

    [Fact]
    public void Create_normalises_roles_and_working_days()
    {
        var s = StaffMember.Create(" dr-a ", " Dr A ", [" Surgeon", "surgeon", "NEUROMONITORING"], [DayOfWeek.Friday, DayOfWeek.Monday, DayOfWeek.Friday]);
        Assert.Equal("dr-a", s.Id);
        Assert.Equal("Dr A", s.Name);
        Assert.Equal([TeamRoles.Surgeon, TeamRoles.Neuromonitoring], s.Roles);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Friday], s.WorkingDays);
    }

    [Fact]
    public void Create_refuses_an_unknown_role()
    {
        var e = Assert.Throws<ValidationException>(() => StaffMember.Create("p1", "Porter", ["porter"], Weekdays));
        Assert.Contains("'porter' is not a role", Assert.Single(e.Errors["roles"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_needs_an_id_a_name_and_a_role()
    {
        var e = Assert.Throws<ValidationException>(() => StaffMember.Create(" ", "", [], Weekdays));
        Assert.True(e.Errors.ContainsKey("id"));
        Assert.True(e.Errors.ContainsKey("name"));
        Assert.True(e.Errors.ContainsKey("roles"));
    }

    [Fact]
    public void Team_roles_are_the_personnel_keys_with_labels()
    {
        Assert.Equal(["surgeon", "anesthesiologist", "surgical-technologist", "nurse", "radiographer", "neuromonitoring"], TeamRoles.All);
        Assert.All(TeamRoles.All, r => Assert.NotEqual(r, TeamRoles.Label(r)));
        Assert.Equal("other", TeamRoles.Label("other"));
    }
}
