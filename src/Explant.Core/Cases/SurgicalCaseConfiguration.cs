using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Cases;

internal sealed class SurgicalCaseConfiguration : IEntityTypeConfiguration<SurgicalCase>
{
    public void Configure(EntityTypeBuilder<SurgicalCase> b)
    {
        b.ToTable("SurgicalCases");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.HasIndex(c => c.Number).IsUnique();
        b.HasIndex(c => c.State);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.CancelReason).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.ProcedureCode).HasMaxLength(5);
        b.Property(c => c.Surgeon).HasMaxLength(256);
        b.Property(c => c.Revision).IsConcurrencyToken();
        b.HasOne<Patients.Patient>().WithMany().HasForeignKey(c => c.PatientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Implants.Construct>().WithMany().HasForeignKey(c => c.ConstructId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(c => c.CurrentConsent);
        b.Ignore(c => c.ConsentValid);
        // A copy of ConsentValid for the case list, which then reads no consent documents (issue #17). A shadow column,
        // not part of the aggregate: ExplantDbContext copies the computed value into it before every save.
        b.Property<bool>(CaseList.StoredConsentValid).HasColumnName("ConsentValid");
        b.Ignore(c => c.AwaitingPatient);
        b.OwnsMany(c => c.Indications, m => m.ToJson());
        b.OwnsOne(c => c.Infection, m => { m.ToJson(); m.Ignore(x => x.MarkersRecorded); });
        b.OwnsOne(c => c.FusionOverride, m => m.ToJson());
        b.OwnsOne(c => c.Decision, m => m.ToJson());
        b.OwnsMany(c => c.Consents, m => { m.ToJson(); m.Ignore(x => x.FullySigned); });
        b.Property(c => c.AsaClass).HasMaxLength(4);
        b.OwnsMany(c => c.Results, m => { m.ToJson(); m.Property(x => x.Kind).HasConversion<string>(); });
        b.OwnsMany(c => c.ReadinessOverrides, m => m.ToJson());
        b.OwnsMany(c => c.HandOvers, m => m.ToJson());
        b.OwnsMany(c => c.InstructionVersions, m => { m.ToJson(); m.Ignore(x => x.AwaitsPatient); });
        b.OwnsMany(c => c.History, m =>
        {
            m.ToJson();
            m.Property(x => x.From).HasConversion<string>();
            m.Property(x => x.To).HasConversion<string>();
            m.Property(x => x.Trigger).HasConversion<string>();
        });
    }
}
