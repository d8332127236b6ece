using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Core.Tests.Patients;

/// <summary>
/// A migrated SQLite file (the real schema, the audit interceptor) and a fake hospital clock fixed at 09:00 in
/// Chicago on <see cref="Today"/>, for the patient and implant commands.
/// </summary>
internal sealed class PatientDb : IAsyncDisposable
{
    public static readonly DateOnly Today = new(2026, 3, 10);

    public static readonly CaseActor Surgeon = new("surgeon@test.local", [Roles.Surgeon]);
    public static readonly CaseActor Nurse = new("nurse@test.local", [Roles.Nurse]);
    public static readonly CaseActor Anesthesiologist = new("anesthesiologist@test.local", [Roles.Anesthesiologist]);
    public static readonly CaseActor Scheduler = new("scheduler@test.local", [Roles.Scheduler]);
    public static readonly CaseActor Admin = new("admin@test.local", [Roles.Admin]);

    public static CaseActor Actor(string role) => role switch
    {
        Roles.Surgeon => Surgeon,
        Roles.Nurse => Nurse,
        Roles.Anesthesiologist => Anesthesiologist,
        Roles.Scheduler => Scheduler,
        Roles.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    private readonly string file = Path.Combine(Path.GetTempPath(), $"explant-patients-{Guid.NewGuid():N}.db");
    private readonly List<ExplantDbContext> contexts = [];

    private PatientDb()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(15, 0)), TimeSpan.Zero));
        Time = new HospitalTime(Options.Create(new HospitalOptions { TimeZone = "America/Chicago" }), Clock);
    }

    public FakeTimeProvider Clock { get; }

    public HospitalTime Time { get; }

    public static async Task<PatientDb> CreateAsync()
    {
        var db = new PatientDb();
        await db.Context().Database.MigrateAsync();
        Assert.Equal(Today, db.Time.Today);
        return db;
    }

    /// <summary>A fresh context (nothing tracked), as each request gets.</summary>
    /// <param name="extra">More interceptors after the audit one (a test that makes a statement fail).</param>
    public ExplantDbContext Context(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] extra)
    {
        var options = new DbContextOptionsBuilder<SqliteExplantDbContext>()
            .UseSqlite($"Data Source={file}")
            .AddInterceptors([new AuditInterceptor(new FixedActor("test"), Clock), .. extra])
            .Options;
        var context = new SqliteExplantDbContext(options);
        contexts.Add(context);
        return context;
    }

    public static PatientInput Input(string mrn = "M-1", string? familyName = "Doe", DateOnly? birthDate = null, Sex? sex = Sex.Female,
        decimal? weightKg = 70m, decimal? heightCm = 165m, IReadOnlyList<string?>? allergies = null, IReadOnlyList<MedicationInput?>? medications = null,
        string? facility = "MAIN", string? givenName = "Jane") =>
        new(facility, mrn, familyName, givenName, birthDate ?? new DateOnly(1970, 5, 1), sex, weightKg, heightCm,
            allergies ?? ["latex"], medications ?? [new MedicationInput("apixaban", "5 mg bd")]);

    public static Construct.ComponentInput Screw(string level, Side side, decimal? diameter = 6.5m, decimal? length = 45m) =>
        new(ComponentKind.PedicleScrew, level, null, side, diameter, length, Material.Titanium, null, null, null, null);

    public static ConstructInput ConstructInput(DateOnly? implantedOn = null, IReadOnlyList<Construct.ComponentInput?>? components = null) =>
        new(implantedOn ?? new DateOnly(2020, 1, 10), "Elsewhere", Approach.Posterior, "L3-L5 fusion", "Acme", "Spine 1", null,
            components ?? [Screw("L3", Side.Left), Screw("L5", Side.Left), new(ComponentKind.Rod, null, "L3-L5", Side.Left, 5.5m, 80m, Material.Titanium, null, null, null, null)]);

    public async Task<Patient> PatientAsync(string mrn = "M-1") => await PatientHandlers.Register(Context(), Input(mrn), Surgeon, Time);

    public async Task<Construct> ConstructAsync(Guid patientId) => await ConstructHandlers.Record(Context(), patientId, ConstructInput(), Surgeon, Time);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in contexts)
        {
            await c.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }
    }
}
