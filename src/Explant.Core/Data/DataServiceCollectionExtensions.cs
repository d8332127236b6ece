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

        var options = new DatabaseOptions();
        configuration.GetSection("Database").Bind(options);
        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<ExplantDbContext, PostgresExplantDbContext>((sp, o) => Configure(sp, o));
        }
        else
        {
            services.AddDbContext<ExplantDbContext, SqliteExplantDbContext>((sp, o) => Configure(sp, o));
        }
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
    }

    public static void UseProvider(DbContextOptionsBuilder builder, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var connection = options.ResolveConnectionString();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            builder.UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory"));
        }
        else
        {
            builder.UseSqlite(connection);
        }
    }
}
