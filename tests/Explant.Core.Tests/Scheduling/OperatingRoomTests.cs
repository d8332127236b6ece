using Explant.Core.Data;
using Explant.Core.Scheduling;

namespace Explant.Core.Tests.Scheduling;

/// <summary>Operating rooms: hours, closures and surgeon blocks (docs/clinical-rules.md §6 ⚠ local settings).</summary>
public sealed class OperatingRoomTests
{
    private static readonly DateOnly Monday = new(2025, 3, 10);
    private static readonly DateOnly Tuesday = new(2025, 3, 11);
    private static readonly DateOnly Wednesday = new(2025, 3, 12);

    private static TimeOnly T(int hour, int minute = 0) => new(hour, minute);

    /// <summary>Room OR1 open Monday and Tuesday 08:00–16:00 (no Wednesday), 30 min turnover.</summary>
    private static OperatingRoom Room() => OperatingRoom.Create("OR1", "Theatre 1", ["Fluoroscopy "],
    [
        new WeeklyHours { Day = DayOfWeek.Monday, Opens = T(8), Closes = T(16) },
        new WeeklyHours { Day = DayOfWeek.Tuesday, Opens = T(8), Closes = T(16) },
    ], 30);

    // ---- Create -------------------------------------------------------------------------------------

    [Fact]
    public void Create_normalises_capabilities_and_defaults_the_name_to_the_id()
    {
        var room = OperatingRoom.Create(" OR2 ", " ", ["Fluoroscopy", "fluoroscopy "], [], 0);
        Assert.Equal("OR2", room.Id);
        Assert.Equal("OR2", room.Name);
        Assert.Equal(["fluoroscopy"], room.Capabilities);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(241)]
    public void Turnover_outside_0_to_240_minutes_is_refused(int minutes)
    {
        var e = Assert.Throws<ValidationException>(() => OperatingRoom.Create("OR1", "x", [], [], minutes));
        Assert.True(e.Errors.ContainsKey("turnoverMinutes"));
    }

    [Fact]
    public void Hours_must_close_after_they_open_and_be_one_entry_per_weekday()
    {
        var e = Assert.Throws<ValidationException>(() => OperatingRoom.Create("OR1", "x", [],
        [
            new WeeklyHours { Day = DayOfWeek.Monday, Opens = T(8), Closes = T(8) },
            new WeeklyHours { Day = DayOfWeek.Monday, Opens = T(9), Closes = T(12) },
        ], 30));
        Assert.True(e.Errors.ContainsKey("hours[0]"));
        Assert.True(e.Errors.ContainsKey("hours"));
    }

    [Fact]
    public void A_room_is_open_on_its_weekdays_unless_closed_that_date()
    {
        var room = Room();
        Assert.Equal((T(8), T(16)), room.OpenOn(Monday));
        Assert.Null(room.OpenOn(Wednesday));
        room.Close(Monday);
        room.Close(Monday);
        Assert.Single(room.Closures);
        Assert.Null(room.OpenOn(Monday));
        Assert.NotNull(room.OpenOn(Monday.AddDays(7)));
    }

    // ---- AddBlock -----------------------------------------------------------------------------------

