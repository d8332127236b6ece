using Explant.Core.Auth;

namespace Explant.Web.Auth;

/// <summary>
/// Where a sign-in without a deep link lands (issue #13 §2): each role starts on the list it works from, not on the
/// procedure catalog. A deep link (any return URL other than "/") always wins, so a link from a message or a page
/// the sign-in interrupted still opens where it pointed.
/// </summary>
internal static class Landing
{
    // Clinical roles first: a surgeon who is also an administrator still starts the day on their cases.
    private static readonly (string Role, string Path)[] ByRole =
    [
        (Roles.Surgeon, "/cases"),
        (Roles.Anesthesiologist, "/preop"),
        (Roles.Nurse, "/preop"),
        (Roles.Scheduler, "/board"),
        (Roles.Admin, "/"),
    ];

    public static string For(IEnumerable<string> roles)
    {
        var held = roles.ToHashSet(StringComparer.Ordinal);
        foreach (var (role, path) in ByRole)
        {
            if (held.Contains(role))
            {
                return path;
            }
        }
        return "/";
    }
}
