using Explant.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Explant.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ExplantDbContext"/> on the configured provider, with the audit interceptor.
    /// Callers register a singleton <see cref="IActor"/> that finds the actor of the current operation itself (web: the
    /// signed-in user of the current request; CLI: the OS user).
    /// </summary>
    public static IServiceCollection AddExplantData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection("Database"))
            .PostConfigure(o => o.ConnectionString ??= configuration.GetConnectionString("Explant"))
            .ValidateOnStart();
        services.TryAddSingletonTimeProvider();
        services.AddSingleton<AuditInterceptor>();

        // Both provider contexts are registered and the choice is made per scope from the bound options, so
        // settings that arrive late (test hosts, environment overrides) still pick the provider.
        // Pooled (issue #17): building the options, the interceptors and the context's internal services on every request
        // took about a tenth of a case read. The contexts hold no state of their own, and EF resets the change tracker and
        // the connection when a context goes back to the pool; the options are built once from the root provider, which is
        // why the interceptors are singletons that find the current actor themselves.
        services.AddDbContextPool<SqliteExplantDbContext>((sp, o) => Configure(sp, o));
        services.AddDbContextPool<PostgresExplantDbContext>((sp, o) => Configure(sp, o));
        services.AddScoped<ExplantDbContext>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? sp.GetRequiredService<PostgresExplantDbContext>()
                : sp.GetRequiredService<SqliteExplantDbContext>());
        services.AddSingleton<SqliteHotReads>();
        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static void Configure(IServiceProvider sp, DbContextOptionsBuilder builder)
    {
        var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        UseProvider(builder, options);
        builder.AddInterceptors(sp.GetRequiredService<AuditInterceptor>());
        // Interceptors the host adds (the web app's domain metrics).
        builder.AddInterceptors(sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
    }

    public static void UseProvider(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var connection = options.ResolveConnectionString();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            // Transient failures (a dropped connection, a server restarting or fail-over, too many connections) are retried
            // by EF a few times, each whole SaveChanges in its own transaction, so a blip is invisible and an outage turns
            // into 503 + Retry-After after about five seconds (ProblemExceptionHandler) with nothing half-written. A user
            // transaction (BeginTransaction) must then run inside Database.CreateExecutionStrategy().ExecuteAsync.
            builder.UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory")
                .EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null));
        }
        else
        {
            builder.UseSqlite(connection);
        }
    }
}
