using System.Diagnostics;
using Explant.Core.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Explant.Web.Api;

/// <summary>
/// The one place exceptions become responses: rule violations 409/422 naming the rule, lost races 409/412,
/// everything else 500 with a trace id and nothing of the exception leaked.
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
}
