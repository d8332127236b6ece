using Microsoft.AspNetCore.Identity;

namespace Explant.Core.Auth;

public sealed class ExplantUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}
