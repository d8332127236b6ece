using Explant.Core.Data;
using Explant.Core.Theatre;
using Explant.Core.Validation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Core.Tests.Data;

/// <summary>
/// Local times typed for a command are turned into UTC in Core (HospitalTime), and a time the clocks skip or pass twice
/// is refused naming the field instead of being guessed (or failing with a 500).
/// </summary>
public sealed class HospitalTimeTests
{
    private static readonly HospitalTime Chicago = new(Options.Create(new HospitalOptions { TimeZone = "America/Chicago" }),
        new FakeTimeProvider(new DateTimeOffset(2027, 1, 10, 15, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void The_spring_forward_hour_is_refused_naming_the_field()
    {
        var check = new Check();
        // 2027-03-14: Chicago goes from 02:00 CST to 03:00 CDT; 02:30 does not exist.
        Assert.Null(Chicago.ParseLocal(check, "local", "2027-03-14T02:30"));
        var e = Assert.Throws<ValidationException>(check.ThrowIfAny);
        Assert.Contains("does not exist in America/Chicago", e.Errors["local"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_repeated_fall_back_hour_is_refused_naming_the_field()
    {
        var check = new Check();
        // 2027-11-07: Chicago goes from 02:00 CDT back to 01:00 CST; 01:30 happens twice.
        Assert.Null(Chicago.ParseLocal(check, "local", "2027-11-07T01:30"));
        var e = Assert.Throws<ValidationException>(check.ThrowIfAny);
        Assert.Contains("happens twice in America/Chicago", e.Errors["local"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-03-14T03:00", "2027-03-14T08:00:00Z")]
    [InlineData("2027-03-14T01:59", "2027-03-14T07:59:00Z")]
    [InlineData("2027-11-07T02:00", "2027-11-07T08:00:00Z")]
    [InlineData("2027-01-12T07:30", "2027-01-12T13:30:00Z")]
    public void Times_around_the_changes_convert_in_the_hospital_zone(string local, string utc)
    {
        var check = new Check();
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
            Chicago.ParseLocal(check, "local", local));
        Assert.True(check.Ok);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("2027-01-12 07:30", "is not a local date and time")]
    [InlineData("tomorrow", "is not a local date and time")]
    public void A_missing_or_malformed_local_time_is_refused_naming_the_field(string? local, string message)
    {
        var check = new Check();
        Assert.Null(Chicago.ParseLocal(check, "local", local));
        Assert.Contains(message, Assert.Throws<ValidationException>(check.ThrowIfAny).Errors["local"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_theatre_time_in_the_repeated_hour_is_refused_but_accepted_with_its_offset()
    {
        var check = new Check();
        Assert.Null(RecordedTime.Parse(check, "at", "2027-11-07T01:30", Chicago));
        Assert.Contains("offset", Assert.Throws<ValidationException>(check.ThrowIfAny).Errors["at"][0], StringComparison.Ordinal);

        var ok = new Check();
        Assert.Equal(new DateTime(2027, 11, 7, 7, 30, 0, DateTimeKind.Utc), RecordedTime.Parse(ok, "at", "2027-11-07T01:30-06:00", Chicago));
        Assert.True(ok.Ok);
    }
}
