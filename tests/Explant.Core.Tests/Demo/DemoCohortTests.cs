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

    private static async Task<List<(Guid CaseId, int Minutes, int Levels, int Components, int PlannedComponents, bool Infection, string Surgeon)>> StoredDurations(ExplantDbContext db) =>
        [.. (await db.OperationDurations.AsNoTracking().ToListAsync())
            .Select(d => (d.CaseId, d.Minutes, d.Levels, d.Components, d.PlannedComponents, d.Infection, d.Surgeon)).OrderBy(d => d.CaseId)];

    [Fact]
    public async Task Demo_seed_creates_a_cohort_that_fills_every_report_table_and_does_not_duplicate_it()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        await using var services = new CliConsole(stdout, stderr, new Dictionary<string, string?> { ["Database:SqlitePath"] = Path.Combine(dir, "explant.db") }).BuildServices();

        var seeded = await DemoSeed.RunAsync(services);

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

            // Nothing of a case is lost between the batch that builds it and the thread that saves it: every cohort patient
            // has its case, construct, theatre record, recovery record and booking, and the case numbers run without a gap.
            var cohort = await db.Patients.AsNoTracking().Where(p => p.Mrn.StartsWith(DemoCohort.MrnPrefix)).Select(p => p.Id).ToListAsync();
            var cohortCases = await db.Cases.AsNoTracking().Where(c => cohort.Contains(c.PatientId)).Select(c => new { c.Id, c.Number }).ToListAsync();
            Assert.Equal(cohort.Count, cohortCases.Count);
            var ids = cohortCases.Select(c => c.Id).ToList();
            Assert.Equal(cohort.Count, await db.IntraOpRecords.AsNoTracking().CountAsync(r => ids.Contains(r.CaseId)));
            Assert.Equal(cohort.Count, await db.RecoveryRecords.AsNoTracking().CountAsync(r => ids.Contains(r.CaseId)));
            Assert.Equal(cohort.Count, await db.Constructs.AsNoTracking().CountAsync(x => cohort.Contains(x.PatientId)));
            var booked = (await db.RoomDays.AsNoTracking().ToListAsync()).SelectMany(d => d.Bookings).Select(b => b.CaseId).ToHashSet();
            Assert.All(ids, id => Assert.Contains(id, booked));
            var numbers = cohortCases.Select(c => c.Number).Order().ToList();
            Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
            // Every case the seed made is stored, the last (partial) batch's too.
            Assert.Equal(seeded.CohortCases, cohort.Count);

            // Every operation's actual duration is stored for the estimates' history, and the backfill an upgraded database
            // gets (Migrator, on every start) derives the same rows from the records, cases and constructs.
            var stored = await StoredDurations(db);
            Assert.Equal(cohort.Count, stored.Count(d => ids.Contains(d.CaseId)));
            var minutes = (await db.IntraOpRecords.AsNoTracking().Where(r => ids.Contains(r.CaseId)).ToListAsync()).ToDictionary(r => r.CaseId, r => r.InRoomMinutes);
            Assert.All(stored.Where(d => ids.Contains(d.CaseId)), d => Assert.Equal(minutes[d.CaseId], d.Minutes));
            await db.OperationDurations.ExecuteDeleteAsync();
            await Migrator.MigrateAsync(services);
            Assert.Equal(stored, await StoredDurations(db));
            Assert.Equal(0, await Explant.Core.Scheduling.CaseDurations.BackfillAsync(db, CancellationToken.None));
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
