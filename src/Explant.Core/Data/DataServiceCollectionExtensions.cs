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
    /// Callers register an <see cref="IActor"/> (web: the signed-in user; CLI: the OS user).
    /// </summary>
    public static IServiceCollection AddExplantData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection("Database"))
            .PostConfigure(o => o.ConnectionString ??= configuration.GetConnectionString("Explant"))
            .ValidateOnStart();
        services.TryAddSingletonTimeProvider();
        services.AddScoped<AuditInterceptor>();

        // Both provider contexts are registered and the choice is made per scope from the bound options, so
        // settings that arrive late (test hosts, environment overrides) still pick the provider.
        services.AddDbContext<SqliteExplantDbContext>((sp, o) => Configure(sp, o));
        services.AddDbContext<PostgresExplantDbContext>((sp, o) => Configure(sp, o));
        services.AddScoped<ExplantDbContext>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? sp.GetRequiredService<PostgresExplantDbContext>()
                : sp.GetRequiredService<SqliteExplantDbContext>());
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
