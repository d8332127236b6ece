using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Theatre;

internal sealed class IntraOpRecordConfiguration : IEntityTypeConfiguration<IntraOpRecord>
{
    public void Configure(EntityTypeBuilder<IntraOpRecord> b)
    {
        b.ToTable("IntraOpRecords");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => r.CaseId).IsUnique();
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Revision).IsConcurrencyToken();
        b.Ignore(r => r.Checklist);
        b.Ignore(r => r.CurrentPhase);
        b.Ignore(r => r.NextMilestone);
        b.Ignore(r => r.InRoomMinutes);
        b.Ignore(r => r.UnaccountedPlanned);
        b.Ignore(r => r.Closed);
        b.OwnsMany(r => r.Ticks, m => { m.ToJson(); m.Property(x => x.Answer).HasConversion<string>(); });
        b.OwnsMany(r => r.Milestones, m => { m.ToJson(); m.Property(x => x.Milestone).HasConversion<string>(); });
        b.OwnsMany(r => r.Steps, m => m.ToJson());
        b.OwnsMany(r => r.Fusion, m => { m.ToJson(); m.Property(x => x.Status).HasConversion<string>(); });
        b.OwnsMany(r => r.Specimens, m => { m.ToJson(); m.Property(x => x.Kind).HasConversion<string>(); });
        b.OwnsMany(r => r.Explants, m =>
        {
            m.ToJson();
            m.Property(x => x.Outcome).HasConversion<string>();
            m.Property(x => x.Condition).HasConversion<string>();
        });
        b.OwnsOne(r => r.Prophylaxis, m => m.ToJson());
    }
}

internal sealed class OperativeNoteConfiguration : IEntityTypeConfiguration<OperativeNote>
{
    public void Configure(EntityTypeBuilder<OperativeNote> b)
    {
        b.ToTable("OperativeNotes");
        b.HasKey(n => n.Id);
        b.Property(n => n.Id).ValueGeneratedNever();
        b.HasIndex(n => n.CaseId).IsUnique();
        b.HasOne<Cases.SurgicalCase>().WithMany().HasForeignKey(n => n.CaseId).OnDelete(DeleteBehavior.Restrict);
        b.Property(n => n.Revision).IsConcurrencyToken();
        b.Ignore(n => n.Signed);
        b.OwnsMany(n => n.Sections, m => m.ToJson());
        b.OwnsMany(n => n.Addenda, m => m.ToJson());
    }
}
