using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Core.Implants;
using Explant.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// The demo data (the demo pathway patients and the synthetic two-year cohort, as `--demo` seeds them) on one
/// database, shared by the FHIR tests of a class: seeding takes seconds, the tests only read.
/// One demo construct also gets a component with a full GS1 UDI, since the demo implants carry none.
/// </summary>
public abstract class FhirFixture(DatabaseProvider provider) : IAsyncLifetime
{
    /// <summary>Collections: the FHIR test classes of one database share one seeded fixture.</summary>
    public const string Sqlite = "FHIR on SQLite";
    public const string Postgres = "FHIR on PostgreSQL";

    public ExplantFactory Factory { get; private set; } = null!;

    /// <summary>The GS1 UDI added to a demo construct: GTIN with its check digit, expiry, lot and serial.</summary>
    public static readonly string Gtin = "0088442345678" + Udi.CheckDigit("0088442345678");

    public static string UdiText => $"(01){Gtin}(17)300131(10)LOT42A(21)SN0007";

    public Guid UdiPatientId { get; private set; }
    public Guid UdiComponentId { get; private set; }

    public async Task InitializeAsync()
    {
        Factory = await ExplantFactory.CreateAsync(provider);
        await DemoSeed.RunAsync(Factory.Services);
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var construct = await db.Constructs.Where(c => db.Patients.Any(p => p.Id == c.PatientId && p.Facility == "DEMO" && !p.Mrn.StartsWith("DC")))
            .OrderBy(c => c.Id).FirstAsync();
        var part = construct.AddComponent(new(ComponentKind.Crosslink, null, null, Side.Midline, null, null, Material.Titanium, null, null, UdiText, null));
        await db.SaveChangesAsync();
        UdiPatientId = construct.PatientId;
        UdiComponentId = part.Id;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class SqliteFhirFixture() : FhirFixture(DatabaseProvider.Sqlite);

public sealed class PostgresFhirFixture() : FhirFixture(DatabaseProvider.Postgres);

[CollectionDefinition(FhirFixture.Sqlite)]
public sealed class SqliteFhirCollection : ICollectionFixture<SqliteFhirFixture>;

[CollectionDefinition(FhirFixture.Postgres)]
public sealed class PostgresFhirCollection : ICollectionFixture<PostgresFhirFixture>;
