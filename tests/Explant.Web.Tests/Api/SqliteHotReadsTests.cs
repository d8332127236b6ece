using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Readiness;
using Explant.Web.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue #17: on SQLite the case stamp and the bearer token's security stamp are read by statements kept prepared on
/// connections kept open (SqliteHotReads), written out in SQL. They must answer exactly what EF's queries of the same
/// thing answer, for every case and account of a seeded cohort, and see a write made through any other connection.
/// </summary>
public sealed class SqliteHotReadsTests(SeededCohort_Sqlite cohort) : IClassFixture<SeededCohort_Sqlite>
{
    private SqliteHotReads Hot => cohort.Factory.Services.GetRequiredService<SqliteHotReads>();

    [Fact]
    public async Task The_prepared_case_stamp_equals_efs_on_every_case_and_on_a_missing_one()
    {
        Assert.True(Hot.Enabled);
        await using var scope = cohort.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var numbers = await db.Cases.AsNoTracking().Select(c => c.Number).ToListAsync();
        Assert.True(numbers.Count > 100, $"{numbers.Count} cases");
        // One patient revised twice more, so a patient's revision differs from its construct's and its case's somewhere
        // (demo rows are often all at one revision, and swapped columns would then compare equal).
        await ReviseAPatientTwice(numbers.Max());
        await ReviseAStudyTwice(db);
        var stamps = new List<CaseStamp>();
        foreach (var number in numbers.Append(numbers.Max() + 1000))
        {
            var prepared = await CaseInputs.StampOf(db, Hot, number, default);
            var ef = await CaseInputs.StampOf(db, null, number, default);
            Assert.Equal(ef, prepared);
            if (prepared is not null)
            {
                stamps.Add(prepared);
            }
        }
        Assert.Equal(numbers.Count, stamps.Count);
        // The comparison could tell the columns apart: imaging on some cases, revisions that differ between the parts.
        Assert.Contains(stamps, s => s.ImagingCount > 0 && s.ImagingRevisions > 0 && s.ImagingCount != s.ImagingRevisions);
        Assert.Contains(stamps, s => s.PatientRevision != s.ConstructRevision && s.PatientRevision != s.CaseRevision);
    }

    private async Task ReviseAPatientTwice(int number)
    {
        for (var i = 0; i < 2; i++)
        {
            await using var writer = cohort.Factory.Scope();
            var db = writer.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var patientId = await db.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => c.PatientId).SingleAsync();
            var patient = await db.Patients.SingleAsync(p => p.Id == patientId);
            db.Entry(patient).Property(p => p.HeightCm).CurrentValue = (patient.HeightCm ?? 170m) + 1;
            await db.SaveChangesAsync();
        }
    }

    // A study of a patient with exactly one, revised twice: its patient's count (1) and revision total (2) differ.
    private async Task ReviseAStudyTwice(ExplantDbContext db)
    {
        var patientId = await db.ImagingStudies.AsNoTracking().GroupBy(s => s.PatientId).Where(g => g.Count() == 1).Select(g => g.Key).FirstAsync();
        for (var i = 0; i < 2; i++)
        {
            await using var writer = cohort.Factory.Scope();
            var other = writer.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var study = await other.ImagingStudies.SingleAsync(s => s.PatientId == patientId);
            other.Entry(study).Property(s => s.Note).CurrentValue = $"re-read {i}";
            await other.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task The_prepared_security_stamp_equals_efs_for_every_account_and_a_missing_one()
    {
        await using var scope = cohort.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var ids = await db.Users.AsNoTracking().Select(u => u.Id).ToListAsync();
        Assert.NotEmpty(ids);
        foreach (var id in ids.Append(Guid.NewGuid().ToString()))
        {
            Assert.Equal(await SignInProtection.StoredStampOf(db, id), SignInProtection.StoredStampOf(Hot, id));
        }
        Assert.Null(SignInProtection.StoredStampOf(Hot, "no such account"));
    }

    [Fact]
    public async Task The_prepared_display_names_equal_efs()
    {
        await using var scope = cohort.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var emails = await db.Users.AsNoTracking().Where(u => u.Email != null).Select(u => u.Email!).ToListAsync();
        Assert.True(emails.Count > 3, $"{emails.Count} accounts");
        var ef = await Accounts.DisplayNames(db);
        var prepared = await Accounts.DisplayNames(Hot, db);
        foreach (var email in emails.Append("nobody@test.local"))
        {
            Assert.Equal(ef.Of(email), prepared.Of(email));
        }
        // Names, not the e-mails they stand for: the comparison above compared something.
        Assert.Contains(emails, e => prepared.Of(e) != e);
    }

    [Fact]
    public async Task A_write_through_another_connection_shows_on_the_next_prepared_read()
    {
        var number = await cohort.InDb(db => db.Cases.AsNoTracking().OrderBy(c => c.Number).Select(c => c.Number).FirstAsync());
        await using var scope = cohort.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var before = await CaseInputs.StampOf(db, Hot, number, default);
        Assert.NotNull(before);

        // Another context, as another request, the CLI or another instance would write; the prepared statement and its
        // connection were used above, so this proves the read after it is not served from a stale snapshot.
        await using (var writer = cohort.Factory.Scope())
        {
            var other = writer.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var patient = await other.Patients.SingleAsync(p => p.Id == before.PatientId);
            other.Entry(patient).Property(p => p.HeightCm).CurrentValue = (patient.HeightCm ?? 170m) + 1;
            await other.SaveChangesAsync();
        }

        var after = await CaseInputs.StampOf(db, Hot, number, default);
        Assert.Equal(before.PatientRevision + 1, after!.PatientRevision);
        Assert.Equal(before with { PatientRevision = after.PatientRevision }, after);
    }

    [Fact]
    public async Task Concurrent_reads_each_get_their_own_case_stamp()
    {
        var expected = await cohort.InDb(async db =>
        {
            var stamps = new Dictionary<int, CaseStamp?>();
            foreach (var n in await db.Cases.AsNoTracking().OrderBy(c => c.Number).Select(c => c.Number).Take(40).ToListAsync())
            {
                stamps[n] = await CaseInputs.StampOf(db, null, n, default);
            }
            return stamps;
        });
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
            expected.Keys.Select(n => (n, Id: Hot.ReadOne(CaseInputs.StampSql, n, static r => r.GetGuid(0).ToString()))).ToList())));
        foreach (var (n, id) in results.SelectMany(r => r))
        {
            Assert.Equal(expected[n]!.CaseId.ToString(), id);
        }
    }

    [Fact]
    public void On_postgres_the_prepared_reads_are_off_and_refuse_to_run()
    {
        using var postgres = new SqliteHotReads(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=unused" }), []);
        Assert.False(postgres.Enabled);
        Assert.Throws<InvalidOperationException>(() => postgres.ReadOne(CaseInputs.StampSql, 1, static r => r.GetString(0)));
    }

    [Fact]
    public void A_disposed_pool_refuses_to_read()
    {
        var options = cohort.Factory.Services.GetRequiredService<IOptions<DatabaseOptions>>();
        var own = new SqliteHotReads(options, []);
        Assert.Equal("x", own.ReadOne(new HotStatement("SELECT $v", "$v"), "x", static r => r.GetString(0)));
        own.Dispose();
        Assert.Throws<ObjectDisposedException>(() => own.ReadOne(new HotStatement("SELECT $v", "$v"), "x", static r => r.GetString(0)));
    }
}
