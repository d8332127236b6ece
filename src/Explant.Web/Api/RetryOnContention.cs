using Explant.Core.Data;

namespace Explant.Web.Api;

/// <summary>
/// Runs every endpoint (JSON API and HTML forms) through <see cref="Contention.RetryAsync{T}"/>: a write without If-Match
/// (or a form's revision) that loses a race is re-read and re-applied on the server with its rules checked again, so
/// contention alone never fails it; with a precondition a stale revision still answers 412. Re-running the endpoint
/// re-runs its one Core command on the same bound input and the request's DbContext, cleared.
/// </summary>
internal static class RetryOnContention
{
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return await next(context);
        }
        var db = http.RequestServices.GetRequiredService<ExplantDbContext>();
        // Bound input (JSON records, forms) was read before this filter; a handler that reads the body itself (a
        // procedure's text) gets it afresh on each attempt. Bodies are capped (InputLimits.RequestBodyBytes), so memory is.
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(copy, http.RequestAborted);
            body = copy.ToArray();
        }
        return await Contention.RetryAsync(db, async () =>
        {
            // A response already on its way cannot be taken back: only a request that wrote nothing yet is run again.
            if (http.Response.HasStarted)
            {
                throw new InvalidOperationException("the response started before the write was retried");
            }
            http.Request.Body = new MemoryStream(body, writable: false);
            return await next(context);
        }, http.RequestAborted);
    }
}
