using Explant.Core.Patients;
using Explant.Core.Tests.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Data;

/// <summary>
/// A save detects changes once, then turns detection off while the interceptors run (issue #17, hazard H124): a change
/// made on the entities before the save, also one only inside an owned JSON list, must still be stored, bump the
/// aggregate's revision and reach the audit log, and detection must be back on afterwards.
/// </summary>
public sealed class SaveDetectionTests : IAsyncLifetime
{
    private PatientDb db = null!;

    public async Task InitializeAsync() => db = await PatientDb.CreateAsync();

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task A_change_only_inside_an_owned_list_is_stored_bumps_the_revision_and_is_audited()
    {
        var registered = await PatientHandlers.Register(db.Context(), PatientDb.Input("S-1"), PatientDb.Nurse, db.Time);
        var context = db.Context();
        var patient = await context.Patients.SingleAsync(p => p.Id == registered.Id);
        Assert.True(patient.RecordStop("apixaban", PatientDb.Today.AddDays(3), PatientDb.Today.AddDays(6)));

        await context.SaveChangesAsync();

        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
        var stored = await db.Context().Patients.AsNoTracking().SingleAsync(p => p.Id == registered.Id);
        Assert.Equal(PatientDb.Today.AddDays(3), stored.Medications.Single().StoppedOn);
        Assert.Equal(registered.Revision + 1, stored.Revision);
        // The patient's row records the revision bump; the medication (an owned entry) has its own row with the new stop.
        var updates = await db.Context().AuditEntries.AsNoTracking().Where(a => a.Action == "updated").ToListAsync();
        Assert.Contains(updates, a => a.Entity == nameof(Patient) && a.After == $"{{\"Revision\":{registered.Revision + 1}}}");
        var stop = PatientDb.Today.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(updates, a => a.Entity != nameof(Patient) && (a.After ?? "").Contains(stop, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Detection_is_back_on_after_a_save_that_fails()
    {
        var registered = await PatientHandlers.Register(db.Context(), PatientDb.Input("S-2"), PatientDb.Nurse, db.Time);
        var context = db.Context();
        var patient = await context.Patients.SingleAsync(p => p.Id == registered.Id);
        patient.RecordStop("apixaban", PatientDb.Today.AddDays(1), PatientDb.Today.AddDays(6));
        // Another writer saved first: this save is refused by the revision check.
        await PatientHandlers.Update(db.Context(), registered.Id, PatientDb.Input("S-2", familyName: "Roe"), registered.Revision, PatientDb.Nurse, db.Time);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());

        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Null((await db.Context().Patients.AsNoTracking().SingleAsync(p => p.Id == registered.Id)).Medications.Single().StoppedOn);
    }
}
