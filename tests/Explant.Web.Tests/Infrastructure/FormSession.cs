using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// A signed-in browser without the browser: the cookie from the real login form, and an antiforgery token read from a
/// rendered page, so a test can post the HTML forms exactly as a page does and see where the app redirects.
/// </summary>
public sealed partial class FormSession : IDisposable
{
    private readonly HttpClient client;

    private FormSession(HttpClient client) => this.client = client;

    public static async Task<FormSession> SignInAsync(WebApplicationFactory<Program> factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var session = new FormSession(client);
        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = ExplantFactory.Password, ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = await session.TokenAsync("/login"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain("error", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return session;
    }

    private async Task<string> TokenAsync(string page)
    {
        var html = await client.GetStringAsync(page);
        return TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException($"no antiforgery token on {page}");
    }

    /// <summary>Posts a form (with a fresh token from <paramref name="tokenPage"/>) and returns where the app sent the browser.</summary>
    public async Task<FormResult> PostAsync(string action, IEnumerable<KeyValuePair<string, string>> fields, string tokenPage = "/patients")
    {
        var body = fields.Append(new("__RequestVerificationToken", await TokenAsync(tokenPage)));
        var response = await client.PostAsync(action, new FormUrlEncodedContent(body));
        var location = response.Headers.Location?.OriginalString ?? "";
        var error = ErrorPattern().Match(location) is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value.Replace('+', ' ')) : null;
        return new FormResult(response.StatusCode, location, error);
    }

    public Task<FormResult> PostAsync(string action, params (string Key, string Value)[] fields) =>
        PostAsync(action, fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    public Task<string> GetStringAsync(string path) => client.GetStringAsync(path);

    public Task<HttpResponseMessage> GetAsync(string path) => client.GetAsync(path);

    public void Dispose() => client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("[?&]error=([^&#]*)")]
    private static partial Regex ErrorPattern();
}

/// <summary>Where a form post sent the browser: a redirect with <see cref="Error"/> set is a refusal shown on the page.</summary>
public sealed record FormResult(HttpStatusCode Status, string Location, string? Error)
{
    public bool Refused => Error is not null;
}
