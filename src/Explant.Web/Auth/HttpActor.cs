using Explant.Core.Audit;

namespace Explant.Web.Auth;

/// <summary>The audit actor for a web request: the signed-in user's name, or "anonymous" (e.g. the login itself).</summary>
internal sealed class HttpActor(IHttpContextAccessor accessor) : IActor
{
    public string Name => accessor.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";
}
