using Explant.Core.Auth;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Explant.Web.Auth;

/// <summary>Sign-in for the UI (cookie, form post) and for API clients (bearer token, refresh).</summary>
internal static class AuthEndpoints
{
    public sealed record TokenRequest(string Email, string Password);
    public sealed record RefreshTokenRequest(string RefreshToken);

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", Login).AllowAnonymous().RequireRateLimiting(SignInProtection.Policy).ExcludeFromDescription();
        app.MapPost("/account/logout", Logout).RequireAuthorization().ExcludeFromDescription();
        var api = app.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous().DisableAntiforgery();
        api.MapPost("/token", Token).RequireRateLimiting(SignInProtection.Policy)
            .Produces<AccessTokenResponse>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/refresh", Refresh).RequireRateLimiting(SignInProtection.Policy)
            .Produces<AccessTokenResponse>(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    // The form carries an antiforgery token (rendered by the login page); minimal APIs validate it for form posts.
    private static async Task<RedirectHttpResult> Login(
        [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
        SignInManager<ExplantUser> signIn, SignInThrottle throttle, HttpContext http)
    {
        var succeeded = await PasswordSignInAsync(email, password, signIn, throttle, http);
        var target = IsLocal(returnUrl) ? returnUrl! : "/";
        if (!succeeded)
        {
            return TypedResults.LocalRedirect($"/login?error=failed&returnUrl={Uri.EscapeDataString(target)}");
        }
        // No deep link: the role's worklist. The cookie is written but this request's User is still anonymous, so
        // the roles come from the store.
        if (target == "/" && await signIn.UserManager.FindByNameAsync(email) is { } user)
        {
            target = Landing.For(await signIn.UserManager.GetRolesAsync(user));
        }
        return TypedResults.LocalRedirect(target);
    }

    private static async Task<RedirectHttpResult> Logout(SignInManager<ExplantUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/login");
    }

    /// <summary>Issues an Identity bearer token; the bearer handler writes {tokenType, accessToken, expiresIn, refreshToken}.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Token(TokenRequest request, SignInManager<ExplantUser> signIn,
        SignInThrottle throttle, HttpContext http)
    {
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        return await PasswordSignInAsync(request.Email ?? "", request.Password ?? "", signIn, throttle, http)
            ? TypedResults.Empty
            : Failed();
    }

    /// <summary>
    /// A new access and refresh token for a valid refresh token, while the account's security stamp is unchanged (no
    /// password change, not disabled since) — Identity's own refresh rules, under our route and rate limit.
    /// </summary>
    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> Refresh(RefreshTokenRequest request,
        SignInManager<ExplantUser> signIn, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        var ticket = string.IsNullOrEmpty(request.RefreshToken) ? null
            : bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user
            || await signIn.UserManager.IsLockedOutAsync(user))
        {
            return TypedResults.Problem("The refresh token is invalid or expired, or the account changed since it was issued: sign in again.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }
        return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
    }

    /// <summary>
    /// One answer for every failure — unknown account, wrong password, disabled account, or this account locked for this
    /// address — so the answer never tells which accounts exist. Identity's per-account lockout is off: it would let
    /// anyone lock a colleague out; <see cref="SignInThrottle"/> counts per account and address instead.
    /// </summary>
    private static async Task<bool> PasswordSignInAsync(string email, string password, SignInManager<ExplantUser> signIn, SignInThrottle throttle, HttpContext http)
    {
        var address = SignInProtection.ClientAddress(http);
        if (throttle.IsBlocked(email, address))
        {
            return false;
        }
        var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            throttle.Succeeded(email, address);
            return true;
        }
        throttle.Failed(email, address);
        return false;
    }

    private static ProblemHttpResult Failed() =>
        TypedResults.Problem(SignInProtection.FailureDetail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
