using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Audit;

/// <summary>
/// One read of a patient record or case, or one refused request (403/409/412 with its rule). A table of its own,
/// not the change audit: it is written on reads, is pruned by retention (AuditEntries never are), and would drown
/// the changes if mixed in.
/// </summary>
public sealed class AccessLogEntry
{
    private AccessLogEntry() { }

    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    public string Actor { get; private set; } = "";
    /// <summary>"read" or "refused".</summary>
    public string Kind { get; private set; } = "";
    public string Method { get; private set; } = "";
    public string Path { get; private set; } = "";
    /// <summary>"patient:{id}" or "case:{id}" when the path names one, else null.</summary>
    public string? Subject { get; private set; }
    public int Status { get; private set; }
    public string? Rule { get; private set; }

    public const string Read = "read";
    public const string Refused = "refused";

    public static AccessLogEntry Record(DateTime atUtc, string actor, string kind, string method, string path, string? subject, int status, string? rule) =>
        new()
        {
            AtUtc = atUtc, Actor = Cut(actor, 256), Kind = kind, Method = Cut(method, 16), Path = Cut(path, 512),
            Subject = subject is null ? null : Cut(subject, 256), Status = status, Rule = rule is null ? null : Cut(rule, 128),
        };

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> b)
    {
        b.ToTable("AccessLog");
        b.HasKey(a => a.Id);
        b.Property(a => a.Actor).HasMaxLength(256).IsRequired();
        b.Property(a => a.Kind).HasMaxLength(16).IsRequired();
        b.Property(a => a.Method).HasMaxLength(16).IsRequired();
        b.Property(a => a.Path).HasMaxLength(512).IsRequired();
        b.Property(a => a.Subject).HasMaxLength(256);
        b.Property(a => a.Rule).HasMaxLength(128);
        b.HasIndex(a => a.AtUtc);
        b.HasIndex(a => new { a.Subject, a.AtUtc });
        b.HasIndex(a => new { a.Actor, a.AtUtc });
    }
}
