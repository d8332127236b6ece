using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// The real application on a real database: a fresh SQLite file or a fresh PostgreSQL database per factory.
/// Migrations run at start-up exactly as in production with Database:MigrateOnStartup.
/// </summary>
public sealed class ExplantFactory : WebApplicationFactory<Program>
{
    public const string Password = "Correct-Horse-Battery-9";
    private readonly string? sqliteFile;

    private readonly IReadOnlyDictionary<string, string?> settings;

    private ExplantFactory(DatabaseProvider provider, string connectionString, string? sqliteFile, IReadOnlyDictionary<string, string?>? settings)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.sqliteFile = sqliteFile;
        this.settings = settings ?? new Dictionary<string, string?>();
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The application's clock: fixed at <see cref="TestClock.Start"/> until a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = TestClock.Create();
    public string ConnectionString { get; }

    /// <summary>The database queries the app sends, counted while a test has armed it (issue #17 query-count tests).</summary>
    public QueryCounter Queries { get; } = new();

    /// <param name="settings">Extra configuration, applied last (e.g. low sign-in limits, Transport:RequireHttps).</param>
    public static async Task<ExplantFactory> CreateAsync(DatabaseProvider provider, bool kestrel = false, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ExplantFactory factory;
        if (provider == DatabaseProvider.Postgres)
        {
            var cluster = await PostgresCluster.SharedAsync();
            factory = new ExplantFactory(provider, await cluster.CreateDatabaseAsync(), null, settings);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"explant-test-{Guid.NewGuid():N}.db");
            factory = new ExplantFactory(provider, $"Data Source={file}", file, settings);
        }
        if (kestrel)
        {
            factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
        factory.StartServer();
        await factory.AddUserAsync("admin@test.local", Roles.Admin);
        await factory.AddUserAsync("nurse@test.local", Roles.Nurse);
        return factory;
    }

    /// <summary>
    /// Another app instance on <paramref name="first"/>'s database, as behind a load balancer (scale-out tests): it
    /// adds no users and leaves the database to <paramref name="first"/>.
    /// </summary>
    public static ExplantFactory SecondInstance(ExplantFactory first, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        var factory = new ExplantFactory(first.Provider, first.ConnectionString, null, settings);
        factory.StartServer();
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Explant", ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        // A zone with daylight saving, so the tests meet the clock changes.
        builder.UseSetting("Hospital:TimeZone", TestClock.Zone);
        builder.UseSetting("Hospital:PhoneDay", PhoneDay);
        builder.UseSetting("Hospital:PhoneOutOfHours", PhoneOutOfHours);
        // Plain HTTP on the test host, and sign-in limits no ordinary test meets (the limiter's tests set low ones).
        builder.UseSetting("Transport:RequireHttps", "false");
        builder.UseSetting("SignIn:PermitLimit", "100000");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            // Counts nothing until a test arms it (QueryCountTests).
            services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(Queries);
            services.AddSingleton<Explant.Core.Data.ISqliteReadObserver>(Queries);
        });
    }

    /// <summary>The hospital's numbers in the tests (discharge instructions are not given out without them).</summary>
    public const string PhoneDay = "+1 312 996 4000";

    public const string PhoneOutOfHours = "+1 312 996 4100";

    /// <summary>The loopback address Kestrel bound (only with kestrel: true).</summary>
    public string ServerAddress =>
        Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public async Task AddUserAsync(string email, string role, string? displayName = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await AddUser.Handle(new(email, role, Password, displayName),
            scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>(),
            scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        Assert.IsType<AddUser.Result.Created>(result);
    }

    /// <summary>
    /// A client signed in as <paramref name="email"/> with a bearer token. Tokens expire by the app's clock, so the
    /// client signs in again whenever a test has moved <see cref="Clock"/> since the token was issued.
    /// </summary>
    public async Task<HttpClient> ClientForAsync(string email)
    {
        var client = CreateDefaultClient(new BearerHandler(this, email));
        // One request up front so a wrong password fails here, not in the middle of a test.
        (await client.GetAsync("/api/pathway/transitions")).EnsureSuccessStatusCode();
        return client;
    }

    private async Task<string> TokenAsync(string email)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    private sealed class BearerHandler(ExplantFactory factory, string email) : DelegatingHandler
    {
        private string? token;
        private DateTimeOffset issuedAt;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (token is null || factory.Clock.GetUtcNow() != issuedAt)
            {
                issuedAt = factory.Clock.GetUtcNow();
                token = await factory.TokenAsync(email);
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    private sealed record TokenResponse(string AccessToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
            {
                File.Delete(f);
            }
        }
        else
        {
            // Each factory has its own database: close its pooled connections so the shared cluster never runs out.
            using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
    }
}
