using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #16 §2: the rate limiter on sign-in and PROM links (429 + Retry-After, per address), one answer for every
/// failed sign-in, a lock-out per account and address that grows, tokens revoked by a password change or a disabled
/// account, and POST /api/auth/refresh.
/// </summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string Nurse = "nurse@test.local";
    private ExplantFactory factory = null!;

    // Forwarded headers on (as behind a proxy, README "Run in production"), so a test can speak from several addresses.
    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
    {
        ["FORWARDEDHEADERS_ENABLED"] = "true", ["SignIn:MaxFailures"] = "3", ["SignIn:FirstLockoutSeconds"] = "60",
    });

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static HttpRequestMessage TokenRequest(string email, string password, string from) => new(HttpMethod.Post, "/api/auth/token")
    {
        Content = JsonContent.Create(new { email, password }),
        Headers = { { "X-Forwarded-For", from } },
    };

    private async Task<HttpResponseMessage> Token(string email, string password, string from = "203.0.113.1")
    {
        using var client = factory.CreateClient();
        return await client.SendAsync(TokenRequest(email, password, from));
    }

    /// <summary>Status and body without the per-request trace id.</summary>
    private static async Task<string> Answer(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {body.ToJsonString()}";
    }

    private async Task<string> AccessToken(string email, string password = ExplantFactory.Password)
    {
        var response = await Token(email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<HttpStatusCode> WithToken(string token)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/pathway/transitions")).StatusCode;
    }

    [Fact]
    public async Task Sign_in_routes_answer_429_with_retry_after_per_client_address()
    {
        await using var limited = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true", ["SignIn:PermitLimit"] = "3", ["SignIn:WindowSeconds"] = "600",
        });
        using var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(TokenRequest(Nurse, "wrong-password-123", "198.51.100.7"))).StatusCode);
        }
        var refused = await client.SendAsync(TokenRequest(Nurse, ExplantFactory.Password, "198.51.100.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 600);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        // The login form and the patients' PROM links share the budget of that address …
        var form = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent([new("email", Nurse), new("password", "x")]) };
        form.Headers.Add("X-Forwarded-For", "198.51.100.7");
        var formRefused = await client.SendAsync(form);
        Assert.Equal(HttpStatusCode.TooManyRequests, formRefused.StatusCode);
        Assert.True(formRefused.Headers.Contains("Retry-After"));
        var prom = new HttpRequestMessage(HttpMethod.Get, "/prom/guessed-token");
        prom.Headers.Add("X-Forwarded-For", "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(prom)).StatusCode);
        var promPost = new HttpRequestMessage(HttpMethod.Post, "/forms/prom/guessed-token") { Content = new FormUrlEncodedContent([new("a", "b")]) };
        promPost.Headers.Add("X-Forwarded-For", "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(promPost)).StatusCode);

        // … and another address is not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(TokenRequest(Nurse, ExplantFactory.Password, "198.51.100.8"))).StatusCode);
    }

    [Fact]
    public async Task Unknown_wrong_disabled_and_locked_accounts_get_the_same_answer()
    {
        await factory.AddUserAsync("locked@test.local", Roles.Nurse);
        await factory.AddUserAsync("disabled@test.local", Roles.Nurse);
        await using (var scope = factory.Scope())
        {
            Assert.IsType<DisableUser.Result.Disabled>(await DisableUser.Handle(new("disabled@test.local"), scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>()));
        }
        for (var i = 0; i < 3; i++)
        {
            await Token("locked@test.local", "wrong-password-123");
        }

        var unknown = await Answer(await Token("nobody@test.local", "wrong-password-123"));
        var wrong = await Answer(await Token(Nurse, "wrong-password-123"));
        var disabled = await Answer(await Token("disabled@test.local", ExplantFactory.Password));
        var locked = await Answer(await Token("locked@test.local", ExplantFactory.Password));
        Assert.StartsWith("401 application/problem+json", unknown, StringComparison.Ordinal);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, disabled);
        Assert.Equal(unknown, locked);

        // The form says the same for all of them.
        foreach (var email in new[] { "nobody@test.local", "disabled@test.local", "locked@test.local" })
        {
            using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var html = await client.GetStringAsync("/login");
            var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
            var login = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent([new("email", email), new("password", ExplantFactory.Password), new("returnUrl", "/"), new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]),
            };
            login.Headers.Add("X-Forwarded-For", "203.0.113.1");
            var response = await client.SendAsync(login);
            Assert.Equal("/login?error=failed&returnUrl=%2F", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Lockout_counts_per_account_and_address_so_a_stranger_cannot_lock_a_user_out_and_it_grows()
    {
        for (var i = 0; i < 3; i++)
        {
            await Token(Nurse, "wrong-password-123", from: "192.0.2.66");
        }
        // Locked from the guessing address, even with the right password …
        Assert.Equal(HttpStatusCode.Unauthorized, (await Token(Nurse, ExplantFactory.Password, from: "192.0.2.66")).StatusCode);
        // … while the nurse at her own workstation signs in.
        Assert.Equal(HttpStatusCode.OK, (await Token(Nurse, ExplantFactory.Password, from: "10.1.2.3")).StatusCode);

        // Short: a minute later the pair may try again; the next lock-out lasts twice as long.
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 3; i++)
        {
            await Token(Nurse, "wrong-password-123", from: "192.0.2.66");
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Token(Nurse, ExplantFactory.Password, from: "192.0.2.66")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await Token(Nurse, ExplantFactory.Password, from: "192.0.2.66")).StatusCode);
    }

    [Fact]
    public async Task A_password_change_revokes_earlier_tokens_and_the_new_password_works()
    {
        var token = await AccessToken(Nurse);
        Assert.Equal(HttpStatusCode.OK, await WithToken(token));
        await using (var scope = factory.Scope())
        {
            var changed = Assert.IsType<SetPassword.Result.Changed>(await SetPassword.Handle(new(Nurse, "A-new-password-77"), scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>()));
            Assert.False(changed.PasswordGenerated);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await WithToken(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Token(Nurse, ExplantFactory.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await WithToken(await AccessToken(Nurse, "A-new-password-77")));
    }

    [Fact]
    public async Task Disabling_an_account_revokes_its_tokens_and_sessions()
    {
        await factory.AddUserAsync("leaver@test.local", Roles.Nurse);
        var token = await AccessToken("leaver@test.local");
        using var session = await FormSession.SignInAsync(factory, "leaver@test.local");
        Assert.Equal(HttpStatusCode.OK, await WithToken(token));
        await using (var scope = factory.Scope())
        {
            Assert.IsType<DisableUser.Result.Disabled>(await DisableUser.Handle(new("leaver@test.local"), scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>()));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await WithToken(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Token("leaver@test.local", ExplantFactory.Password)).StatusCode);
        // The cookie is re-validated against the stamp once its check interval (1 min) has passed.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<HttpRequestException>(() => session.GetStringAsync("/patients"));
    }

    [Fact]
    public async Task A_cookie_is_checked_against_the_stamp_only_once_its_interval_has_passed()
    {
        // Counts how often Identity's validator is built: building it builds SignInManager and UserManager (issue #17).
        var built = 0;
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s
            .AddScoped<SecurityStampValidator<ExplantUser>>()
            .AddScoped<ISecurityStampValidator>(sp =>
            {
                Interlocked.Increment(ref built);
                return sp.GetRequiredService<SecurityStampValidator<ExplantUser>>();
            })));
        using var session = await FormSession.SignInAsync(app, Nurse);
        await session.GetStringAsync("/patients");
        await session.GetStringAsync("/cases");
        Assert.Equal(0, built);

        // Past the interval (1 min) the stamp is checked, the cookie renewed, and the next minute needs no check again.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await session.GetStringAsync("/patients");
        Assert.Equal(1, built);
        await session.GetStringAsync("/patients");
        Assert.Equal(1, built);
    }

    [Fact]
    public async Task Refresh_gives_a_new_token_pair_until_the_password_changes()
    {
        var first = await (await Token(Nurse, ExplantFactory.Password)).Content.ReadFromJsonAsync<JsonElement>();
        var refreshToken = first.GetProperty("refreshToken").GetString()!;
        // The access token has expired (1 h), the refresh token (14 days) has not.
        factory.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, await WithToken(first.GetProperty("accessToken").GetString()!));

        using var client = factory.CreateClient();
        var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var pair = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", pair.GetProperty("tokenType").GetString());
        Assert.True(pair.GetProperty("expiresIn").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.OK, await WithToken(pair.GetProperty("accessToken").GetString()!));

        var garbage = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token" });
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);

        await using (var scope = factory.Scope())
        {
            Assert.IsType<SetPassword.Result.Changed>(await SetPassword.Handle(new(Nurse, null), scope.ServiceProvider.GetRequiredService<UserManager<ExplantUser>>()));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = pair.GetProperty("refreshToken").GetString() })).StatusCode);

        // Expired refresh tokens are refused too.
        var late = await (await Token("admin@test.local", ExplantFactory.Password)).Content.ReadFromJsonAsync<JsonElement>();
        factory.Clock.Advance(TimeSpan.FromDays(15));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = late.GetProperty("refreshToken").GetString() })).StatusCode);
    }
}
