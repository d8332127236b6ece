using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Tests.Patients;

/// <summary>
/// The clinical record is written by clinicians only (rule role:patient-record): every write command, every role.
/// Schedulers and admins are refused with 403 semantics and nothing is stored.
/// </summary>
public sealed class PatientRoleTests : IAsyncLifetime
{
    private PatientDb db = null!;

    public async Task InitializeAsync() => db = await PatientDb.CreateAsync();

    public async Task DisposeAsync() => await db.DisposeAsync();

    public static TheoryData<string> Clinicians => [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist];

    public static TheoryData<string> ReadOnlyRoles => [Roles.Scheduler, Roles.Admin];

    private static void AssertForbidden(DomainRuleException e)
    {
        Assert.True(e.Forbidden);
        Assert.Equal("role:patient-record", e.Rule);
    }

    [Theory]
    [MemberData(nameof(Clinicians))]
    public async Task A_clinician_registers_and_updates_a_patient(string role)
    {
        var p = await PatientHandlers.Register(db.Context(), PatientDb.Input("R-1"), PatientDb.Actor(role), db.Time);
        var updated = await PatientHandlers.Update(db.Context(), p.Id, PatientDb.Input("R-1", familyName: "Roe"), p.Revision, PatientDb.Actor(role), db.Time);
        Assert.Equal("Roe", updated.FamilyName);
        Assert.Equal("Roe", (await db.Context().Patients.SingleAsync()).FamilyName);
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_cannot_register_a_patient(string role)
    {
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            PatientHandlers.Register(db.Context(), PatientDb.Input("R-2"), PatientDb.Actor(role), db.Time)));
        Assert.Equal(0, await db.Context().Patients.CountAsync());
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_cannot_update_a_patient(string role)
    {
        var p = await db.PatientAsync("R-3");
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            PatientHandlers.Update(db.Context(), p.Id, PatientDb.Input("R-3", familyName: "Changed", medications: []), null, PatientDb.Actor(role), db.Time)));
        var stored = await db.Context().Patients.SingleAsync();
        Assert.Equal("Doe", stored.FamilyName);
        Assert.Equal(p.Revision, stored.Revision);
        Assert.Single(stored.Medications);
    }

    [Theory]
    [MemberData(nameof(Clinicians))]
    public async Task A_clinician_records_a_construct_adds_a_component_and_records_imaging(string role)
    {
        var p = await db.PatientAsync("R-4");
        var c = await ConstructHandlers.Record(db.Context(), p.Id, PatientDb.ConstructInput(), PatientDb.Actor(role), db.Time);
        var added = await ConstructHandlers.AddComponent(db.Context(), c.Id, PatientDb.Screw("L4", Side.Left), c.Revision, PatientDb.Actor(role), db.Time);
        var study = await ConstructHandlers.RecordImaging(db.Context(), p.Id, new ImagingInput(PatientDb.Today, Modality.XRay, [], [], null), PatientDb.Actor(role), db.Time);
        Assert.Equal(4, added.Components.Count);
        Assert.Equal(4, (await db.Context().Constructs.SingleAsync()).Components.Count);
        // Who read the study is the signed-in actor, not something the client sends.
        Assert.Equal(PatientDb.Actor(role).Name, study.RecordedBy);
        Assert.Equal(PatientDb.Actor(role).Name, (await db.Context().ImagingStudies.SingleAsync()).RecordedBy);
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_cannot_record_a_construct(string role)
    {
        var p = await db.PatientAsync("R-5");
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            ConstructHandlers.Record(db.Context(), p.Id, PatientDb.ConstructInput(), PatientDb.Actor(role), db.Time)));
        Assert.Equal(0, await db.Context().Constructs.CountAsync());
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_cannot_add_a_component(string role)
    {
        var p = await db.PatientAsync("R-6");
        var c = await db.ConstructAsync(p.Id);
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            ConstructHandlers.AddComponent(db.Context(), c.Id, PatientDb.Screw("L4", Side.Left), c.Revision, PatientDb.Actor(role), db.Time)));
        var stored = await db.Context().Constructs.SingleAsync();
        Assert.Equal(3, stored.Components.Count);
        Assert.Equal(c.Revision, stored.Revision);
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_cannot_record_imaging(string role)
    {
        var p = await db.PatientAsync("R-7");
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            ConstructHandlers.RecordImaging(db.Context(), p.Id, new ImagingInput(PatientDb.Today, Modality.CT, [], [], null), PatientDb.Actor(role), db.Time)));
        Assert.Equal(0, await db.Context().ImagingStudies.CountAsync());
    }

    [Fact]
    public async Task The_role_is_checked_before_anything_else_so_a_refused_actor_learns_nothing_about_the_record()
    {
        // An unknown patient id gives a scheduler 403, not 404.
        AssertForbidden(await Assert.ThrowsAsync<DomainRuleException>(() =>
            ConstructHandlers.RecordImaging(db.Context(), Guid.NewGuid(), new ImagingInput(null, null, null, null, null), PatientDb.Scheduler, db.Time)));
    }

    [Fact]
    public async Task An_actor_with_a_clinical_role_among_others_may_write()
    {
        var both = new Explant.Core.Cases.CaseActor("both@test.local", [Roles.Admin, Roles.Nurse]);
        await PatientHandlers.Register(db.Context(), PatientDb.Input("R-8"), both, db.Time);
        Assert.Equal(1, await db.Context().Patients.CountAsync());
    }
}
