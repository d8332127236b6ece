using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Scheduling;
using Explant.Core.Tests.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Scheduling;

/// <summary>
/// Issue "Pathway integrity" §2 for rooms, closures, blocks, staff and absences: one Core command each, the role checked
/// before the body is judged, every bad field named by its JSON path, nothing stored on refusal.
/// </summary>
public sealed class SchedulingCommandTests
{
    private static readonly SchedulingOptions Options = new();

    private static RoomInput Room(string id = "OR9", string? turnover = null) =>
        new(id, "Theatre 9", ["fluoroscopy"], [new("Monday", "08:00", "16:00"), new("Tuesday", "08:00", "16:00")], turnover is null ? null : int.Parse(turnover, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData(Roles.Surgeon)]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Anesthesiologist)]
    public async Task A_clinical_role_is_refused_before_a_bad_body_is_judged(string role)
    {
        await using var t = await PatientDb.CreateAsync();
        var actor = PatientDb.Actor(role);
        var bad = new RoomInput(null, null, null, [new("Funday", "8am", null)], -5);
        Assert.Equal("role:rooms", (await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.CreateRoom(t.Context(), bad, Options, actor))).Rule);
        Assert.Equal("role:rooms", (await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.CloseRoom(t.Context(), "OR9", new(null), actor))).Rule);
        Assert.Equal("role:rooms", (await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.AddBlock(t.Context(), "OR9", new("7", null, "x", null), actor))).Rule);
        Assert.Equal("role:staff", (await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.CreateStaff(t.Context(), new(null, null, null, ["1"]), actor))).Rule);
        Assert.Equal("role:staff", (await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.AddAbsence(t.Context(), "x", new(null, null, null), actor))).Rule);
        Assert.True((await Assert.ThrowsAsync<DomainRuleException>(() => SchedulingCommands.CreateRoom(t.Context(), Room(), Options, actor))).Forbidden);
        Assert.Equal(0, await t.Context().OperatingRooms.CountAsync());
    }

    [Fact]
    public async Task A_room_with_bad_hours_is_refused_naming_each_field_and_a_blank_turnover_takes_the_setting()
    {
        await using var t = await PatientDb.CreateAsync();
        var e = await Assert.ThrowsAsync<ValidationException>(() => SchedulingCommands.CreateRoom(t.Context(),
            new RoomInput(" ", null, null, [new("Funday", "8am", "16:00"), new("1", "08:00", null)], null), Options, PatientDb.Scheduler));
        Assert.Equal(["hours[0].day", "hours[0].opens", "hours[1].closes", "hours[1].day", "id"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, await t.Context().OperatingRooms.CountAsync());

        var room = await SchedulingCommands.CreateRoom(t.Context(), Room(), Options, PatientDb.Admin);
        Assert.Equal(Options.DefaultTurnoverMinutes, room.TurnoverMinutes);
        Assert.Equal(DayOfWeek.Monday, room.Hours[0].Day);
    }

    [Fact]
    public async Task A_block_and_a_closure_are_parsed_in_core_and_bad_fields_are_named()
    {
        await using var t = await PatientDb.CreateAsync();
        await SchedulingCommands.CreateRoom(t.Context(), Room(), Options, PatientDb.Scheduler);
        var e = await Assert.ThrowsAsync<ValidationException>(() => SchedulingCommands.AddBlock(t.Context(), "OR9", new("Mon", " ", "25:00", "12:00"), PatientDb.Scheduler));
        Assert.Equal(["day", "opens", "surgeon"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("date", Assert.Single((await Assert.ThrowsAsync<ValidationException>(() => SchedulingCommands.CloseRoom(t.Context(), "OR9", new(null), PatientDb.Scheduler))).Errors.Keys));

        var room = await SchedulingCommands.AddBlock(t.Context(), "OR9", new("monday", "surgeon@test.local", "08:00", "12:00"), PatientDb.Scheduler);
        Assert.Equal(DayOfWeek.Monday, Assert.Single(room.Blocks).Day);
        room = await SchedulingCommands.CloseRoom(t.Context(), "OR9", new(new DateOnly(2026, 3, 16)), PatientDb.Scheduler);
        Assert.Null(room.OpenOn(new DateOnly(2026, 3, 16)));
    }

    [Fact]
    public async Task An_absence_ending_before_it_starts_is_refused_naming_to_and_nothing_is_stored()
    {
        await using var t = await PatientDb.CreateAsync();
        await SchedulingCommands.CreateStaff(t.Context(), new("nurse-9", "N Nine", ["nurse"], ["Monday", "Tuesday"]), PatientDb.Scheduler);
        var e = await Assert.ThrowsAsync<ValidationException>(() =>
            SchedulingCommands.AddAbsence(t.Context(), "nurse-9", new(new DateOnly(2026, 3, 20), new DateOnly(2026, 3, 19), "leave"), PatientDb.Scheduler));
        Assert.Contains("is before from", Assert.Single(e.Errors["to"]), StringComparison.Ordinal);
        Assert.Empty((await t.Context().Staff.SingleAsync()).Absences);

        var staffError = await Assert.ThrowsAsync<ValidationException>(() =>
            SchedulingCommands.CreateStaff(t.Context(), new("nurse-10", " ", ["nurse"], ["Someday"]), PatientDb.Scheduler));
        Assert.Equal(["name", "workingDays[0]"], staffError.Errors.Keys.Order(StringComparer.Ordinal));

        var member = await SchedulingCommands.AddAbsence(t.Context(), "nurse-9", new(new DateOnly(2026, 3, 19), new DateOnly(2026, 3, 20), null), PatientDb.Scheduler);
        Assert.NotNull(member.UnavailableOn(new DateOnly(2026, 3, 20)));
    }
}
