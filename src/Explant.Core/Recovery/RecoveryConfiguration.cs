using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Recovery;

internal sealed class RecoveryRecordConfiguration : IEntityTypeConfiguration<RecoveryRecord>
{
    public void Configure(EntityTypeBuilder<RecoveryRecord> b)
    {
        b.ToTable("RecoveryRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => r.CaseId).IsUnique();
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Revision).IsConcurrencyToken();
        b.Ignore(r => r.LengthOfStayDays);
        b.Ignore(r => r.StayOutsideExpected);
        b.Ignore(r => r.PlanComplete);
        b.OwnsMany(r => r.Discharge, m => m.ToJson());
        b.OwnsMany(r => r.Plan, m => m.ToJson());
        b.OwnsMany(r => r.Visits, m =>
        {
            m.ToJson();
            m.Property(x => x.Wound).HasConversion<string>();
            m.Property(x => x.Neurology).HasConversion<string>();
        });
        b.OwnsMany(r => r.Missed, m => m.ToJson());
    }
}

internal sealed class PromResponseConfiguration : IEntityTypeConfiguration<PromResponse>
{
    public void Configure(EntityTypeBuilder<PromResponse> b)
    {
        b.ToTable("PromResponses");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasIndex(p => new { p.CaseId, p.TimePoint }).IsUnique();
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.Property(p => p.TimePoint).HasMaxLength(64);
        b.Property(p => p.Source).HasConversion<string>().HasMaxLength(32);
        b.Property(p => p.OdiScore).HasPrecision(5, 1);
    }
}

internal sealed class PromLinkConfiguration : IEntityTypeConfiguration<PromLink>
{
    public void Configure(EntityTypeBuilder<PromLink> b)
    {
        b.ToTable("PromLinks");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasIndex(p => p.TokenHash).IsUnique();
        b.Property(p => p.TokenHash).HasMaxLength(64);
        b.Property(p => p.TimePoint).HasMaxLength(64);
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ComplicationConfiguration : IEntityTypeConfiguration<Complication>
{
    public void Configure(EntityTypeBuilder<Complication> b)
    {
        b.ToTable("Complications");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => p.CaseId);
        b.Property(p => p.Key).HasMaxLength(64);
        b.Property(p => p.Grade).HasConversion<string>().HasMaxLength(8);
        b.Property(p => p.SsiDepth).HasConversion<string>().HasMaxLength(32);
        b.Ignore(p => p.ClavienDindo);
    }
}
