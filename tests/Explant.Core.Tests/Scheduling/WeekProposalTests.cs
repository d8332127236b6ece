using Explant.Core.Scheduling;
using static Explant.Core.Scheduling.WeekProposal;

namespace Explant.Core.Tests.Scheduling;

/// <summary>Issue #14 §3: the proposal's rules for each Ready case, on hand-built cases (no database, no clock).</summary>
public sealed class WeekProposalTests
{
    // A Monday, so the window's weekdays are plain.
    private static readonly DateOnly Today = new(2026, 12, 7);

    private static readonly WeeklyHours[] Week = [.. Enum.GetValues<DayOfWeek>().Select(d => new WeeklyHours { Day = d, Opens = new(8, 0), Closes = new(16, 0) })];

    private static OperatingRoom Room(string id = "OR1") => OperatingRoom.Create(id, id, ["fluoroscopy"], Week, 30);

    private static ReadyCase Case(int number, DateTime? planned = null, Hold[]? holds = null, Expiry[]? expiries = null, int minutes = 120, string surgeon = "s1") =>
        new(number, $"PATIENT{number}, Pat", surgeon, minutes, planned, holds ?? [], expiries ?? []);

    private static Result Propose(IReadOnlyList<ReadyCase> cases, IReadOnlyList<OperatingRoom>? rooms = null, IReadOnlyList<ExistingBooking>? booked = null,
        IReadOnlyList<StaffMember>? staff = null, DateOnly? from = null, int days = 14) =>
        Plan(new Situation(Today, from ?? Today, days, rooms ?? [Room()], booked ?? [], staff ?? [], cases, new SchedulingOptions()), seconds: 2);