    [Fact]
    public void A_block_inside_the_hours_is_added_and_adjacent_blocks_do_not_overlap()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, " dr.a ", T(8), T(12));
        room.AddBlock(DayOfWeek.Monday, "dr.b", T(12), T(16));
        Assert.Equal(["dr.a", "dr.b"], room.Blocks.Select(b => b.Surgeon));
        Assert.Equal((T(8), T(12)), (room.Blocks[0].Opens, room.Blocks[0].Closes));
    }

    [Theory]
    [InlineData(7, 30, 12, 0)]
    [InlineData(12, 0, 16, 30)]
    [InlineData(7, 0, 17, 0)]
    public void A_block_outside_the_hours_is_refused(int oh, int om, int ch, int cm)
    {
        var room = Room();
        var e = Assert.Throws<ValidationException>(() => room.AddBlock(DayOfWeek.Monday, "dr.a", T(oh, om), T(ch, cm)));
        Assert.Contains("inside OR1's hours", Assert.Single(e.Errors["opens"]), StringComparison.Ordinal);
        Assert.Empty(room.Blocks);
    }

    [Fact]
    public void A_block_on_a_day_the_room_has_no_hours_is_refused()
    {
        var room = Room();
        var e = Assert.Throws<ValidationException>(() => room.AddBlock(DayOfWeek.Wednesday, "dr.a", T(9), T(10)));
        Assert.True(e.Errors.ContainsKey("opens"));
        Assert.Empty(room.Blocks);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(11, 10)]
    public void A_block_must_close_after_it_opens(int opens, int closes)
    {
        var room = Room();
        var e = Assert.Throws<ValidationException>(() => room.AddBlock(DayOfWeek.Monday, "dr.a", T(opens), T(closes)));
        Assert.True(e.Errors.ContainsKey("closes"));
        Assert.Empty(room.Blocks);
    }

    [Fact]
    public void A_block_needs_a_surgeon()
    {
        var room = Room();
        var e = Assert.Throws<ValidationException>(() => room.AddBlock(DayOfWeek.Monday, "  ", T(8), T(12)));
        Assert.True(e.Errors.ContainsKey("surgeon"));
        Assert.Empty(room.Blocks);
    }

    [Theory]
    [InlineData(11, 14)]
    [InlineData(9, 10)]
    [InlineData(8, 12)]
    [InlineData(8, 16)]
    public void An_overlapping_block_is_refused(int opens, int closes)
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        var e = Assert.Throws<ValidationException>(() => room.AddBlock(DayOfWeek.Monday, "dr.b", T(opens), T(closes)));
        Assert.Contains("overlaps dr.a's block 08:00–12:00", Assert.Single(e.Errors["opens"]), StringComparison.Ordinal);
        Assert.Single(room.Blocks);
    }

    [Fact]
    public void The_same_hours_on_another_weekday_do_not_overlap()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        room.AddBlock(DayOfWeek.Tuesday, "dr.b", T(8), T(12));
        Assert.Equal(2, room.Blocks.Count);
    }

    [Fact]
    public void A_removed_block_frees_its_time()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        room.RemoveBlock(DayOfWeek.Monday, T(8));
        Assert.Empty(room.Blocks);
        room.AddBlock(DayOfWeek.Monday, "dr.b", T(9), T(11));
        Assert.Equal("dr.b", Assert.Single(room.Blocks).Surgeon);
    }

    // ---- BlockConflict ------------------------------------------------------------------------------

    [Fact]
    public void Without_blocks_that_weekday_booking_is_open()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(16));
        Assert.Null(room.BlockConflict(Tuesday, "dr.b", T(9), T(11)));
        Assert.Null(Room().BlockConflict(Monday, "dr.b", T(9), T(11)));
    }

    [Theory]
    [InlineData("dr.a", 8, 12)]
    [InlineData("DR.A", 9, 11)]
    [InlineData("dr.a", 10, 12)]
    public void A_booking_inside_the_surgeons_own_block_has_no_conflict(string surgeon, int start, int end)
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        room.AddBlock(DayOfWeek.Monday, "dr.b", T(12), T(16));
        Assert.Null(room.BlockConflict(Monday, surgeon, T(start), T(end)));
    }

    [Fact]
    public void A_booking_in_another_surgeons_block_is_a_soft_outside_block_conflict()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.b", T(12), T(16));
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        var c = room.BlockConflict(Monday, "dr.a", T(13), T(15));
        Assert.NotNull(c);
        Assert.Equal("outside-block", c.Rule);
        Assert.True(c.Soft);
        Assert.Contains("(blocks: dr.a 08:00–12:00, dr.b 12:00–16:00)", c.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11, 13)]
    [InlineData(7, 9)]
    public void A_booking_running_out_of_the_surgeons_block_is_a_soft_conflict(int start, int end)
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        var c = room.BlockConflict(Monday, "dr.a", T(start), T(end));
        Assert.Equal("outside-block", c?.Rule);
        Assert.True(c!.Soft);
    }

    [Fact]
    public void A_surgeon_without_a_block_on_a_blocked_day_is_outside_block_even_in_unallocated_time()
    {
        var room = Room();
        room.AddBlock(DayOfWeek.Monday, "dr.a", T(8), T(12));
        Assert.Equal("outside-block", room.BlockConflict(Monday, "dr.c", T(13), T(14))?.Rule);
    }
}
