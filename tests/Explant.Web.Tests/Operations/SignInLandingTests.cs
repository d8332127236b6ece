using System.Net;
using System.Text.RegularExpressions;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #13 §2: after sign-in each role lands on the list it works from; a deep link still wins. Posted through the
/// real login form (antiforgery token from /login), as a browser does, and asserted on the redirect's Location.
/// </summary>
public sealed partial class SignInLandingTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);   // admin@ and nurse@ come with the factory
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Posts the login form; <paramref name="returnUrl"/> null leaves the field out, as a hand-made post might.</summary>
    private async Task<HttpResponseMessage> SignIn(string email, string? returnUrl, string password = ExplantFactory.Password)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var html = await client.GetStringAsync("/login");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);
        var fields = new Dictionary<string, string> { ["email"] = email, ["password"] = password, ["__RequestVerificationToken"] = token };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    [Theory]
    [InlineData("surgeon@test.local", "/cases")]
    [InlineData("nurse@test.local", "/preop")]
    [InlineData("anesthesiologist@test.local", "/preop")]
    [InlineData("scheduler@test.local", "/board")]
    [InlineData("admin@test.local", "/")]
    public async Task Each_role_lands_on_its_worklist_when_the_sign_in_has_no_deep_link(string email, string landing)
    {
        Assert.Equal(landing, (await SignIn(email, "/")).Headers.Location!.OriginalString);
        Assert.Equal(landing, (await SignIn(email, null)).Headers.Location!.OriginalString);
        Assert.Equal(landing, (await SignIn(email, "https://evil.example/")).Headers.Location!.OriginalString);   // not local: ignored
    }

    [Theory]
    [InlineData("surgeon@test.local")]
    [InlineData("nurse@test.local")]
    [InlineData("anesthesiologist@test.local")]
    [InlineData("scheduler@test.local")]
    [InlineData("admin@test.local")]
    public async Task A_deep_link_still_lands_where_it_pointed(string email)
    {
        Assert.Equal("/procedures/22852/handout", (await SignIn(email, "/procedures/22852/handout")).Headers.Location!.OriginalString);
        Assert.Equal("/board?date=2026-12-24", (await SignIn(email, "/board?date=2026-12-24")).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_failed_sign_in_goes_back_to_the_form_not_to_a_worklist()
    {
        Assert.Equal("/login?error=failed&returnUrl=%2F", (await SignIn("surgeon@test.local", "/", "wrong password!")).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_landing_page_renders_for_the_role_that_lands_there()
    {
        foreach (var email in new[] { "surgeon@test.local", "nurse@test.local", "anesthesiologist@test.local", "scheduler@test.local", "admin@test.local" })
        {
            using var session = await FormSession.SignInAsync(factory, email);   // FormSession signs in with returnUrl "/"
            var landing = (await SignIn(email, "/")).Headers.Location!.OriginalString;
            Assert.Contains("<h1", await session.GetStringAsync(landing), StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
