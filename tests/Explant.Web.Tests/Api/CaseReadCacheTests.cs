using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Core.Readiness;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Hazard H125 (issue #17): the case read remembers the case, patient, construct and imaging it read last and reuses them
/// while a stamp query finds them unchanged. Every kind of change, through the API or through another context (another
/// request, the CLI, another instance), shows on the next read; a study cannot be deleted (the stamp counts studies).
/// </summary>
public abstract class CaseReadCacheTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!;
    private Guid patient, construct;
    private int number;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        (patient, construct, _) = await PatientWithConstructAsync(surgeon, "CACHE-1");
        number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private async Task<JsonElement> ReadAsync()
    {
        var response = await surgeon.GetAsync($"/api/cases/{number}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    /// <summary>The read route itself, with the application's one cache, on a context of its own.</summary>
    private async Task<CaseRead> FindAsync()
    {
        await using var scope = factory.Scope();
        var found = await CaseInputs.FindForRead(scope.ServiceProvider.GetRequiredService<ExplantDbContext>(),
            factory.Services.GetRequiredService<CaseReadCache>(), factory.Services.GetRequiredService<SqliteHotReads>(), number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(found);
        return found;
    }

    private async Task InAnotherContext(Func<ExplantDbContext, Task> change)
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        await change(db);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task An_unchanged_case_is_served_from_memory_and_every_change_shows_on_the_next_read()
    {
        var first = await FindAsync();
        // Unchanged: the very objects read before (the rows were neither read nor parsed again).
        var again = await FindAsync();
        Assert.Same(first.Case, again.Case);
        Assert.Same(first.Inputs.Patient, again.Inputs.Patient);
        Assert.Same(first.Inputs.Imaging, again.Inputs.Imaging);

        // The case (an owned list: indications), through the API.
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain", icdCode = "T84.84XA" })).StatusCode);
        Assert.Equal("pain", Assert.Single((await ReadAsync()).GetProperty("indications").EnumerateArray()).GetProperty("key").GetString());

        // The patient, through the API.
        var changed = new
        {
            facility = "MAIN", mrn = "CACHE-1", familyName = "Doe", givenName = "Jane", birthDate = "1970-05-01", sex = "Female", weightKg = 70, heightCm = 165,
            allergies = new[] { "latex", "penicillin" }, medications = new[] { new { name = "apixaban", dose = "5 mg bd" } },
        };
        var updated = await surgeon.PutAsJsonAsync($"/api/patients/{patient}", changed);
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        Assert.Equal(["latex", "penicillin"], (await ReadAsync()).GetProperty("patient").GetProperty("allergies").EnumerateArray().Select(a => a.GetString()));

        // The construct (an owned list: components), through the API.
        var components = (await ReadAsync()).GetProperty("plan").GetProperty("components").GetArrayLength();
        var added = await surgeon.PostAsJsonAsync($"/api/constructs/{construct}/components", Screw("L2", "Left"));
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        Assert.Equal(components + 1, (await ReadAsync()).GetProperty("plan").GetProperty("components").GetArrayLength());

        // Imaging: a new study through the API, then a revised one through another context.
        Assert.Empty((await FindAsync()).Inputs.Imaging);
        Assert.Equal(HttpStatusCode.Created, (await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = Day(0), modality = "XRay" })).StatusCode);
        var study = Assert.Single((await FindAsync()).Inputs.Imaging);
        await InAnotherContext(async db => db.Entry(await db.ImagingStudies.SingleAsync(s => s.Id == study.Id)).Property(s => s.Note).CurrentValue = "re-read: no loosening");
        Assert.Equal("re-read: no loosening", Assert.Single((await FindAsync()).Inputs.Imaging).Note);

        // The patient again, outside any request (as the CLI or another instance would write).
        await InAnotherContext(async db => (await db.Patients.SingleAsync(p => p.Id == patient)).RecordStop("apixaban", Today.AddDays(1), Today.AddDays(6)));
        Assert.Equal(Today.AddDays(1), Assert.Single((await FindAsync()).Inputs.Patient.Medications).StoppedOn);
    }

    [Fact]
    public async Task Readiness_and_the_view_are_remembered_for_the_day_and_computed_again_on_the_next_day_or_after_a_change()
    {
        ReadinessService Readiness(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<ReadinessService>();
        await using var scope = factory.Scope();
        var first = (await FindAsync()).Evaluate(Readiness(scope));
        var again = (await FindAsync()).Evaluate(Readiness(scope));
        Assert.Same(first.View, again.View);
        Assert.Same(first.Readiness, again.Readiness);

        // The next day: the patient's age and every dated rule are evaluated for that day.
        factory.Clock.MoveTo(Today.AddDays(1), new TimeOnly(9, 0));
        await using var nextDay = factory.Scope();
        var tomorrow = (await FindAsync()).Evaluate(Readiness(nextDay));
        Assert.NotSame(first.View, tomorrow.View);
        Assert.Equal(Today.AddDays(1), tomorrow.Readiness.EvaluatedFor);

        // A change: a new evaluation on the changed rows.
        await InAnotherContext(async db => (await db.Patients.SingleAsync(p => p.Id == patient)).RecordStop("apixaban", Today.AddDays(1), Today.AddDays(6)));
        var changed = (await FindAsync()).Evaluate(Readiness(nextDay));
        Assert.NotSame(tomorrow.Readiness, changed.Readiness);
        Assert.Same(changed.View, (await FindAsync()).Evaluate(Readiness(nextDay)).View);
    }

    [Fact]
    public async Task An_imaging_study_cannot_be_deleted()
    {
        Assert.Equal(HttpStatusCode.Created, (await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = Day(0), modality = "XRay" })).StatusCode);
        await FindAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InAnotherContext(async db => db.ImagingStudies.Remove(await db.ImagingStudies.SingleAsync(s => s.PatientId == patient))));

        Assert.Contains("never deleted", refused.Message, StringComparison.Ordinal);
        await using var scope = factory.Scope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().ImagingStudies.CountAsync(s => s.PatientId == patient));
        Assert.Single((await FindAsync()).Inputs.Imaging);
    }
}

public sealed class CaseReadCacheTests_Sqlite() : CaseReadCacheTests(DatabaseProvider.Sqlite);

public sealed class CaseReadCacheTests_Postgres() : CaseReadCacheTests(DatabaseProvider.Postgres);
