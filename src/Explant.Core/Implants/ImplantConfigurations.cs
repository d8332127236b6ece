using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Implants;

internal sealed class ConstructConfiguration : IEntityTypeConfiguration<Construct>
{
    public void Configure(EntityTypeBuilder<Construct> b)
    {
        b.ToTable("Constructs");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Approach).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Revision).IsConcurrencyToken();
        b.HasOne<Patients.Patient>().WithMany().HasForeignKey(c => c.PatientId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(c => c.Span);
        b.Ignore(c => c.FusionSpan);
        b.OwnsMany(c => c.Components, m =>
        {
            m.ToJson();
            m.Property(x => x.Kind).HasConversion<string>();
            m.Property(x => x.Side).HasConversion<string>();
            m.Property(x => x.Material).HasConversion<string>();
            m.Property(x => x.HookType).HasConversion<string>();
            m.Ignore(x => x.AnchorLevel);
            m.Ignore(x => x.Span);
            m.Ignore(x => x.IsAnchor);
            m.Ignore(x => x.IsSpanning);
        });
    }
}

internal sealed class ImagingStudyConfiguration : IEntityTypeConfiguration<ImagingStudy>
{
    public void Configure(EntityTypeBuilder<ImagingStudy> b)
    {
        b.ToTable("ImagingStudies");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Modality).HasConversion<string>().HasMaxLength(8);
        b.Property(s => s.RecordedBy).HasMaxLength(256);
        b.Property(s => s.Revision).IsConcurrencyToken();
        b.HasOne<Patients.Patient>().WithMany().HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Restrict);
        b.OwnsMany(s => s.Fusion, m =>
        {
            m.ToJson();
            m.Property(x => x.Status).HasConversion<string>();
            m.Ignore(x => x.Range);
        });
        b.OwnsMany(s => s.Hardware, m =>
        {
            m.ToJson();
            m.Property(x => x.Kind).HasConversion<string>();
        });
    }
}
