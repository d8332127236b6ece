using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Explant.Core.Data;
using Explant.Core.Scheduling;
using Explant.Core.Theatre;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Events;

namespace Explant.Web.Hosting;

/// <summary>Structured logs (Serilog), traces and metrics (OpenTelemetry) and the health probes (issue #16 §5).</summary>
internal static class ObservabilitySetup
{
    public static void AddExplantObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // JSON lines on stdout with trace and span ids (@tr, @sp). Request paths are logged as route templates and the
        // framework's own per-request lines are off, so no MRN, name or PROM link reaches a log; see RequestLogging.
        services.AddSerilog((sp, log) => log
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // A sub-logger, so the redaction runs after every enricher (including ASP.NET Core's request scope).
            .WriteTo.Logger(output => output
                .Enrich.With<RedactRequestPath>()
                .ReadFrom.Services(sp)
                .WriteTo.Console(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter())),
            // Each host keeps its own logger instead of replacing the process-wide Log.Logger: hosts that share a
            // process (two instances in a test, the test hosts run in parallel) otherwise write through whichever
            // logger started last, and one host stopping silences the others (Log.CloseAndFlush).
            preserveStaticLogger: true);

        services.AddMetrics();
        services.AddSingleton<ExplantMetrics>();
        services.AddSingleton<IInterceptor, DomainMetricsInterceptor>();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("explant"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation(o =>
            {
                o.Filter = http => !http.Request.Path.StartsWithSegments("/health");
                // Spans leave the hospital's network for a collector: like the logs, they name the route ("http.route",
                // and the span name "GET /patients/{id}"), never the path or query, which carry record keys, searched
                // names and PROM links. Runs after the instrumentation has set its start tags.
                o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.path", null).SetTag("url.query", null);
            }))
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(ExplantMetrics.MeterName));
        // Exported only when a collector is configured (OTEL_EXPORTER_OTLP_ENDPOINT, the standard variable).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        services.AddSingleton<MigrationStatus>();
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddDbContextCheck<ExplantDbContext>("database", tags: ["ready"])
            .AddCheck<MigrationStatus>("migrations", tags: ["ready"]);
    }

    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(o =>
        {
            // This host's logger (see preserveStaticLogger above), not the static Log.Logger.
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // The route template ("/patients/{Id}"), never the path: paths and query strings carry record keys and PROM links.
            o.MessageTemplate = "HTTP {RequestMethod} {Route} responded {StatusCode} in {Elapsed:0.0} ms";
            o.EnrichDiagnosticContext = (diagnostics, http) =>
                diagnostics.Set("Route", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)");
            o.IncludeQueryInRequestPath = false;
            // Replaces the default properties, which include RequestPath.
            o.GetMessageTemplateProperties = (http, _, elapsed, status) =>
            [
                new("RequestMethod", new ScalarValue(http.Request.Method)),
                new("StatusCode", new ScalarValue(status)),
                new("Elapsed", new ScalarValue(elapsed)),
            ];
        });
        return app;
    }

    public static IEndpointRouteBuilder MapHealthProbes(this IEndpointRouteBuilder app)
    {
        // Anonymous: load balancers and orchestrators probe them. Plain "Healthy"/"Unhealthy", nothing else revealed.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}

/// <summary>
/// ASP.NET Core's request log scope adds the raw path ("/prom/{link}", "/patients/{id}") to every event of a request;
/// the route template in "Route" says the same without the record key.
/// </summary>
internal sealed class RedactRequestPath : Serilog.Core.ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        logEvent.RemovePropertyIfPresent("RequestPath");
    }
}

/// <summary>
/// Pending migrations, looked up once (at start, or at the first probe if the database was down then) and kept: the
/// schema does not change under a running process, and an anonymous probe must not scan the history table each call.
/// </summary>
internal sealed class MigrationStatus(IServiceScopeFactory scopes) : IHealthCheck
{
    private IReadOnlyList<string>? pending;

    public async Task<IReadOnlyList<string>?> PendingAsync(CancellationToken ct = default)
    {
        if (pending is not null)
        {
            return pending;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            return pending = [.. await db.Database.GetPendingMigrationsAsync(ct)];
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            return null;
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await PendingAsync(cancellationToken) switch
        {
            null => HealthCheckResult.Unhealthy("migrations could not be checked"),
            [] => HealthCheckResult.Healthy(),
            var p => HealthCheckResult.Unhealthy($"{p.Count} pending migration(s)"),
        };
}

/// <summary>Domain metrics on the "Explant" meter: bookings stored, refusals by rule, WHO checklist phase durations.</summary>
public sealed class ExplantMetrics
{
    public const string MeterName = "Explant";

    public ExplantMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        Bookings = meter.CreateCounter<long>("explant.bookings", "{booking}", "Bookings stored (new or moved)");
        Refusals = meter.CreateCounter<long>("explant.refusals", "{refusal}", "Requests refused by a rule, tagged with the rule id and status");
        ChecklistPhase = meter.CreateHistogram<double>("explant.checklist.phase.duration", "s", "From the first to the last tick of a WHO checklist phase");
    }

    public Counter<long> Bookings { get; }
    public Counter<long> Refusals { get; }
    public Histogram<double> ChecklistPhase { get; }

    public void Refused(string rule, int status) =>
        Refusals.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("status", status));
}

/// <summary>
/// Reads the domain metrics off what a save stores, so the commands stay free of telemetry calls: added bookings, and
/// checklist phases whose last tick is in this save. Counted only once the save succeeded.
/// </summary>
internal sealed class DomainMetricsInterceptor(ExplantMetrics metrics) : SaveChangesInterceptor
{
    private sealed record Observed(int Bookings, IReadOnlyList<(ChecklistPhase Phase, double Seconds)> Phases);

    private readonly ConditionalWeakTable<DbContext, Observed> observed = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Observe(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Observe(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Emit(eventData.Context);
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Emit(eventData.Context);
        return base.SavedChanges(eventData, result);
    }

    private void Observe(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var tracker = context.ChangeTracker;
        var bookings = tracker.Entries<Booking>().Count(e => e.State == EntityState.Added);
        var added = tracker.Entries<Tick>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
        var phases = new List<(ChecklistPhase, double)>();
        if (added.Count > 0)
        {
            foreach (var record in tracker.Entries<IntraOpRecord>().Select(e => e.Entity))
            {
                var items = record.Checklist.ToDictionary(i => i.Id, i => i.Phase, StringComparer.Ordinal);
                var touched = record.Ticks.Where(added.Contains).Select(t => items.GetValueOrDefault(t.ItemId)).Distinct();
                foreach (var phase in touched.Where(record.PhaseComplete))
                {
                    var times = record.Ticks.Where(t => items.TryGetValue(t.ItemId, out var p) && p == phase).Select(t => t.AtUtc).ToList();
                    phases.Add((phase, (times.Max() - times.Min()).TotalSeconds));
                }
            }
        }
        observed.AddOrUpdate(context, new Observed(bookings, phases));
    }

    private void Emit(DbContext? context)
    {
        if (context is null || !observed.TryGetValue(context, out var o))
        {
            return;
        }
        observed.Remove(context);
        if (o.Bookings > 0)
        {
            metrics.Bookings.Add(o.Bookings);
        }
        foreach (var (phase, seconds) in o.Phases)
        {
            metrics.ChecklistPhase.Record(seconds, new KeyValuePair<string, object?>("phase", phase.ToString()));
        }
    }
}
