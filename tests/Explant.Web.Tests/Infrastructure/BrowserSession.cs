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

    public static async Task<(BrowserSession Session, IPage Page)> OpenAsync()
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
        var context = await session.browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1024, Height = 1366 } });
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

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }
        playwright?.Dispose();
    }
}
