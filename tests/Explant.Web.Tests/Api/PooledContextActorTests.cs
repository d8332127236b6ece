using System.Net;
using System.Net.Http.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Database contexts are pooled and shared between requests (issue #17), and the audit interceptor is one instance for
/// all of them (hazard H123): every audit row must still name the person whose request made the change, also when two
/// people's writes run at the same time and reuse each other's contexts.
/// </summary>
public abstract class PooledContextActorTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(provider);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Interleaved_writes_by_two_people_are_each_audited_under_their_own_name()
    {
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var writes = Enumerable.Range(0, 12).Select(async i =>
        {
            var (client, prefix) = i % 2 == 0 ? (surgeon, "S") : (nurse, "N");
            var response = await client.PostAsJsonAsync("/api/patients", Scenario.PatientBody($"{prefix}{i:0000}"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        await Task.WhenAll(writes);

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var patients = await db.Patients.AsNoTracking().Select(p => new { p.Id, p.Mrn }).ToListAsync();
        var created = await db.AuditEntries.AsNoTracking().Where(a => a.Entity == "Patient" && a.Action == "created").ToListAsync();
        Assert.Equal(12, patients.Count);
        foreach (var p in patients)
        {
            var row = Assert.Single(created, a => a.EntityKey == p.Id.ToString());
            Assert.Equal(p.Mrn.StartsWith('S') ? "surgeon@test.local" : "nurse@test.local", row.Actor);
        }
    }
}

public sealed class PooledContextActorTests_Sqlite() : PooledContextActorTests(DatabaseProvider.Sqlite);

public sealed class PooledContextActorTests_Postgres() : PooledContextActorTests(DatabaseProvider.Postgres);
