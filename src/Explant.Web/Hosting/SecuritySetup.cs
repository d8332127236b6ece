using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Web.Auth;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Explant.Web.Hosting;

/// <summary>Transport settings (issue #16 §1): HTTPS everywhere except the demo (or Development) on loopback.</summary>
public sealed class TransportOptions
{
    /// <summary>Redirect HTTP to HTTPS, send HSTS and mark cookies Secure. Default: on, except `--demo`/Development on loopback.</summary>
    public bool RequireHttps { get; set; } = true;
    public int HstsMaxAgeDays { get; set; } = 365;
}

/// <summary>
/// Response headers and transport. Headers come from NetEscapades.AspNetCore.SecurityHeaders, HSTS and the redirect from
/// ASP.NET Core; the only hand-written piece is <see cref="NoStore"/> (there is no built-in "no-store on every dynamic
/// response" option: output caching and response caching only ever add caching).
/// </summary>
internal static class SecuritySetup
{
    /// <summary>The CSP policy of the interactive API reference (Scalar renders an inline module script, nonced, and inline styles).</summary>
    public const string ApiReferencePolicy = "api-reference";

    public static void AddExplantSecurity(this WebApplicationBuilder builder, bool demo)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSettings<TransportOptions>(configuration, "Transport",
            o => o.HstsMaxAgeDays is < 1 or > 730 ? [$"HstsMaxAgeDays is {o.HstsMaxAgeDays}; it must be between 1 and 730"] : []);
        // The default only: an explicit Transport:RequireHttps always wins.
        services.PostConfigure<TransportOptions>(o =>
        {
            if (configuration["Transport:RequireHttps"] is null && (demo || builder.Environment.IsDevelopment()) && ListensOnLoopbackOnly(configuration))
            {
                o.RequireHttps = false;
            }
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<TransportOptions>>((o, t) => o.Cookie.SecurePolicy = t.Value.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.AddOptions<AntiforgeryOptions>()
            .Configure<IOptions<TransportOptions>>((o, t) => o.Cookie.SecurePolicy = t.Value.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.AddOptions<HstsOptions>()
            .Configure<IOptions<TransportOptions>>((o, t) => { o.MaxAge = TimeSpan.FromDays(t.Value.HstsMaxAgeDays); o.IncludeSubDomains = true; });

        // Cookies re-check the security stamp every minute (default 30): a password change or a disabled account ends sessions.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(p => Common(p).AddContentSecurityPolicy(csp =>
            {
                // Scripts and styles only from the app's own files: no inline script, no style attributes.
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self();
                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
            }))
            // Staff-only page without patient data. Scalar's inline bootstrap script carries this response's nonce; its UI
            // sets inline styles, so styles (not scripts) are relaxed on this page alone.
            .AddPolicy(ApiReferencePolicy, p => Common(p).AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self().WithNonce();
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFrameAncestors().None();
            }));

        services.AddExplantSignIn(configuration);
    }

    private static HeaderPolicyCollection Common(HeaderPolicyCollection p) => p
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny()
        .AddReferrerPolicyNoReferrer()
        .AddCrossOriginOpenerPolicy(x => x.SameOrigin())
        .AddPermissionsPolicy(pp =>
        {
            pp.AddCamera().None();
            pp.AddMicrophone().None();
            pp.AddGeolocation().None();
            pp.AddPayment().None();
            pp.AddUsb().None();
            pp.AddDisplayCapture().None();
        })
        .RemoveServerHeader();

    /// <summary>Headers first (so even redirects and static files carry them), then HTTPS, then no-store after the static files.</summary>
    public static WebApplication UseExplantSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (app.Services.GetRequiredService<IOptions<TransportOptions>>().Value.RequireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        return app;
    }

    /// <summary>
    /// Every response after the static files is dynamic and may hold patient data (API JSON, pages, PDFs, calendar
    /// feeds): no shared or browser cache may keep it.
    /// </summary>
    public static Task NoStore(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(static state =>
        {
            ((HttpResponse)state).Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, context.Response);
        return next();
    }

    /// <summary>True when every configured URL is a loopback host (no URL configured means Kestrel's localhost:5000).</summary>
    internal static bool ListensOnLoopbackOnly(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            return false;
        }
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return urls.All(u =>
        {
            var host = u.Split("://", 2) is [_, var rest] ? rest : u;
            host = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':', 2)[0].Split('/', 2)[0];
            return host is "localhost" or "[::1]" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
        });
    }
}
