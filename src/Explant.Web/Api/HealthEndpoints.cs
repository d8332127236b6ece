using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Web.Api;

internal static class HealthEndpoints
{
    public sealed record DatabaseHealth(string Provider, bool CanConnect, IReadOnlyList<string> PendingMigrations);
    public sealed record Health(string Status, DatabaseHealth Database);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Anonymous on purpose: load balancers probe it. It reveals the provider, never the connection string.
        app.MapGet("/health", GetHealth).AllowAnonymous();
        return app;
    }

    // Cheap: one connection test; pending migrations come from the look-up made once at start (MigrationStatus).
    private static async Task<IResult> GetHealth(ExplantDbContext db, IOptions<DatabaseOptions> options, Hosting.MigrationStatus migrations, CancellationToken ct)
    {
        bool canConnect;
        IReadOnlyList<string> pending = [];
        try
        {
            canConnect = await db.Database.CanConnectAsync(ct);
            if (canConnect)
            {
                pending = await migrations.PendingAsync(ct) ?? [];
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            canConnect = false;
        }
        var healthy = canConnect && pending.Count == 0;
        return TypedResults.Json(
            new Health(healthy ? "Healthy" : "Unhealthy", new DatabaseHealth(options.Value.Provider.ToString(), canConnect, pending)),
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
