using System.Security.Claims;
using Explant.Core.Cases;
using Explant.Core.Data;

namespace Explant.Web.Api;

internal static class HttpExtensions
{
    /// <summary>The revision named by If-Match, or null when the client sent none.</summary>
    public static long? IfMatchRevision(this HttpRequest request) =>
        Concurrency.ParseIfMatch(request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null);

    public static CaseActor ToCaseActor(this ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "anonymous", [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)]);

    public static void SetETag(this HttpResponse response, long revision) => response.Headers.ETag = Concurrency.ETag(revision);

    public static ValidationException Missing(string field) => new(new Dictionary<string, string[]> { [field] = ["required"] });

}
