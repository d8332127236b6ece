using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Explant.Web.Forms;

/// <summary>
/// A value the page after a form post shows exactly once — the one-time PROM link. It travels in an encrypted,
/// HttpOnly cookie scoped to that page and is deleted when read, never in the URL (URLs end up in browser history,
/// proxy logs and Referer headers). Hand-written because MVC's TempData would pull in the MVC view stack for one
/// value; Data Protection does the encryption.
/// </summary>
internal static class OneTimeNotice
{
    private const string Cookie = "explant-once";
    private const string Purpose = "Explant.OneTimeNotice";

    public static void Set(HttpContext http, string pagePath, string value)
    {
        var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        http.Response.Cookies.Append(Cookie, protector.Protect(value), Options(http, pagePath));
    }

    /// <summary>The value set for this page, or null; reading it deletes it.</summary>
    public static string? Take(HttpContext? http)
    {
        if (http is null || !http.Request.Cookies.TryGetValue(Cookie, out var sealedValue))
        {
            return null;
        }
        if (!http.Response.HasStarted)
        {
            http.Response.Cookies.Delete(Cookie, Options(http, http.Request.Path));
        }
        try
        {
            return http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(sealedValue);
        }
        catch (CryptographicException)
        {
            return null; // tampered or from another key ring: show nothing rather than guess
        }
    }

    private static CookieOptions Options(HttpContext http, string pagePath) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = pagePath,
        MaxAge = TimeSpan.FromMinutes(10),
        IsEssential = true,
    };
}
