using System.Net;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Operations;

/// <summary>Issue #16 §3: /openapi/v1.json describes every /api endpoint the app maps; the Scalar reference is for signed-in staff.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Every (path, method) the app maps under /api, from the routing system itself (not a list kept by hand).</summary>
    private HashSet<string> MappedApiOperations()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var mapped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in endpoints)
        {
            var path = "/" + string.Join("/", e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
            {
                RoutePatternLiteralPart l => l.Content,
                RoutePatternParameterPart q => "{" + q.Name + "}",
                RoutePatternSeparatorPart sep => sep.Content,
                _ => throw new InvalidOperationException(p.ToString()),
            }))));
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var method in e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                mapped.Add($"{method.ToUpperInvariant()} {path}");
            }
        }
        return mapped;
    }

    [Fact]
    public async Task The_document_lists_every_api_operation_with_typed_success_and_problem_responses()
    {
        var admin = await factory.ClientForAsync("admin@test.local");
        var response = await admin.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);

        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                documented.Add($"{op.Name.ToUpperInvariant()} {path.Name}");
                var responses = op.Value.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
                Assert.True(responses.Keys.Any(k => k.StartsWith('2')), $"{op.Name} {path.Name} has no success response");
                Assert.True(responses.TryGetValue("400", out var bad) && bad.GetProperty("content").TryGetProperty("application/problem+json", out _),
                    $"{op.Name} {path.Name} does not describe its problem details");
            }
        }
        var mapped = MappedApiOperations();
        Assert.True(mapped.Count > 50, $"only {mapped.Count} API operations found: the derivation is broken");
        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));

        // Typed: a signed-in operation names its 401; the token endpoint names its 200 body.
        var token = doc.GetProperty("paths").GetProperty("/api/auth/token").GetProperty("post").GetProperty("responses");
        Assert.True(token.GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(token.TryGetProperty("429", out _));
        var patient = doc.GetProperty("paths").GetProperty("/api/patients/{id}").GetProperty("get").GetProperty("responses");
        Assert.True(patient.TryGetProperty("401", out _) && patient.TryGetProperty("404", out _));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_for_the_document_and_a_sign_in_redirect_for_the_reference()
    {
        using var anonymous = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        var scalar = await anonymous.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.Redirect, scalar.StatusCode);
        Assert.StartsWith("/login", scalar.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_the_interactive_reference()
    {
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var page = await nurse.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        var csp = string.Join("", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        // Scripts only from the app or with this response's nonce: no 'unsafe-inline' for scripts, and every script tag carries it.
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "script-src [^;]*'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.DoesNotContain("unsafe-inline", csp.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)), StringComparison.Ordinal);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", WebUtility.HtmlDecode(tag), StringComparison.Ordinal));
    }
}
