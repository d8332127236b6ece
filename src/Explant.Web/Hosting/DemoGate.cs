using System.Net;

namespace Explant.Web.Hosting;

/// <summary>
/// The middleware in front of everything but the static files while the demo is being prepared (<see cref="DemoPreparation"/>):
/// 503 with Retry-After and no-store for every request except the health probes. Browsers get a page with the reason and a
/// link back to the page they asked for (styled by the site's own style sheet, which the static files serve before this
/// gate); API and FHIR clients get problem details. The page does not reload itself: an automatic refresh is a time limit
/// the reader does not control (WCAG 2.2.1, axe's meta-refresh rule), and the demo's banner with the address is printed
/// only once the gate is open.
/// </summary>
internal static class DemoGate
{
    /// <summary>How long a client is asked to wait before trying again while the seed runs.</summary>
    public const int RetryAfterSeconds = 2;

    public static Task Invoke(HttpContext context, Func<Task> next)
    {
        var preparation = context.RequestServices.GetRequiredService<DemoPreparation>();
        if (preparation.Ready || context.Request.Path.StartsWithSegments("/health/live") || context.Request.Path.StartsWithSegments("/health/ready"))
        {
            return next();
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        const string title = "The demo data is being prepared";
        var detail = preparation.Failed ? "the demo data could not be prepared; the server is stopping (see its log)"
            : $"the demo patients and their history are being added; try again in {RetryAfterSeconds} seconds";
        if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(Page(title, detail, context.Request.PathBase.ToUriComponent(), Again(context.Request)));
        }
        return Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
    }

    /// <summary>
    /// The page asked for, as a link on this site. Built from the escaped path: the server decodes "%09", "%0A" or "%5C"
    /// into the path, and a browser drops tabs and line breaks from a link and reads "\\" as "/", so "/%09/host" would
    /// link to another host. A path that still begins "//" (another host to a browser) links to the start page.
    /// </summary>
    internal static string Again(HttpRequest request)
    {
        var path = request.PathBase.ToUriComponent() + request.Path.ToUriComponent();
        if (path.Length == 0)
        {
            return "/";
        }
        return path.StartsWith("//", StringComparison.Ordinal) ? "/" : path + request.QueryString.ToUriComponent();
    }

    /// <summary>The page a browser is shown: the site's header and style, the reason, and a link to try the page again.</summary>
    internal static string Page(string title, string detail, string pathBase, string again) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="{WebUtility.HtmlEncode(pathBase)}/app.css"><title>Preparing · Explant</title></head>
        <body><header class="topbar"><span class="brand">Explant</span></header>
        <main id="main"><h1>{WebUtility.HtmlEncode(title)}</h1><p role="status">{WebUtility.HtmlEncode(detail)}.</p>
        <p><a class="button" href="{WebUtility.HtmlEncode(again)}">Try again</a></p></main></body></html>
        """;
}
