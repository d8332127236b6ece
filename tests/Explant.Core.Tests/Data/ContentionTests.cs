using Explant.Core.Data;
using Explant.Core.Patients;
using Explant.Core.Tests.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Data;

/// <summary>Issue #16 §7: Contention.RetryAsync re-runs a command that lost a race, unless the caller named a revision.</summary>
public sealed class ContentionTests
{
    /// <summary>The command: load the patient (with the caller's revision, if any), let a rival save first when asked, save.</summary>
    private static async Task<Patient> Touch(PatientDb db, ExplantDbContext context, Guid id, long? expected, Func<int, bool> rivalFirst, Action<int> attempt, int n)
    {
        attempt(n);
        var p = await context.Patients.SingleAsync(x => x.Id == id);
        Concurrency.Expect(context, p, expected, "patient");
        if (rivalFirst(n))
        {
            await PatientHandlers.Update(db.Context(), id, PatientDb.Input(familyName: $"Rival{n}"), null, PatientDb.Surgeon, db.Time);
        }
        context.Entry(p).State = EntityState.Modified;
        await context.SaveChangesAsync();
        return p;
    }

    [Fact]
    public async Task A_command_that_lost_a_race_without_a_precondition_runs_again_on_the_fresh_state_and_saves()
    {
        await using var db = await PatientDb.CreateAsync();
        var registered = await db.PatientAsync();
        var id = registered.Id;
        var context = db.Context();
        var attempts = 0;
        var saved = await Contention.RetryAsync(context, () => Touch(db, context, id, null, n => n == 1, _ => attempts++, attempts + 1));
        Assert.Equal(2, attempts);
        var stored = await db.Context().Patients.AsNoTracking().SingleAsync(x => x.Id == id);
        // The rival's change is kept (read again on the second attempt) and ours saved on top of it.
        Assert.Equal("Rival1", stored.FamilyName);
        Assert.Equal(saved.Revision, stored.Revision);
        Assert.Equal(registered.Revision + 2, stored.Revision);
    }

    [Fact]
    public async Task A_lost_race_on_a_revision_the_caller_named_is_not_retried()
    {
        await using var db = await PatientDb.CreateAsync();
        var patient = await db.PatientAsync();
        var context = db.Context();
        var attempts = 0;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() =>
            Contention.RetryAsync(context, () => Touch(db, context, patient.Id, patient.Revision, n => n == 1, _ => attempts++, attempts + 1)));
        Assert.Equal(1, attempts);
        Assert.Equal("Rival1", (await db.Context().Patients.AsNoTracking().SingleAsync(x => x.Id == patient.Id)).FamilyName);
    }

    [Fact]
    public async Task A_command_that_loses_every_attempt_stops_after_the_bound_with_a_contention_error()
    {
        await using var db = await PatientDb.CreateAsync();
        var id = (await db.PatientAsync()).Id;
        var context = db.Context();
        var attempts = 0;
        var e = await Assert.ThrowsAsync<ContentionException>(() =>
            Contention.RetryAsync(context, () => Touch(db, context, id, null, _ => true, _ => attempts++, attempts + 1)));
        Assert.IsType<DbUpdateConcurrencyException>(e.InnerException);
        Assert.Equal(Contention.MaxAttempts, attempts);
        Assert.Empty(context.ChangeTracker.Entries());
    }
}
