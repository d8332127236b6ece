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
    public static ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return next(context);
        }
        var db = http.RequestServices.GetRequiredService<ExplantDbContext>();
        return new ValueTask<object?>(Contention.RetryAsync(db, async () =>
        {
            // A response already on its way cannot be taken back: only a request that wrote nothing yet is run again.
            if (http.Response.HasStarted)
            {
                throw new InvalidOperationException("the response started before the write was retried");
            }
            return await next(context);
        }, http.RequestAborted));
    }
}
