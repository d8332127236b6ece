using System.Data.Common;
using Explant.Core.Patients;
using Explant.Core.Tests.Patients;
using Microsoft.EntityFrameworkCore;
using Explant.Core.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Explant.Core.Tests.Data;

/// <summary>
/// The audit rows of a save are appended by multi-row INSERTs after the save's own statements (issue #17), so the change
/// and its audit rows must still commit or fail together: in the save's own transaction, or in the caller's.
/// </summary>
public sealed class AuditAtomicityTests : IAsyncLifetime
{
    private PatientDb db = null!;

    public async Task InitializeAsync() => db = await PatientDb.CreateAsync();

    public async Task DisposeAsync() => await db.DisposeAsync();

    /// <summary>Fails the audit log's INSERT, as a full disk or a lost connection would, after the change was written.</summary>
    private sealed class FailAuditInsert : DbCommandInterceptor
    {
        public int Failed { get; private set; }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.StartsWith("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal))
            {
                Failed++;
                throw new InvalidOperationException("audit insert failed (test)");
            }
            return ValueTask.FromResult(result);
        }
    }

    private Task<int> AuditRows() => db.Context().AuditEntries.CountAsync();

    [Fact]
    public async Task A_change_whose_audit_rows_cannot_be_written_is_not_stored()
    {
        var registered = await PatientHandlers.Register(db.Context(), PatientDb.Input("A-1"), PatientDb.Nurse, db.Time);
        var audited = await AuditRows();
        var failing = new FailAuditInsert();
        var context = db.Context(failing);
        var patient = await context.Patients.SingleAsync(p => p.Id == registered.Id);
        patient.RecordStop("apixaban", PatientDb.Today.AddDays(2), PatientDb.Today.AddDays(6));

        var e = await Assert.ThrowsAsync<SaveNotCommittedException>(() => context.SaveChangesAsync());

        Assert.Equal("audit insert failed (test)", e.InnerException!.Message);
        Assert.Equal(1, failing.Failed);
        var stored = await db.Context().Patients.AsNoTracking().SingleAsync(p => p.Id == registered.Id);
        Assert.Null(stored.Medications.Single().StoppedOn);
        Assert.Equal(registered.Revision, stored.Revision);
        Assert.Equal(audited, await AuditRows());
    }

    [Fact]
    public async Task In_the_callers_transaction_a_rollback_takes_the_change_and_its_audit_rows_back()
    {
        var audited = await AuditRows();
        var context = db.Context();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await PatientHandlers.Register(context, PatientDb.Input("A-2"), PatientDb.Nurse, db.Time);
            // Inside the transaction the rows are there (written, not yet committed).
            Assert.True(await context.AuditEntries.CountAsync() > audited);
            await transaction.RollbackAsync();
        }

        Assert.False(await db.Context().Patients.AnyAsync(p => p.Mrn == "A-2"));
        Assert.Equal(audited, await AuditRows());
    }

    [Fact]
    public async Task A_large_save_writes_one_audit_row_per_change_in_several_statements_with_every_value()
    {
        var audited = await AuditRows();
        var context = db.Context();
        // 40 patients with an allergy list and a medication each: far more audit rows than one statement's parameters hold.
        for (var i = 0; i < 40; i++)
        {
            context.Patients.Add(Patient.Register(PatientDb.Input($"L-{i:00}").Validate(PatientDb.Today), PatientDb.Today));
        }
        var changes = context.ChangeTracker.Entries().Count(e => e.State == EntityState.Added);

        await context.SaveChangesAsync();

        var rows = await db.Context().AuditEntries.AsNoTracking().OrderBy(a => a.Id).Skip(audited).ToListAsync();
        Assert.True(changes > 40 && rows.Count == changes, $"{rows.Count} audit rows for {changes} changes");
        Assert.All(rows, a =>
        {
            Assert.Equal("created", a.Action);
            Assert.Equal("test", a.Actor);
            Assert.Equal(DateTimeKind.Utc, a.AtUtc.Kind);
            Assert.Equal(db.Clock.GetUtcNow().UtcDateTime, a.AtUtc);
            Assert.False(string.IsNullOrEmpty(a.EntityKey));
            Assert.NotNull(a.After);
        });
        Assert.Equal(40, rows.Count(a => a.Entity == nameof(Patient)));
        Assert.Contains(rows, a => a.Entity == nameof(Patient) && a.After!.Contains("\"Mrn\":\"L-39\"", StringComparison.Ordinal));
    }
}
