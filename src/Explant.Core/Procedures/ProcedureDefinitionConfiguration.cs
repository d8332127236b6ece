using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Procedures;

internal sealed class ProcedureDefinitionConfiguration : IEntityTypeConfiguration<ProcedureDefinition>
{
    public void Configure(EntityTypeBuilder<ProcedureDefinition> b)
    {
        b.ToTable("ProcedureDefinitions");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Code).HasMaxLength(5).IsRequired();
        b.Property(p => p.Name).HasMaxLength(400).IsRequired();
        b.Property(p => p.ContentHash).HasMaxLength(64).IsRequired();
        b.Property(p => p.SourceText).IsRequired();
        b.Property(p => p.SourceName).HasMaxLength(400).IsRequired();
        b.Property(p => p.ImportedBy).HasMaxLength(256).IsRequired();
        b.Ignore(p => p.ETag);
        // Exactly one row per (code, version): the guard against two concurrent imports both becoming vN+1.
        b.HasIndex(p => new { p.Code, p.Version }).IsUnique();
    }
}
