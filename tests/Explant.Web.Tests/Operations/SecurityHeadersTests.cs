using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>Issue #16 §1: security headers on pages and API, no inline script or style in the pages, no-store, HTTPS outside the loopback demo.</summary>
public sealed partial class SecurityHeadersTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static string Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : "";

    [Fact]
    public async Task Pages_carry_a_strict_csp_and_the_other_headers()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = Header(page, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", Header(page, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(page, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(page, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(page, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.Contains("geolocation=()", Header(page, "Permissions-Policy"), StringComparison.Ordinal);
        Assert.Contains("no-store", Header(page, "Cache-Control"), StringComparison.Ordinal);
        // Plain HTTP keeps working on the test host (RequireHttps off): no redirect, no HSTS.
        Assert.Equal("", Header(page, "Strict-Transport-Security"));

        var css = await client.GetAsync("/app.css");
        Assert.Equal("nosniff", Header(css, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Api_responses_with_patient_data_are_no_store_and_nosniff()
    {
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var (patient, _, _) = await PatientWithConstructAsync(nurse, "H-1");
        var response = await nurse.GetAsync($"/api/patients/{patient}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", Header(response, "Cache-Control"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        var refused = await nurse.GetAsync("/api/patients/00000000-0000-0000-0000-000000000001");
        Assert.Equal("no-store", Header(refused, "Cache-Control"));
    }

    [Fact]
    public async Task Pages_have_no_inline_script_style_or_handlers_and_patient_pages_are_no_store()
    {
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var (patient, _, _) = await PatientWithConstructAsync(nurse, "H-2");
        using var session = await FormSession.SignInAsync(factory, "admin@test.local");
        foreach (var path in new[] { "/login", "/", $"/patients/{patient}", "/patients", "/cases", "/reports", "/board", "/procedures/22852/handout" })
        {
            var html = await session.GetStringAsync(path);
            Assert.False(InlineScript().IsMatch(html), $"{path} has an inline <script>");
            Assert.False(StyleAttribute().IsMatch(html), $"{path} has a style attribute or <style> element: {StyleAttribute().Match(html).Value}");
            Assert.False(InlineHandler().IsMatch(html), $"{path} has an inline event handler: {InlineHandler().Match(html).Value}");
        }
    }

    [Fact]
    public async Task Outside_the_loopback_demo_http_redirects_to_https_with_hsts_and_secure_cookies()
    {
        await using var production = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Transport:RequireHttps"] = "true", ["https_port"] = "443",
        });
        using var http = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://explant.example") });
        var redirected = await http.GetAsync("/login");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https://explant.example/login", redirected.Headers.Location!.ToString());

        using var https = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://explant.example") });
        var page = await https.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("max-age=31536000", Header(page, "Strict-Transport-Security"), StringComparison.Ordinal);
        var antiforgery = string.Join("\n", page.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        var token = TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = "nurse@test.local", ["password"] = ExplantFactory.Password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            }),
        };
        request.Headers.Add("Cookie", antiforgery.Split('\n').Select(c => c.Split(';')[0]));
        var login = await https.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("explant=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5000;http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:80", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://explant.hospital.example", false)]
    public void Only_loopback_urls_count_as_the_loopback_demo(string? urls, bool loopback)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();
        Assert.Equal(loopback, Explant.Web.Hosting.SecuritySetup.ListensOnLoopbackOnly(configuration));
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\sstyle\s*=|<style[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
