using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Procedures;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Data;

/// <summary>
/// The one database of Explant: domain, Identity and data-protection keys (so any web node can read any
/// cookie). Each provider has a thin subclass that owns its migrations (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class ExplantDbContext(DbContextOptions options)
    : IdentityDbContext<ExplantUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<ProcedureDefinition> ProcedureDefinitions => Set<ProcedureDefinition>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();
    public DbSet<Patients.Patient> Patients => Set<Patients.Patient>();
    public DbSet<Implants.Construct> Constructs => Set<Implants.Construct>();
    public DbSet<Implants.ImagingStudy> ImagingStudies => Set<Implants.ImagingStudy>();
    public DbSet<Cases.SurgicalCase> Cases => Set<Cases.SurgicalCase>();
    public DbSet<Scheduling.OperatingRoom> OperatingRooms => Set<Scheduling.OperatingRoom>();
    public DbSet<Scheduling.RoomDay> RoomDays => Set<Scheduling.RoomDay>();
    public DbSet<Scheduling.StaffMember> Staff => Set<Scheduling.StaffMember>();
    public DbSet<Scheduling.PersonDay> PersonDays => Set<Scheduling.PersonDay>();
    public DbSet<Scheduling.OperationDuration> OperationDurations => Set<Scheduling.OperationDuration>();
    public DbSet<Theatre.IntraOpRecord> IntraOpRecords => Set<Theatre.IntraOpRecord>();
    public DbSet<Theatre.OperativeNote> OperativeNotes => Set<Theatre.OperativeNote>();
    public DbSet<Recovery.RecoveryRecord> RecoveryRecords => Set<Recovery.RecoveryRecord>();
    public DbSet<Recovery.PromResponse> PromResponses => Set<Recovery.PromResponse>();
    public DbSet<Recovery.PromLink> PromLinks => Set<Recovery.PromLink>();
    public DbSet<Recovery.Complication> Complications => Set<Recovery.Complication>();
    public DbSet<Exports.BulkExportJob> BulkExportJobs => Set<Exports.BulkExportJob>();
    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

    /// <summary>
    /// On SQLite, opens the connection for the rest of this context's lease (one request), so the request's next queries
    /// share it instead of each opening and closing it: every open registers EF's SQL functions on the native connection
    /// again (issue #17: about a tenth of a case read went to opening and closing). The context pool closes it when the
    /// context goes back (EF's RelationalConnection.ResetState disposes the connection it created). Called by the hot
    /// read paths before their first query.
    /// Not on PostgreSQL: an open there is cheap (Npgsql's pool), it would run outside the retrying execution strategy,
    /// and a request holding one of the pool's connections while it waits for its access-log row (H120) could leave the
    /// access-log writer without one under load. Microsoft.Data.Sqlite's pool has no such limit.
    /// </summary>
    public Task KeepConnectionOpenAsync(CancellationToken ct = default) =>
        !Database.IsSqlite() || Database.GetDbConnection().State == System.Data.ConnectionState.Open ? Task.CompletedTask : Database.OpenConnectionAsync(ct);

    /// <summary>All times are stored as UTC; SQLite forgets the kind, so it is restored on read.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    /// <summary>
    /// The audit rows of the save in progress, made by <see cref="AuditInterceptor"/> from the tracker before the save and
    /// inserted by the save itself in the same transaction (<see cref="SaveChangesAsync(bool, CancellationToken)"/>).
    /// </summary>
    internal List<AuditEntry>? PendingAudit { get; set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var auto = DetectOnce();
        try
        {
            RefuseImagingDeletion();
            CopyStoredFacts();
            if (!ChangeTracker.HasChanges() || Database.CurrentTransaction is not null)
            {
                return SaveWithAudit(acceptAllChangesOnSuccess);
            }
            return Database.CreateExecutionStrategy().Execute(acceptAllChangesOnSuccess, (_, accept) =>
            {
                using var transaction = Database.BeginTransaction();
                var saved = base.SaveChanges(accept);
                try
                {
                    InsertPendingAudit();
                    transaction.Commit();
                }
                catch (Exception e) when (accept)
                {
                    throw new SaveNotCommittedException(e, Database.GetDbConnection().State != System.Data.ConnectionState.Open);
                }
                return saved;
            }, null);
        }
        finally
        {
            PendingAudit = null;
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>
    /// The change and its audit rows commit or fail together: in the caller's transaction when there is one, else in one
    /// of the save's own (run by the execution strategy, which retries it whole on PostgreSQL). The audit rows are
    /// appended with multi-row INSERTs (<see cref="RowInserter"/>) instead of as tracked entities: they were most of the
    /// modification commands of every save (issue #17; the demo cohort's launch spent a third of its time on them).
    /// The tracker accepts the changes when the save's statements succeeded (EF's SaveChanges(false) followed by
    /// AcceptAllChanges after the commit fails on owned JSON lists with synthesized keys, e.g. the operative note's
    /// sections); a failure after that — the audit INSERT or the commit — is therefore never retried by the execution
    /// strategy on an accepted tracker, which would commit nothing and report success: it is raised as
    /// <see cref="SaveNotCommittedException"/> (nothing stored; the request fails and can be sent again).
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var auto = DetectOnce();
        try
        {
            RefuseImagingDeletion();
            CopyStoredFacts();
            if (!ChangeTracker.HasChanges() || Database.CurrentTransaction is not null)
            {
                return await SaveWithAuditAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            return await Database.CreateExecutionStrategy().ExecuteAsync(acceptAllChangesOnSuccess, async (_, accept, ct) =>
            {
                await using var transaction = await Database.BeginTransactionAsync(ct);
                var saved = await base.SaveChangesAsync(accept, ct);
                try
                {
                    await InsertPendingAuditAsync(ct);
                    await transaction.CommitAsync(ct);
                }
                catch (Exception e) when (accept)
                {
                    throw new SaveNotCommittedException(e, Database.GetDbConnection().State != System.Data.ConnectionState.Open);
                }
                return saved;
            }, null, cancellationToken);
        }
        finally
        {
            PendingAudit = null;
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>In the caller's transaction (or nothing to save): the save, then its audit rows.</summary>
    private int SaveWithAudit(bool acceptAllChangesOnSuccess)
    {
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        InsertPendingAudit();
        return saved;
    }

    private async Task<int> SaveWithAuditAsync(bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        await InsertPendingAuditAsync(ct);
        return saved;
    }

    private void InsertPendingAudit()
    {
        if (PendingAudit is { Count: > 0 } rows)
        {
            PendingAudit = null;
            RowInserter.Insert(this, rows);
        }
    }

    private async Task InsertPendingAuditAsync(CancellationToken ct)
    {
        if (PendingAudit is { Count: > 0 } rows)
        {
            PendingAudit = null;
            await RowInserter.InsertAsync(this, rows, ct);
        }
    }

    /// <summary>
    /// Changes are detected once per save (issue #17). Every <c>ChangeTracker.Entries()</c> call detects them again, a
    /// walk over every tracked value, and a save called it six times (the stored facts, the audit and metrics
    /// interceptors, the save itself): most of a large save's time. Everything that changes an entity from here on does
    /// it through the tracker (property entries, <c>Add</c>), which records the change without detection.
    /// </summary>
    private bool DetectOnce()
    {
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        if (auto)
        {
            ChangeTracker.DetectChanges();
        }
        ChangeTracker.AutoDetectChangesEnabled = false;
        return auto;
    }

    /// <summary>
    /// An imaging study is a clinical record: a correction is a new revision, never a deletion. The case read's cache
    /// (Readiness.CaseReadCache) relies on it too: it recognises a patient's unchanged imaging by the number of studies
    /// and their revision total, which a deletion followed by an addition could leave equal.
    /// </summary>
    private void RefuseImagingDeletion()
    {
        if (ChangeTracker.Entries<Explant.Core.Implants.ImagingStudy>().Any(e => e.State == EntityState.Deleted))
        {
            throw new InvalidOperationException("imaging studies are never deleted: record a correction as a new revision of the study");
        }
    }

    /// <summary>
    /// Values the aggregate computes, copied into columns so lists can read them without loading the aggregate
    /// (issue #17): here, before the save and before the audit interceptor, so the audit row shows the copy change too.
    /// </summary>
    private void CopyStoredFacts()
    {
        foreach (var entry in ChangeTracker.Entries<Explant.Core.Cases.SurgicalCase>())
        {
            if (entry.State is not (EntityState.Deleted or EntityState.Detached))
            {
                entry.Property(Explant.Core.Cases.CaseList.StoredConsentValid).CurrentValue = StoredFact(entry.Entity, Explant.Core.Cases.CaseList.StoredConsentValid);
            }
        }
    }

    /// <summary>
    /// The value of a stored fact (a shadow column copied from the aggregate), for the save above and for
    /// <see cref="GraphInserter"/>, which writes rows without the tracker. Any other shadow property has no value
    /// outside the tracker, so it is refused rather than written empty.
    /// </summary>
    internal static object? StoredFact(object entity, string property) => (entity, property) switch
    {
        (Explant.Core.Cases.SurgicalCase c, Explant.Core.Cases.CaseList.StoredConsentValid) => c.ConsentValid,
        _ => throw new NotSupportedException($"{entity.GetType().Name}.{property} is a shadow property with no value outside the change tracker"),
    };

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ExplantDbContext).Assembly);
    }
}

public sealed class SqliteExplantDbContext(DbContextOptions<SqliteExplantDbContext> options) : ExplantDbContext(options);

public sealed class PostgresExplantDbContext(DbContextOptions<PostgresExplantDbContext> options) : ExplantDbContext(options);

/// <summary>
/// A save's statements succeeded but its audit rows or its commit did not: nothing was stored (the transaction rolled
/// back) although the tracker had accepted the changes, so the save must not be retried on this context. The inner
/// exception says why (a database outage is still recognised as one, <see cref="DatabaseFaults.IsUnavailable"/>).
/// </summary>
public sealed class SaveNotCommittedException(Exception inner, bool connectionLost)
    : Exception("the change was not stored: its audit rows or its commit failed; nothing was saved, send it again", inner)
{
    /// <summary>The connection broke during the save (an outage: the request is answered 503 and can be sent again).</summary>
    public bool ConnectionLost { get; } = connectionLost;
}

