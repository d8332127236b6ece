using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Exports;

public enum BulkExportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>
/// One FHIR Bulk Data export (issue #15, Bulk Data Access v2 system-level $export). The row is the job's state, so a
/// restart resumes queued work and any node behind the load balancer answers the status URL; the NDJSON files live
/// under the configured export directory, one folder per job.
/// </summary>
public sealed class BulkExportJob
{
    public Guid Id { get; set; }
    public BulkExportStatus Status { get; set; }

    /// <summary>The kick-off request URL, echoed as the manifest's <c>request</c>.</summary>
    public string Request { get; set; } = "";

    /// <summary>The FHIR base URL the resources' references and the file URLs are written against.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Comma-separated resource types (<c>_type</c>); empty = every exported type.</summary>
    public string Types { get; set; } = "";

    /// <summary><c>_since</c>: only resources changed after this instant (UTC).</summary>
    public DateTime? SinceUtc { get; set; }

    public string RequestedBy { get; set; } = "";

    /// <summary>The manifest's <c>transactionTime</c>: when the export was accepted.</summary>
    public DateTime TransactionTimeUtc { get; set; }

    public DateTime? CompletedUtc { get; set; }

    /// <summary>Shown as X-Progress while the job runs ("3 of 13 types").</summary>
    public string? Progress { get; set; }

    /// <summary>The files written: JSON array of { type, file, count }.</summary>
    public string Output { get; set; } = "[]";

    /// <summary>Why the job failed, when it did.</summary>
    public string? Error { get; set; }
}

internal sealed class BulkExportJobConfiguration : IEntityTypeConfiguration<BulkExportJob>
{
    public void Configure(EntityTypeBuilder<BulkExportJob> b)
    {
        b.ToTable("BulkExportJobs");
        b.HasKey(j => j.Id);
        b.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(j => j.Request).HasMaxLength(2048);
        b.Property(j => j.BaseUrl).HasMaxLength(512);
        b.Property(j => j.Types).HasMaxLength(1024);
        b.Property(j => j.RequestedBy).HasMaxLength(256);
        b.Property(j => j.Progress).HasMaxLength(128);
        b.Property(j => j.Error).HasMaxLength(2048);
        b.HasIndex(j => j.Status);
    }
}
