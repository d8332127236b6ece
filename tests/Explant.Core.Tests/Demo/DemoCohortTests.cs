using Explant.Cli;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Core.Recovery;
using Explant.Core.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Tests.Demo;

/// <summary>`demo seed` on a fresh SQLite file: the synthetic cohort fills every table of the service report, once.</summary>
public sealed class DemoCohortTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("explant-cohort-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Demo_seed_creates_a_cohort_that_fills_every_report_table_and_does_not_duplicate_it()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        await using var services = new CliConsole(stdout, stderr, new Dictionary<string, string?> { ["Database:SqlitePath"] = Path.Combine(dir, "explant.db") }).BuildServices();

        await DemoSeed.RunAsync(services);

        ServiceReport report;
        int cases;
        await using (var scope = services.CreateAsyncScope())
        {
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<ExplantDbContext>();
            var time = sp.GetRequiredService<HospitalTime>();
            var today = time.Today;
            report = await ServiceReport.Load(db, time, sp.GetRequiredService<IOptions<OutcomeOptions>>().Value.Mcid, today.AddMonths(-24).AddDays(1), today);
            cases = await db.Cases.CountAsync();
            // Demo records are made by the roles that make them on a ward: ASA by an anaesthesiologist, never the surgeon.
            var graded = await db.Cases.AsNoTracking().Where(c => c.AsaClass != null).Select(c => c.AsaRecordedBy).Distinct().ToListAsync();
            Assert.Equal([$"{Explant.Core.Auth.Roles.Anesthesiologist}@{DemoSeed.EmailDomain}"], graded);
        }

        Assert.InRange(report.Data.Cases.Count, 200, DemoCohort.MaxCases(2));
        Assert.NotEmpty(report.Utilisation.Days);
        Assert.NotEmpty(report.Durations.Rows);
        Assert.NotEmpty(report.Stay.Rows);
        Assert.Contains(report.Complications, c => c.Key != ReportCalculations.AnyComplication && c.Rate.Events > 0);
        Assert.Contains(report.Proms, p => p.TimePoint == "baseline" && p.Odi.N > 0);
        Assert.Contains(report.Proms, p => p.TimePoint != "baseline" && p.OdiMcid.Total > 0);
        Assert.NotEmpty(report.Indications);
        Assert.NotEmpty(report.Explants.Outcomes);
        Assert.NotEmpty(report.Explants.Retained);
        Assert.All(ServiceReport.TableNames, name => Assert.NotEmpty(report.Table(name).Rows));

        await DemoSeed.RunAsync(services);
        await using (var scope = services.CreateAsyncScope())
        {
            Assert.Equal(cases, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().Cases.CountAsync());
        }
    }
}
