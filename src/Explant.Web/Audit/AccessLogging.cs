using System.Text.RegularExpressions;
using Explant.Core.Audit;
using Explant.Core.Data;
using Microsoft.Extensions.Options;

namespace Explant.Web.Audit;

/// <summary>
/// Records who read which patient record or case, and every refused request (403/409/412) with its rule, one
/// row per request into the AccessLog table, committed in groups by <see cref="AccessLogWriter"/>. It sits outside the exception handler, so it sees the final status
/// the handler chose and the rule it left in <see cref="HttpContext.Items"/>. The row is written as the response
/// starts (before its headers leave), not after the pipeline returns: a client that has its answer can rely on the
/// row being there, and the row never interleaves with the request-log line written after the response. A failed
/// insert never fails the response, but is logged (without the path or subject: no patient identifiers in logs).
/// </summary>
internal static partial class AccessLogging
{
    /// <summary>Set by ProblemExceptionHandler: the rule a refusal broke.</summary>
    public const string RuleItem = "explant.refusal-rule";

    [GeneratedRegex(@"^/(?:api/)?(?<kind>patients|cases)/(?<id>[^/]+)(?:/|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RecordPath();

    [GeneratedRegex(@"^/fhir/Patient/(?<id>[^/$][^/]*)(?:/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex FhirPatientPath();

    public static Task Record(HttpContext context, Func<Task> next)
    {
        // OnStarting also runs for a response without a body, when the server completes it; the status and the
        // rule are final by then (the exception handler sets both before it writes).
        context.Response.OnStarting(static state => WriteAsync((HttpContext)state), context);
        return next();
    }

    /// <summary>"patient:{id}" or "case:{id}" for paths that name one record, else null.</summary>
    public static string? SubjectOf(PathString path)
    {
        var value = path.Value ?? "";
        if (RecordPath().Match(value) is { Success: true } m)
        {
            var id = m.Groups["id"].Value;
            // "/api/patients/search"-style collection routes are not records; ids are Guids or case numbers.
            return m.Groups["kind"].Value.Equals("patients", StringComparison.OrdinalIgnoreCase)
                ? Guid.TryParse(id, out var g) ? $"patient:{g}" : null
                : $"case:{id}";
        }
        if (FhirPatientPath().Match(value) is { Success: true } f)
        {
            return $"patient:{f.Groups["id"].Value}";
        }
        return null;
    }

    private static async Task WriteAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var refused = status is StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed;
        var subject = SubjectOf(context.Request.Path);
        var read = HttpMethods.IsGet(context.Request.Method) && status == StatusCodes.Status200OK && subject is not null;
        if (!refused && !read)
        {
            return;
        }
        var actor = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";
        var rule = context.Items[RuleItem] as string ?? (status == StatusCodes.Status403Forbidden ? "role" : null);
        try
        {
            // Group commit (AccessLogWriter): the row is committed with the others waiting, in a context of its own (the
            // request's context may hold the failed write that caused the refusal); the response waits for it.
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            await context.RequestServices.GetRequiredService<AccessLogWriter>().WriteAsync(AccessLogEntry.Record(now, actor,
                refused ? AccessLogEntry.Refused : AccessLogEntry.Read, context.Request.Method, context.Request.Path.Value ?? "", subject, status, rule));
        }
#pragma warning disable CA1031 // the response is already decided; a lost log row is reported, never thrown
        catch (Exception e)
#pragma warning restore CA1031
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccessLogging))
                .LogError(e, "Access log row not written ({Method} status {Status})", context.Request.Method, status);
        }
    }
}

/// <summary>Deletes access-log rows past <c>Audit:AccessLogRetentionDays</c> at start and then once a day.</summary>
internal sealed class AccessLogRetentionService(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AuditOptions> options,
    ILogger<AccessLogRetentionService> logger) : BackgroundService
{
    public async Task<int> PurgeOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        return await AccessLogRetention.PurgeAsync(db, clock, options.Value, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await PurgeOnceAsync(stoppingToken);
                logger.LogInformation("Access log retention: {Deleted} rows older than {Days} days deleted", deleted, options.Value.AccessLogRetentionDays);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed purge (database not migrated yet, briefly unreachable) is retried tomorrow
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Access log retention failed");
            }
            try
            {
                await Task.Delay(TimeSpan.FromDays(1), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