    private static DateOnly Date(ProposedBooking b) => DateOnly.ParseExact(b.Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Never_today_or_earlier_even_when_planned_for_today()
    {
        var planned = Today.ToDateTime(new TimeOnly(13, 30));
        var b = Assert.Single(Propose([Case(4, planned)]).Bookings);
        Assert.True(Date(b) > Today, b.Date);
        Assert.Equal(Today.ToString("yyyy-MM-dd"), b.PlannedDate);
        Assert.Contains("never today or earlier", b.Reason, StringComparison.Ordinal);
        Assert.Equal("PATIENT4, Pat", b.Patient);
    }

    [Fact]
    public void A_patient_still_taking_a_held_drug_can_stop_today_at_the_earliest()
    {
        // Apixaban held 3 days before (the hold rule's lead time): last dose today at the earliest → surgery on day 3.
        var b = Assert.Single(Propose([Case(5, holds: [new Hold("apixaban", 3)])]).Bookings);
        Assert.Equal(Today.AddDays(3), Date(b));
        Assert.Contains("apixaban", b.Reason, StringComparison.Ordinal);
        Assert.Null(b.PlannedDate);

        // Planned the day after tomorrow: too soon for the hold, moved to the first day that honours it, with the reason.
        var early = Assert.Single(Propose([Case(6, Today.AddDays(2).ToDateTime(new TimeOnly(8, 0)), holds: [new Hold("apixaban", 3)])]).Bookings);
        Assert.Equal(Today.AddDays(3), Date(early));
        Assert.Contains($"planned {Today.AddDays(2):yyyy-MM-dd} is not possible", early.Reason, StringComparison.Ordinal);
        Assert.Contains("apixaban stops 3 days before surgery", early.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_recorded_for_the_planned_date_keeps_it()
    {
        var planned = Today.AddDays(2);
        var hold = new Hold("apixaban", 3, StoppedOn: Today.AddDays(-1), StoppedForSurgeryOn: planned);
        Assert.Null(NotOn(Case(7, holds: [hold]), planned, Today));
        Assert.NotNull(NotOn(Case(7, holds: [hold]), planned.AddDays(-1), Today));   // the stop counts only for the day it was recorded for
        var b = Assert.Single(Propose([Case(7, planned.ToDateTime(new TimeOnly(9, 0)), holds: [hold])]).Bookings);
        Assert.Equal(planned, Date(b));
        Assert.Equal("09:00", b.Start);
    }

    [Fact]
    public void The_planned_date_and_time_are_kept_when_that_day_is_free()
    {
        var planned = Today.AddDays(17).ToDateTime(new TimeOnly(13, 30));
        var b = Assert.Single(Propose([Case(4, planned)], days: 28).Bookings);
        Assert.Equal(Today.AddDays(17), Date(b));
        Assert.Equal("13:30", b.Start);
        Assert.Equal("planned date and time kept", b.Reason);
        Assert.True(b.KeepsPlannedTime);
    }

    [Fact]
    public void The_planned_date_is_kept_at_another_start_when_its_time_is_taken()
    {
        var day = Today.AddDays(4);
        var booked = new ExistingBooking("OR1", day, "s2", new TimeOnly(13, 0), 120);
        var b = Assert.Single(Propose([Case(8, day.ToDateTime(new TimeOnly(13, 30)))], booked: [booked]).Bookings);
        Assert.Equal(day, Date(b));
        Assert.Equal("08:00", b.Start);
        Assert.Contains("planned date kept", b.Reason, StringComparison.Ordinal);
        Assert.False(b.KeepsPlannedTime);
    }

    [Fact]
    public void Never_past_the_expiry_of_a_readiness_item()
    {
        // Every day up to day 6 is taken in the only room; the blood count expires on day 6: nothing is proposed after it.
        var full = Enumerable.Range(1, 6).Select(d => new ExistingBooking("OR1", Today.AddDays(d), "s2", new TimeOnly(8, 0), 480)).ToList();
        var result = Propose([Case(9, expiries: [new Expiry("Full blood count", Today.AddDays(6))])], booked: full);
        Assert.Empty(result.Bookings);
        var u = Assert.Single(result.Unplaced);
        Assert.Equal(9, u.Case);
        Assert.Contains(Today.AddDays(6).ToString("yyyy-MM-dd"), u.Reason, StringComparison.Ordinal);

        // An item that expires before the holds allow surgery: not placed, with both reasons.
        var late = Propose([Case(10, holds: [new Hold("apixaban", 3)], expiries: [new Expiry("Full blood count", Today.AddDays(2))])]);
        var v = Assert.Single(late.Unplaced);
        Assert.Contains("Full blood count is valid until", v.Reason, StringComparison.Ordinal);

        // With room on day 5 it goes there, never later than the expiry.
        var open = Propose([Case(11, expiries: [new Expiry("Full blood count", Today.AddDays(6))])], booked: full.Where(b => b.Date != Today.AddDays(5)).ToList());
        Assert.Equal(Today.AddDays(5), Date(Assert.Single(open.Bookings)));
        Assert.Equal($"Full blood count is valid until {Today.AddDays(6):yyyy-MM-dd}", NotOn(Case(11, expiries: [new Expiry("Full blood count", Today.AddDays(6))]), Today.AddDays(7), Today));
    }

    [Fact]
    public void Existing_bookings_surgeon_blocks_and_absences_stand()
    {
        // OR1 is s2's block all day on Tuesdays; s1 is away on Wednesday; OR1 is full on Thursday.
        var room = Room();
        room.AddBlock(DayOfWeek.Tuesday, "s2", new TimeOnly(8, 0), new TimeOnly(16, 0));
        var s1 = StaffMember.Create("s1", "Sam One", [TeamRoles.Surgeon], Enum.GetValues<DayOfWeek>());
        s1.AddAbsence(Today.AddDays(2), Today.AddDays(2), "congress");
        var thursday = new ExistingBooking("OR1", Today.AddDays(3), "s2", new TimeOnly(8, 0), 480);
        var result = Propose([Case(12, minutes: 240)], rooms: [room], booked: [thursday], staff: [s1], days: 7);
        var b = Assert.Single(result.Bookings);
        Assert.Equal(Today.AddDays(4), Date(b));   // Friday: the first day with nothing standing in the way

        // The block's owner may use it.
        var own = Propose([Case(13, minutes: 240, surgeon: "s2")], rooms: [room], booked: [thursday], days: 7);
        Assert.Equal(Today.AddDays(1), Date(Assert.Single(own.Bookings)));
    }

    [Fact]
    public void The_window_is_1_to_28_days_and_a_date()
    {
        CheckWindow("2026-12-08", "28", out var from, out var days);
        Assert.Equal((new DateOnly(2026, 12, 8), 28), (from, days));
        foreach (var bad in new[] { "0", "29", "-1", "two", "" })
        {
            var e = Assert.Throws<Explant.Core.Data.ValidationException>(() => CheckWindow("2026-12-08", bad, out _, out _));
            Assert.True(e.Errors.ContainsKey("days"));
        }
        Assert.True(Assert.Throws<Explant.Core.Data.ValidationException>(() => CheckWindow("08/12/2026", "5", out _, out _)).Errors.ContainsKey("from"));
    }
}
