using Microsoft.Extensions.Time.Testing;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// The tests' one clock (issue #12 §9). Every factory starts a <see cref="FakeTimeProvider"/> at the same instant —
/// 09:00 in the hospital's zone (America/Chicago) on the day the test run started — so "today" is the same for the
/// app and for the test, and time only moves when a test moves it (e.g. to the booked day of surgery).
/// The date comes from the real calendar once, because the browser under test keeps real time for its cookies.
/// </summary>
public static class TestClock
{
    public const string Zone = "America/Chicago";

    private static readonly TimeZoneInfo ZoneInfo = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    /// <summary>The hospital's date when the run started.</summary>
    public static readonly DateOnly StartDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, ZoneInfo));

    public static readonly DateTimeOffset Start = At(StartDate, new TimeOnly(9, 0));

    /// <summary>A wall-clock time in the hospital's zone as an instant.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) =>
        new(TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(time), ZoneInfo), TimeSpan.Zero);

    public static FakeTimeProvider Create() => new(Start);

    /// <summary>Moves the clock to a wall-clock time in the hospital's zone (forward only: time never runs back).</summary>
    public static void MoveTo(this FakeTimeProvider clock, DateOnly date, TimeOnly time)
    {
        ArgumentNullException.ThrowIfNull(clock);
        clock.SetUtcNow(At(date, time));
    }
}
