using Explant.Cli;
using Explant.Core.Data;
using Explant.Core.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Core.Tests.Demo;

/// <summary>Issue #17 §4: `demo seed --years N` makes a cohort proportional to N (the scale test seeds N = 20).</summary>
public sealed class DemoYearsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("explant-years-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    private Dictionary<string, string?> Settings(string name) => new() { ["Database:SqlitePath"] = Path.Combine(dir, name) };

    // The CLI seeds from its hospital clock; the dates are judged against that same clock's today.
    private static async Task<(int Cases, DateOnly First, DateOnly Today)> Cohort(CliConsole console)
    {
        await using var services = console.BuildServices();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var dates = await db.RoomDays.AsNoTracking().Where(d => d.Bookings.Count > 0).Select(d => d.Date).ToListAsync();
        var cases = await db.Patients.AsNoTracking().CountAsync(p => p.Mrn.StartsWith(DemoCohort.MrnPrefix));
        return (cases, dates.Min(), scope.ServiceProvider.GetRequiredService<HospitalTime>().Today);
    }

    [Fact]
    public async Task Demo_seed_years_1_makes_about_half_the_cohort_of_years_2_over_one_year_of_dates()
    {
        using var err = new StringWriter();
        var oneYear = Settings("one.db");
        Assert.Equal(ExitCodes.Ok, await CliApp.RunAsync(["demo", "seed", "--years", "1"], TextWriter.Null, err, oneYear));
        Assert.Contains("1-year demo cohort", err.ToString(), StringComparison.Ordinal);
        var twoYears = Settings("two.db");
        Assert.Equal(ExitCodes.Ok, await CliApp.RunAsync(["demo", "seed"], TextWriter.Null, TextWriter.Null, twoYears));

        var (one, firstOfOne, today) = await Cohort(new CliConsole(TextWriter.Null, TextWriter.Null, oneYear) { Demo = true });
        var (two, firstOfTwo, _) = await Cohort(new CliConsole(TextWriter.Null, TextWriter.Null, twoYears) { Demo = true });
        Assert.InRange(one, 100, DemoCohort.MaxCases(1));
        Assert.InRange(two, 200, DemoCohort.MaxCases(2));
        Assert.InRange(two / (double)one, 1.6, 2.4);
        Assert.InRange(firstOfOne, today.AddMonths(-12).AddDays(-2), today);
        Assert.True(firstOfTwo < today.AddMonths(-12).AddDays(-2), $"a two-year cohort starts more than a year back (first list {firstOfTwo})");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("two")]
    public async Task Demo_seed_refuses_a_bad_number_of_years_naming_the_option_and_creates_nothing(string years)
    {
        using var err = new StringWriter();
        var settings = Settings("bad.db");
        Assert.Equal(ExitCodes.BadInput, await CliApp.RunAsync(["demo", "seed", "--years", years], TextWriter.Null, err, settings));
        Assert.Contains("--years", err.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "bad.db")));
    }
}
