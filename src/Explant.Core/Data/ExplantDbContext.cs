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
    public DbSet<Theatre.IntraOpRecord> IntraOpRecords => Set<Theatre.IntraOpRecord>();
    public DbSet<Theatre.OperativeNote> OperativeNotes => Set<Theatre.OperativeNote>();
    public DbSet<Recovery.RecoveryRecord> RecoveryRecords => Set<Recovery.RecoveryRecord>();
    public DbSet<Recovery.PromResponse> PromResponses => Set<Recovery.PromResponse>();
    public DbSet<Recovery.PromLink> PromLinks => Set<Recovery.PromLink>();
    public DbSet<Recovery.Complication> Complications => Set<Recovery.Complication>();
    public DbSet<Exports.BulkExportJob> BulkExportJobs => Set<Exports.BulkExportJob>();
    public DbSet<DataProtectionKey> DataProtectionKeys { get; set; } = null!;

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
                var saved = SaveWithAudit(acceptAllChangesOnSuccess: false);
                transaction.Commit();
                if (accept)
                {
                    ChangeTracker.AcceptAllChanges();
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
    /// Changes are accepted only after the commit, so a retried attempt saves the same changes again.
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
                var saved = await SaveWithAuditAsync(acceptAllChangesOnSuccess: false, ct);
                await transaction.CommitAsync(ct);
                if (accept)
                {
                    ChangeTracker.AcceptAllChanges();
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

    private int SaveWithAudit(bool acceptAllChangesOnSuccess)
    {
        PendingAudit = null;
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (PendingAudit is { Count: > 0 } rows)
        {
            RowInserter.Insert(this, rows);
        }
        return saved;
    }

    private async Task<int> SaveWithAuditAsync(bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        PendingAudit = null;
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        if (PendingAudit is { Count: > 0 } rows)
        {
            await RowInserter.InsertAsync(this, rows, ct);
        }
        return saved;
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
                entry.Property<bool>(Explant.Core.Cases.CaseList.StoredConsentValid).CurrentValue = entry.Entity.ConsentValid;
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ExplantDbContext).Assembly);
    }
}

public sealed class SqliteExplantDbContext(DbContextOptions<SqliteExplantDbContext> options) : ExplantDbContext(options);

public sealed class PostgresExplantDbContext(DbContextOptions<PostgresExplantDbContext> options) : ExplantDbContext(options);
