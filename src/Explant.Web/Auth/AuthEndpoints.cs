using Explant.Core.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Explant.Web.Auth;

/// <summary>Sign-in for the UI (cookie, form post) and for API clients (bearer token).</summary>
internal static class AuthEndpoints
{
    public sealed record TokenRequest(string Email, string Password);

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", Login).AllowAnonymous();
        app.MapPost("/account/logout", Logout).RequireAuthorization();
        app.MapPost("/api/auth/token", Token).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    // The form carries an antiforgery token (rendered by the login page); minimal APIs validate it for form posts.
    private static async Task<RedirectHttpResult> Login(
        [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
        SignInManager<ExplantUser> signIn)
    {
        var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        if (result.Succeeded)
        {
            return TypedResults.LocalRedirect(target);
        }
        var reason = result.IsLockedOut ? "locked" : "failed";
        return TypedResults.LocalRedirect($"/login?error={reason}&returnUrl={Uri.EscapeDataString(target)}");
    }

    private static async Task<RedirectHttpResult> Logout(SignInManager<ExplantUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/login");
    }

    /// <summary>Issues an Identity bearer token; the bearer handler writes {tokenType, accessToken, expiresIn, refreshToken}.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Token(TokenRequest request, SignInManager<ExplantUser> signIn)
    {
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(request.Email ?? "", request.Password ?? "", isPersistent: false, lockoutOnFailure: true);
        return result.Succeeded
            ? TypedResults.Empty
            : TypedResults.Problem(result.IsLockedOut ? "account locked after repeated failures" : "e-mail or password is wrong",
                statusCode: StatusCodes.Status401Unauthorized);
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
