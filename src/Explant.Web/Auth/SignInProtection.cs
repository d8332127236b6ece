using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Explant.Core.Auth;
using Explant.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Explant.Web.Auth;

/// <summary>Sign-in limits (issue #16 §2). Tests raise the permit limit so only the limiter's own tests meet it.</summary>
public sealed class SignInOptions
{
    /// <summary>Requests per client address and window on the sign-in routes and the patient PROM links.</summary>
    public int PermitLimit { get; set; } = 10;
    public int WindowSeconds { get; set; } = 60;
    /// <summary>Failed passwords for one account from one address before that pair waits.</summary>
    public int MaxFailures { get; set; } = 5;
    /// <summary>The first wait; each further lock-out of the same pair doubles it up to <see cref="MaxLockoutSeconds"/>.</summary>
    public int FirstLockoutSeconds { get; set; } = 60;
    public int MaxLockoutSeconds { get; set; } = 900;
}

/// <summary>The rate limiter (ASP.NET Core's) on sign-in, and the stamp check that revokes bearer tokens.</summary>
internal static class SignInProtection
{
    public const string Policy = "sign-in";
    public const string FailureDetail = "Sign-in failed: the e-mail or password is wrong, or this account cannot sign in now.";

    public static IServiceCollection AddExplantSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SignInOptions>(configuration, "SignIn", o =>
            new[] { ("PermitLimit", o.PermitLimit), ("WindowSeconds", o.WindowSeconds), ("MaxFailures", o.MaxFailures),
                ("FirstLockoutSeconds", o.FirstLockoutSeconds), ("MaxLockoutSeconds", o.MaxLockoutSeconds) }
                .Where(x => x.Item2 < 1).Select(x => $"{x.Item1} is {x.Item2}; it must be at least 1"));
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInOptions>>((o, signIn) =>
        {
            var limits = signIn.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitLimit,
                Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                QueueLimit = 0,
            }));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(limits.WindowSeconds);
                var seconds = (int)Math.Max(1, Math.Ceiling(retry.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"Too many requests from this address; try again in {seconds} s.",
                }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
            };
        });
        return services;
    }

    /// <summary>The caller's address (behind a proxy: after forwarded headers are applied, see README "Run in production").</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>
    /// Bearer tokens carry the security stamp of the moment they were issued; the bearer handler does not compare it
    /// (Identity checks it only on refresh). A password change or a disabled account changes the stamp, so the token
    /// stops working on the next request. Cookies get the same check from Identity's SecurityStampValidator.
    /// The comparison is SignInManager.ValidateSecurityStampAsync's (the account named by the token exists and its
    /// stored stamp equals the token's), done as one compiled query for the stamp column: building SignInManager and
    /// UserManager and loading the whole account on every API request took about a sixth of a case read (issue #17).
    /// </summary>
    public static async Task RevokeStaleBearer(HttpContext context, Func<Task> next)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && !await StampIsCurrent(context))
        {
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        }
        await next();
    }

    /// <summary>
    /// The cookie's stamp check, run by Identity's SecurityStampValidator only once its interval has passed since the
    /// cookie was issued (SecurityStampValidatorOptions.ValidationInterval, one minute here). The validator is resolved
    /// before it looks at the time, and resolving it builds SignInManager, UserManager and the user store on every page
    /// request (issue #17: about 3 % of a case page); the same test on the same clock is made first here, so the
    /// validator is built only when it will check. When the interval has passed, or the cookie has no issue time, it runs
    /// exactly as before.
    /// </summary>
    public static Task ValidateCookieStampWhenDue(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        return context.Properties.IssuedUtc is { } issued && now - issued <= options.ValidationInterval
            ? Task.CompletedTask
            : SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    private static readonly PerProvider<Func<ExplantDbContext, string, Task<string?>>> StoredStamp = new(() =>
        Microsoft.EntityFrameworkCore.EF.CompileAsyncQuery((ExplantDbContext db, string id) =>
            db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).FirstOrDefault()));

    // StoredStamp's SQL on SQLite, kept prepared (SqliteHotReads: every bearer request runs it); compared with EF's by
    // SqliteHotReadsTests.
    internal static readonly HotStatement StoredStampSql = new("""
        SELECT "a"."SecurityStamp" FROM "AspNetUsers" AS "a" WHERE "a"."Id" = $id LIMIT 1
        """, "$id");

    /// <summary>The stored security stamp of account <paramref name="id"/>, by EF; null when there is no such account or it has none.</summary>
    internal static Task<string?> StoredStampOf(ExplantDbContext db, string id) => StoredStamp.For(db)(db, id);

    /// <summary>As <see cref="StoredStampOf(ExplantDbContext, string)"/>, by the statement kept prepared (SQLite).</summary>
    internal static string? StoredStampOf(SqliteHotReads hot, string id) => hot.ReadOne(StoredStampSql, id, static r => r.IsDBNull(0) ? null : r.GetString(0));

    private static async Task<bool> StampIsCurrent(HttpContext context)
    {
        var claims = context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var id = context.User.FindFirst(claims.UserIdClaimType)?.Value;
        var stamp = context.User.FindFirst(claims.SecurityStampClaimType)?.Value;
        if (id is null || stamp is null)
        {
            return false;
        }
        // On SQLite no context is rented for it: the endpoint may need none (a remembered case).
        var hot = context.RequestServices.GetRequiredService<SqliteHotReads>();
        var stored = hot.Enabled ? StoredStampOf(hot, id) : await StoredStampOf(context.RequestServices.GetRequiredService<ExplantDbContext>(), id);
        return stored is not null && string.Equals(stored, stamp, StringComparison.Ordinal);
    }
}

/// <summary>
/// Failed passwords counted per account AND client address (hand-written: Identity's lockout counts per account only, so
/// anyone could lock a colleague out by guessing from elsewhere, and the rate limiter cannot see the account in the
/// body). After <see cref="SignInOptions.MaxFailures"/> failures the pair waits a short time that doubles with each
/// further lock-out. Kept in memory per instance, like the rate limiter; a restart clears it.
/// </summary>
internal sealed class SignInThrottle(TimeProvider clock, IOptions<SignInOptions> options)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<(string Account, string Address), Entry> entries = new();

    private sealed class Entry
    {
        public int Failures;
        public int Lockouts;
        public DateTimeOffset BlockedUntil;
        public DateTimeOffset LastSeen;
    }

    public bool IsBlocked(string account, string address)
    {
        return entries.TryGetValue(Key(account, address), out var e) && e.BlockedUntil > clock.GetUtcNow();
    }

    public void Failed(string account, string address)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        if (entries.Count > MaxEntries)
        {
            Prune(now, o);
        }
        var e = entries.GetOrAdd(Key(account, address), _ => new Entry());
        lock (e)
        {
            e.LastSeen = now;
            if (++e.Failures < o.MaxFailures)
            {
                return;
            }
            e.Failures = 0;
            var seconds = Math.Min(o.MaxLockoutSeconds, o.FirstLockoutSeconds * Math.Pow(2, Math.Min(e.Lockouts, 20)));
            e.Lockouts++;
            e.BlockedUntil = now.AddSeconds(seconds);
        }
    }

    public void Succeeded(string account, string address) => entries.TryRemove(Key(account, address), out _);

    private void Prune(DateTimeOffset now, SignInOptions o)
    {
        foreach (var (key, e) in entries)
        {
            if (e.BlockedUntil < now && e.LastSeen < now.AddSeconds(-o.MaxLockoutSeconds * 4))
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private static (string, string) Key(string account, string address) => (account.Trim().ToUpperInvariant(), address);
}
