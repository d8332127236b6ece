using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Patients;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> b)
    {
        b.ToTable("Patients");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Facility).HasMaxLength(64).IsRequired();
        b.Property(p => p.Mrn).HasMaxLength(32).IsRequired();
        b.Property(p => p.FamilyName).HasMaxLength(128).IsRequired();
        b.Property(p => p.GivenName).HasMaxLength(128).IsRequired();
        b.Property(p => p.Sex).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.WeightKg).HasPrecision(6, 2);
        b.Property(p => p.HeightCm).HasPrecision(6, 2);
        b.Property(p => p.Revision).IsConcurrencyToken();
        b.Ignore(p => p.DisplayName);
        b.OwnsMany(p => p.Medications, m => m.ToJson());
        // The MRN identifies a patient only within its facility.
        b.HasIndex(p => new { p.Facility, p.Mrn }).IsUnique();
        b.HasIndex(p => p.FamilyName);
    }
}
