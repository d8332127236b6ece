using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.HasKey(a => a.Id);
        b.Property(a => a.Actor).HasMaxLength(256).IsRequired();
        b.Property(a => a.Entity).HasMaxLength(128).IsRequired();
        b.Property(a => a.EntityKey).HasMaxLength(256).IsRequired();
        b.Property(a => a.Action).HasMaxLength(16).IsRequired();
        b.HasIndex(a => new { a.Entity, a.EntityKey });
        b.HasIndex(a => a.AtUtc);
    }
}
