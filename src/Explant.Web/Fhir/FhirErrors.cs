using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>A FHIR request that cannot be answered: becomes an OperationOutcome with this status.</summary>
internal sealed class FhirException(int status, OperationOutcome.IssueType code, string message, string? expression = null) : Exception(message)
{
    public int Status { get; } = status;
    public OperationOutcome.IssueType Code { get; } = code;
    public string? Expression { get; } = expression;

    public static FhirException NotFound(string message) => new(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, message);

    public static FhirException BadSearch(string parameter, string message) =>
        new(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, $"{parameter}: {message}", parameter);
}

internal static class FhirErrors
{
    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string message, string? expression = null) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = message,
                Expression = expression is null ? [] : [expression],
            },
        ],
    };

    public static IResult Result(int status, OperationOutcome.IssueType code, string message, string? expression = null) =>
        FhirJson.Result(Outcome(code, message, expression), status);

    /// <summary>
    /// Every failure of a FHIR route answers with an OperationOutcome (FHIR http.html), not the ProblemDetails of /api:
    /// our own errors, the domain's validation and not-found exceptions, and anything unexpected (500, nothing leaked).
    /// </summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FhirException e)
        {
            return Result(e.Status, e.Code, e.Message, e.Expression);
        }
        catch (Explant.Core.Data.ValidationException e)
        {
            return Result(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, e.Message, e.Errors.Keys.FirstOrDefault());
        }
        catch (Explant.Core.Data.DomainRuleException e)
        {
            // A role refused by a Core command (403), or a rule of the record (409/422), as on /api — with the rule id.
            var status = e.Forbidden ? StatusCodes.Status403Forbidden : e.Unprocessable ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status409Conflict;
            return Result(status, e.Forbidden ? OperationOutcome.IssueType.Forbidden : OperationOutcome.IssueType.BusinessRule, $"{e.Message} (rule {e.Rule})");
        }
        catch (Explant.Core.Data.NotFoundException e)
        {
            return Result(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return Result(e.StatusCode, OperationOutcome.IssueType.Invalid, e.Message);
        }
        catch (Exception e) when (Explant.Core.Data.DatabaseFaults.IsUnavailable(e))
        {
            // The database is down (issue #16 §7): the same 503 + Retry-After as /api, as an OperationOutcome.
            context.HttpContext.Response.Headers.RetryAfter = Api.ProblemExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Result(StatusCodes.Status503ServiceUnavailable, OperationOutcome.IssueType.Transient, "the database cannot be reached; retry later");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Explant.Web.Fhir");
            logger.LogError(e, "FHIR request {Path} failed", context.HttpContext.Request.Path);
            return Result(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
                $"internal error (trace id {context.HttpContext.TraceIdentifier})");
        }
    }
}
