using System.Security.Claims;
using Explant.Core.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Explant.Web.Hosting;

/// <summary>
/// Puts the account's display name into the sign-in principal, so the navigation names the signed-in person
/// (issue #13 §6) without a query on every page. Refreshed whenever Identity rebuilds the principal (sign-in,
/// security-stamp validation); a cookie issued before this claim existed shows the e-mail until then.
/// </summary>
internal sealed class DisplayNameClaims(UserManager<ExplantUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ExplantUser, IdentityRole>(users, roles, options)
{
    public const string ClaimType = "explant:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ExplantUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(ClaimType, user.DisplayName));
        }
        return identity;
    }

    /// <summary>The signed-in person as the pages name them: the display name, else the account's e-mail.</summary>
    public static string? NameOf(ClaimsPrincipal? user) =>
        user?.FindFirst(ClaimType)?.Value is { Length: > 0 } name ? name : user?.Identity?.Name;
}
