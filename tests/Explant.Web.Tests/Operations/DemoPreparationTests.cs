using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Web.Hosting;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #17 (launch): in demo mode the server starts while the cohort is seeded. Until the seed is done nothing but the
/// health probes answers, so nobody signs in, reads or writes against half-seeded data, and readiness waits.
/// </summary>
public sealed class DemoPreparationTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync() => factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource started = new(), stopping = new(), stopped = new();

        public bool StopRequested { get; private set; }

        public CancellationToken ApplicationStarted => started.Token;

        public CancellationToken ApplicationStopping => stopping.Token;

        public CancellationToken ApplicationStopped => stopped.Token;

        public void Start() => started.Cancel();

        public void StopApplication()
        {
            StopRequested = true;
            stopping.Cancel();
        }

        public void Dispose()
        {
            started.Dispose();
            stopping.Dispose();
            stopped.Dispose();
        }
    }

    private static readonly DemoSeed.Report Seeded = new(["22852 v1 imported"], [new("surgeon", "surgeon@demo.explant.local", "x")], 3);

    /// <summary>Every route kind a client could use to reach the data: pages, forms, sign-in, JSON API, FHIR, OpenAPI.</summary>
    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Get, "/"), (HttpMethod.Get, "/cases/1"), (HttpMethod.Get, "/login"), (HttpMethod.Post, "/account/login"),
        (HttpMethod.Post, "/forms/cases/1/transition"), (HttpMethod.Post, "/api/auth/token"), (HttpMethod.Get, "/api/cases"),
        (HttpMethod.Get, "/fhir/metadata"), (HttpMethod.Get, "/fhir/Patient"), (HttpMethod.Get, "/openapi/v1.json"), (HttpMethod.Get, "/health"),
    ];

    /// <summary>The gate's answer to a browser asking for <paramref name="path"/>: 503, HTML, never stored.</summary>
    internal static async Task<string> PreparingPageAsync(HttpClient client, string path)
    {
        // Absolute, so a path such as "//host/x" stays a path instead of naming another host.
        using var page = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseAddress!.GetLeftPart(UriPartial.Authority) + path));
        page.Headers.Accept.ParseAdd("text/html");
        var html = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", html.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        return await html.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task While_the_demo_is_prepared_only_the_health_probes_answer_and_the_gate_opens_when_the_seed_is_done()
    {
        var preparation = new DemoPreparation();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(preparation)));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        foreach (var (method, path) in Routes)
        {
            using var json = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? JsonContent.Create(new { }) : null };
            var refused = await client.SendAsync(json);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path}: {refused.StatusCode}");
            Assert.Equal("2", refused.Headers.RetryAfter?.ToString());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("The demo data is being prepared", problem.GetProperty("title").GetString());
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
        }
        var body = await PreparingPageAsync(client, "/cases/1?tab=consent&a=<b>");
        Assert.Contains("being added", body, StringComparison.Ordinal);
        // Back to the page asked for, encoded; no automatic refresh (a time limit the reader does not control, WCAG 2.2.1).
        Assert.Contains("<a class=\"button\" href=\"/cases/1?tab=consent&amp;a=%3Cb%3E\">Try again</a>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv", body, StringComparison.OrdinalIgnoreCase);
        // A path a browser would read as another host is not linked: "//host", and "/%09/host" or "/%5Chost" (the server
        // decodes them; a browser drops the tab and reads the backslash as a slash), which stay escaped in the link.
        Assert.Contains("href=\"/\">Try again", await PreparingPageAsync(client, "//example.org/x"), StringComparison.Ordinal);
        Assert.Contains("href=\"/%09/example.org/x\">Try again", await PreparingPageAsync(client, "/%09/example.org/x"), StringComparison.Ordinal);
        Assert.Contains("href=\"/%5Cexample.org/x\">Try again", await PreparingPageAsync(client, "/%5Cexample.org/x"), StringComparison.Ordinal);
        // The page's style sheet is linked and served (the static files sit before the gate).
        Assert.Contains("<link rel=\"stylesheet\" href=\"/app.css\">", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/app.css")).StatusCode);

        using var lifetime = new Lifetime();
        DemoSeed.Report? banner = null;
        await preparation.RunAsync(() => Task.FromResult(Seeded), r => banner = r, lifetime, NullLogger.Instance);

        Assert.Same(Seeded, banner);
        Assert.True(preparation.Ready);
        Assert.False(lifetime.StopRequested);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        // Open: the routes answer as they always do (anonymous: the API's 401, the public FHIR capability statement).
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/fhir/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/cases/1")).StatusCode);
    }

    [Fact]
    public async Task A_failed_seed_keeps_the_gate_closed_reports_unready_and_stops_the_server()
    {
        var preparation = new DemoPreparation();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(preparation)));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var lifetime = new Lifetime();
        var bannerShown = false;

        await preparation.RunAsync(() => throw new InvalidOperationException("procedure 22852 missing"), _ => bannerShown = true, lifetime, NullLogger.Instance);

        Assert.True(preparation.Failed);
        Assert.False(preparation.Ready);
        Assert.False(bannerShown);
        // The stop waits for the server to have started: a stop during its start would cancel the start and crash.
        Assert.False(lifetime.StopRequested);
        lifetime.Start();
        Assert.True(lifetime.StopRequested);
        var health = await preparation.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("the demo data could not be prepared", health.Description);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        var refused = await client.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("could not be prepared", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stopping_during_the_seed_is_not_a_failure(bool disposed)
    {
        var preparation = new DemoPreparation();
        using var lifetime = new Lifetime();
        lifetime.StopApplication();

        // Ctrl+C: the seed meets the cancellation, or a service the stopping host has already disposed.
        await preparation.RunAsync(() => throw (disposed ? new ObjectDisposedException("IServiceProvider") : new OperationCanceledException(lifetime.ApplicationStopping)),
            _ => { }, lifetime, NullLogger.Instance);

        Assert.False(preparation.Failed);
        Assert.False(preparation.Ready);
        Assert.Equal("the demo data is being prepared", (await preparation.CheckHealthAsync(new HealthCheckContext())).Description);
    }

    [Fact]
    public void Outside_demo_mode_there_is_nothing_to_prepare()
    {
        Assert.True(factory.Services.GetRequiredService<DemoPreparation>().Ready);
    }
}
