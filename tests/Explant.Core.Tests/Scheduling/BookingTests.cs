using Explant.Core.Scheduling;

namespace Explant.Core.Tests.Scheduling;

/// <summary>Bookings on a room-day: team gaps and room-level conflicts (docs/clinical-rules.md §6, hazard H23).</summary>
public sealed class BookingTests
{
    private static readonly DateOnly Monday = new(2025, 3, 10);

    private static TimeOnly T(int hour, int minute = 0) => new(hour, minute);

    private static OperatingRoom Room() => OperatingRoom.Create("OR1", "Theatre 1", ["fluoroscopy"],
        [new WeeklyHours { Day = DayOfWeek.Monday, Opens = T(8), Closes = T(16) }], 30);

    private static Booking Booking(TimeOnly start, int minutes, int number = 7) =>
        new() { CaseId = Guid.NewGuid(), CaseNumber = number, Surgeon = "dr.a", Start = start, DurationMinutes = minutes };

    // ---- team ---------------------------------------------------------------------------------------

    [Fact]
    public void Team_gaps_are_the_required_roles_nobody_fills()
    {
        var b = Booking(T(8), 120);
        b.RequiredRoles = [TeamRoles.Surgeon, TeamRoles.Anesthesiologist, TeamRoles.CirculatingNurse, TeamRoles.ScrubTechnologist, TeamRoles.Radiographer];
        b.Team = [new TeamAssignment { Role = TeamRoles.CirculatingNurse, StaffId = "n1", Name = "Nora" }];
        Assert.Equal([TeamRoles.Anesthesiologist, TeamRoles.ScrubTechnologist, TeamRoles.Radiographer], b.TeamGaps);

        b.Team.Add(new TeamAssignment { Role = TeamRoles.Anesthesiologist, StaffId = "a1", Name = "Ana" });
        b.Team.Add(new TeamAssignment { Role = TeamRoles.ScrubTechnologist, StaffId = "s1", Name = "Sid" });
        b.Team.Add(new TeamAssignment { Role = TeamRoles.Radiographer, StaffId = "r1", Name = "Rae" });
        Assert.Empty(b.TeamGaps);
    }

    [Fact]
    public void The_surgeon_role_is_never_a_gap_because_the_cases_surgeon_fills_it()
    {
        var b = Booking(T(8), 120);
        b.RequiredRoles = [TeamRoles.Surgeon];
        Assert.Empty(b.Team);
        Assert.Empty(b.TeamGaps);
    }

    [Fact]
    public void A_booking_stored_before_teams_existed_reads_as_empty_with_no_gaps()
    {
        var b = Booking(T(8), 120);
        b.Team = null!;
        b.RequiredRoles = null!;
        Assert.Empty(b.Team);
        Assert.Empty(b.RequiredRoles);
        Assert.Empty(b.TeamGaps);
    }

    [Fact]
    public void A_booking_involves_its_surgeon_and_its_team_by_id_in_any_case()
    {
        var b = Booking(T(8), 120);
        b.Team = [new TeamAssignment { Role = TeamRoles.CirculatingNurse, StaffId = "n1", Name = "Nora" }];
        Assert.True(b.Involves("DR.A"));
        Assert.True(b.Involves("N1"));
        Assert.False(b.Involves("Nora"));
        Assert.False(b.Involves("dr.b"));
    }

    [Fact]
    public void The_end_is_start_plus_duration()
    {
        Assert.Equal(T(10, 15), Booking(T(8, 30), 105).End);
    }

    // ---- room conflicts -----------------------------------------------------------------------------

    [Fact]
    public void A_booking_inside_the_hours_of_an_empty_room_day_has_no_conflict()
    {
        var day = RoomDay.For("OR1", Monday);
        Assert.Empty(day.RoomConflicts(Room(), T(8), 480, Guid.NewGuid()));
    }

    [Theory]
    [InlineData(7, 59, 60)]
    [InlineData(15, 0, 61)]
    public void A_booking_outside_the_hours_is_a_hard_conflict(int hour, int minute, int minutes)
    {
        var day = RoomDay.For("OR1", Monday);
        var c = Assert.Single(day.RoomConflicts(Room(), T(hour, minute), minutes, Guid.NewGuid()));
        Assert.Equal("outside-hours", c.Rule);
        Assert.False(c.Soft);
    }

    [Fact]
    public void A_booking_on_a_closed_date_or_a_day_without_hours_is_refused()
    {
        var room = Room();
        room.Close(Monday);
        Assert.Equal("room-closed", Assert.Single(RoomDay.For("OR1", Monday).RoomConflicts(room, T(9), 60, Guid.NewGuid())).Rule);
        Assert.Equal("room-closed", Assert.Single(RoomDay.For("OR1", Monday.AddDays(1)).RoomConflicts(Room(), T(9), 60, Guid.NewGuid())).Rule);
    }

    [Theory]
    [InlineData(10, 30, false)] // starts exactly one turnover after the 08:00–10:00 case
    [InlineData(10, 29, true)]
    [InlineData(9, 0, true)]
    public void A_following_booking_needs_the_turnover_after_the_previous_case(int hour, int minute, bool conflict)
    {
        var day = RoomDay.For("OR1", Monday);
        day.Add(Booking(T(8), 120, number: 5));
        var conflicts = day.RoomConflicts(Room(), T(hour, minute), 60, Guid.NewGuid());
        if (conflict)
        {
            var c = Assert.Single(conflicts);
            Assert.Equal("room-double-booked", c.Rule);
            Assert.False(c.Soft);
            Assert.Contains("case 5 08:00–10:00 (+30 min turnover)", c.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(conflicts);
        }
    }

    [Theory]
    [InlineData(60, false)] // 10:00–11:00 leaves 30 min before the 11:30 case
    [InlineData(61, true)]
    public void A_preceding_booking_needs_the_turnover_before_the_next_case(int minutes, bool conflict)
    {
        var day = RoomDay.For("OR1", Monday);
        day.Add(Booking(T(11, 30), 60));
        var conflicts = day.RoomConflicts(Room(), T(10), minutes, Guid.NewGuid());
        Assert.Equal(conflict, conflicts.Any(c => c.Rule == "room-double-booked"));
    }

    [Fact]
    public void Moving_a_case_within_its_own_room_day_does_not_conflict_with_itself()
    {
        var day = RoomDay.For("OR1", Monday);
        var b = Booking(T(8), 120);
        day.Add(b);
        Assert.Empty(day.RoomConflicts(Room(), T(9), 120, b.CaseId));
    }

    [Fact]
    public void Adding_a_booking_for_the_same_case_replaces_the_old_one()
    {
        var day = RoomDay.For("OR1", Monday);
        var b = Booking(T(8), 120);
        day.Add(b);
        day.Add(new Booking { CaseId = b.CaseId, CaseNumber = b.CaseNumber, Surgeon = "dr.a", Start = T(13), DurationMinutes = 60 });
        Assert.Equal(T(13), Assert.Single(day.Bookings).Start);
        Assert.True(day.Remove(b.CaseId));
        Assert.False(day.Remove(b.CaseId));
        Assert.Empty(day.Bookings);
    }

    [Fact]
    public void A_booking_running_past_midnight_is_refused()
    {
        var day = RoomDay.For("OR1", Monday);
        var conflicts = day.RoomConflicts(Room(), T(15), 12 * 60, Guid.NewGuid());
        Assert.NotEmpty(conflicts);
        Assert.All(conflicts, c => Assert.Equal("outside-hours", c.Rule));
    }
}
