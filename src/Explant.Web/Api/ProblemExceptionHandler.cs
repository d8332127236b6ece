using System.Diagnostics;
using Explant.Core.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Api;

/// <summary>
/// The one place exceptions become responses: rule violations 409/422 naming the rule, lost races 409/412, the database
/// unreachable (or a write that kept losing races) 503 with Retry-After, everything else 500 with a trace id and nothing of the exception leaked.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger, Hosting.ExplantMetrics metrics) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ValidationException validation)
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            var invalid = new HttpValidationProblemDetails(validation.Errors) { Status = 400, Title = "One or more fields are invalid" };
            invalid.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = invalid, Exception = exception });
        }
        if (exception is BadHttpRequestException bad)
        {
            // Malformed body or parameter: name the JSON path (or parameter) the binder stopped at.
            var path = (bad.InnerException as System.Text.Json.JsonException)?.Path ?? "$";
            var message = bad.InnerException is System.Text.Json.JsonException json ? json.Message : bad.Message;
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            var invalid = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [path] = [message] }) { Status = 400, Title = "The request could not be read" };
            invalid.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = invalid, Exception = exception });
        }
        if (exception is ContentionException || DatabaseFaults.IsUnavailable(exception))
        {
            return await Unavailable(httpContext, exception);
        }
        if (exception is Explant.Core.Scheduling.BookingConflictException conflict)
        {
            httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
            var refused = new ProblemDetails { Status = 409, Title = "The booking conflicts", Detail = conflict.Message };
            refused.Extensions["rule"] = "booking-conflict";
            httpContext.Items[Audit.AccessLogging.RuleItem] = "booking-conflict";
            metrics.Refused("booking-conflict", StatusCodes.Status409Conflict);
            refused.Extensions["conflicts"] = conflict.Conflicts;
            refused.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = refused, Exception = exception });
        }
        var (status, title, detail, rule) = exception switch
        {
            DomainRuleException { Forbidden: true } d => (StatusCodes.Status403Forbidden, "Your role does not allow this", d.Message, d.Rule),
            DomainRuleException d => (d.Unprocessable ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict,
                "The request breaks a rule", d.Message, d.Rule),
            NotFoundException n => (StatusCodes.Status404NotFound, "Not found", n.Message, null),
            StaleRevisionException s => (StatusCodes.Status412PreconditionFailed, "The record was changed by someone else", s.Message, "optimistic-concurrency"),
            DbUpdateConcurrencyException => (StatusCodes.Status412PreconditionFailed,
                "The record was changed by someone else", "Reload it and apply your change again.", "optimistic-concurrency"),
            DbUpdateException => (StatusCodes.Status409Conflict,
                "The change conflicts with stored data", "Another change was saved first (for example the same version number). Reload and retry.", "unique-constraint"),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "The error has been logged; quote the trace id when reporting it.", null),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled exception");
        }
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        if (rule is not null)
        {
            problem.Extensions["rule"] = rule;
            httpContext.Items[Audit.AccessLogging.RuleItem] = rule;
            metrics.Refused(rule, status);
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>Seconds a client waits before sending again after a 503: the provider's own retries took about five.</summary>
    internal const int RetryAfterSeconds = 5;

    /// <summary>
    /// The database could not be reached (or a write kept losing races) even after the retries: 503 with Retry-After.
    /// Each write is one SaveChanges, one transaction, so a request answered this way stored nothing (issue #16 §7).
    /// Pages and form posts get a plain page; the API a ProblemDetails.
    /// </summary>
    private async ValueTask<bool> Unavailable(HttpContext httpContext, Exception exception)
    {
        var contention = exception is ContentionException;
        // No exception text: it may hold the host name, and never patient data.
        logger.LogWarning("Request not completed: {Fault} ({ExceptionType})", contention ? "contention" : "database unavailable", exception.GetType().Name);
        var retryAfter = contention ? 1 : RetryAfterSeconds;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var title = contention ? "The record is busy" : "The database cannot be reached";
        var detail = contention
            ? "The record kept changing while your change was saved. Nothing was stored; send it again."
            : $"Your request was not completed and nothing was stored. Try again in {retryAfter} seconds.";
        if (httpContext.Request.Path.StartsWithSegments("/fhir"))
        {
            // Failed before the FHIR routes' own filter (e.g. the bearer check): FHIR clients still get an OperationOutcome.
            await Fhir.FhirErrors.Result(StatusCodes.Status503ServiceUnavailable, Hl7.Fhir.Model.OperationOutcome.IssueType.Transient, detail).ExecuteAsync(httpContext);
            return true;
        }
        if (IsPage(httpContext.Request))
        {
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            var again = HttpMethods.IsGet(httpContext.Request.Method)
                ? $"<a href=\"{System.Net.WebUtility.HtmlEncode(httpContext.Request.PathBase + httpContext.Request.Path)}\">Try again</a>"
                : "Go back to the form and send it again.";
            await httpContext.Response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} – Explant</title></head>" +
                $"<body><main><h1>{title}</h1><p>{detail}</p><p>{again}</p></main></body></html>", cancellationToken: CancellationToken.None);
            return true;
        }
        var problem = new ProblemDetails { Status = 503, Title = title, Detail = detail };
        problem.Extensions["rule"] = contention ? "contention" : "database-unavailable";
        problem.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>A browser's page or form post (not the JSON API, FHIR, OpenAPI or the probes).</summary>
    private static bool IsPage(HttpRequest request) =>
        !(request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/fhir") || request.Path.StartsWithSegments("/openapi")
          || request.Path.StartsWithSegments("/health") || request.Path.StartsWithSegments("/scalar"));
}
