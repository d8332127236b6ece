using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Explant.Core.Scheduling;

internal sealed class OperatingRoomConfiguration : IEntityTypeConfiguration<OperatingRoom>
{
    public void Configure(EntityTypeBuilder<OperatingRoom> b)
    {
        b.ToTable("OperatingRooms");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(32).ValueGeneratedNever();
        b.Property(r => r.Name).HasMaxLength(128);
        b.Property(r => r.Revision).IsConcurrencyToken();
        b.OwnsMany(r => r.Hours, m => { m.ToJson(); m.Property(x => x.Day).HasConversion<string>(); });
        b.OwnsMany(r => r.Blocks, m => { m.ToJson(); m.Property(x => x.Day).HasConversion<string>(); });
    }
}

internal sealed class RoomDayConfiguration : IEntityTypeConfiguration<RoomDay>
{
    public void Configure(EntityTypeBuilder<RoomDay> b)
    {
        b.ToTable("RoomDays");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.RoomId).HasMaxLength(32);
        b.Property(r => r.Revision).IsConcurrencyToken();
        b.HasOne<OperatingRoom>().WithMany().HasForeignKey(r => r.RoomId).OnDelete(DeleteBehavior.Restrict);
        // One row per room and date: two first bookings of an empty room-day race on this index (one gets 409).
        b.HasIndex(r => new { r.RoomId, r.Date }).IsUnique();
        // The board, the daily list and the theatre's day read every room of one date: without this index SQLite read
        // every room day of the registry, bookings JSON and all (issue #17, N = 20).
        b.HasIndex(r => r.Date);
        b.OwnsMany(r => r.Bookings, m =>
        {
            m.ToJson();
            m.Ignore(x => x.End);
            m.Ignore(x => x.TeamGaps);
            m.OwnsMany(x => x.Team);
        });
    }
}

internal sealed class StaffMemberConfiguration : IEntityTypeConfiguration<StaffMember>
{
    public void Configure(EntityTypeBuilder<StaffMember> b)
    {
        b.ToTable("Staff");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(128).ValueGeneratedNever();
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.Revision).IsConcurrencyToken();
        b.OwnsMany(s => s.Absences, m => m.ToJson());
    }
}

internal sealed class PersonDayConfiguration : IEntityTypeConfiguration<PersonDay>
{
    public void Configure(EntityTypeBuilder<PersonDay> b)
    {
        b.ToTable("PersonDays");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Person).HasMaxLength(256);
        b.Property(p => p.Revision).IsConcurrencyToken();
        b.HasIndex(p => new { p.Person, p.Date }).IsUnique();
    }
}

internal sealed class OperationDurationConfiguration : IEntityTypeConfiguration<OperationDuration>
{
    public void Configure(EntityTypeBuilder<OperationDuration> b)
    {
        b.ToTable("OperationDurations");
        b.HasKey(d => d.CaseId);
        b.Property(d => d.CaseId).ValueGeneratedNever();
        b.Property(d => d.Surgeon).HasMaxLength(256);
        b.HasOne<Cases.SurgicalCase>().WithOne().HasForeignKey<OperationDuration>(d => d.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}
