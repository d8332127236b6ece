using Microsoft.Playwright;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: the machine has no internet).
/// A missing browser fails the test with the install hint; it never skips.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static Task<(BrowserSession Session, IPage Page)> OpenAsync() => OpenAsync(1024, 1366);

    /// <summary>A browser whose window is <paramref name="width"/>×<paramref name="height"/> CSS pixels (a phone is 390×844).</summary>
    public static async Task<(BrowserSession Session, IPage Page)> OpenAsync(int width, int height)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}. Install the Debian package 'chromium' (scripts/test.sh does this) or set CHROMIUM_PATH.");
        }
        var session = new BrowserSession { playwright = await Playwright.CreateAsync() };
        session.browser = await session.playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var context = await session.browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = width, Height = height } });
        // Generous: on two shared cores a page can wait behind PostgreSQL tests running in parallel; a real hang still fails.
        context.SetDefaultTimeout(60_000);
        return (session, await context.NewPageAsync());
    }

    public static async Task LoginAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("form[action='/account/login'] button[type=submit]");
    }

    /// <summary>
    /// Clicks something that posts a form (or follows a link) and waits until the page it leads to is parsed.
    /// The wait is on the navigation's commit and then on <c>document.readyState</c>, not on Playwright's
    /// DOMContentLoaded bookkeeping: in CI that bookkeeping missed the event once when the commit and the event
    /// raced ("load" and "networkidle" fired, the DOMContentLoaded wait timed out after 60 s).
    /// </summary>
    public static async Task ClickAndLoadAsync(IPage page, string selector)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame) { committed.TrySetResult(); }
        }
        page.FrameNavigated += OnNavigated;
        try
        {
            await page.ClickAsync(selector);
            await committed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
        // Polled from here, not with WaitForFunctionAsync: its predicate is eval'd inside the page, which the app's CSP
        // (no 'unsafe-eval') refuses; EvaluateAsync runs through the DevTools protocol instead.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (await page.EvaluateAsync<string>("document.readyState") != "loading")
                {
                    return;
                }
            }
            catch (PlaywrightException) when (attempt < 600)
            {
                // the document was replaced while asking (a redirect): ask the new one
            }
            if (attempt >= 600)
            {
                throw new TimeoutException($"the page after clicking {selector} was still loading after 60 s");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }
        playwright?.Dispose();
    }
}
