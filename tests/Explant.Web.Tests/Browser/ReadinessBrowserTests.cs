using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explant.Web.Tests.Browser;

/// <summary>Surgeon, anaesthesiologist and nurse clear a consented case's readiness in Chromium; it becomes Ready and schedulable.</summary>
public sealed class ReadinessBrowserTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private int number;
    private Guid patient;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, kestrel: true);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var nurse = await factory.ClientForAsync("nurse@test.local");
        (patient, var construct, _) = await Scenario.PatientWithConstructAsync(surgeon, "RB-1", [new { name = "metformin", dose = "1 g bd" }]);
        number = (await Scenario.OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await Scenario.WalkToConsentedAsync(surgeon, nurse, number);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static DateOnly Today => TestClock.StartDate;

    private async Task SignInAs(IPage page, string email)
    {
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync($"{factory.ServerAddress}/cases/{number}");
        await BrowserSession.LoginAsync(page, email, ExplantFactory.Password);
        await page.WaitForURLAsync($"**/cases/{number}");
    }

    private static async Task Post(IPage page, string action)
    {
        await BrowserSession.ClickAndLoadAsync(page, $"form[action$='/{action}'] button[type=submit]");
        Assert.Equal(0, await page.Locator(".banner[role=alert]").CountAsync());
    }

    private static async Task Result(IPage page, string kind, string? value, string? unit)
    {
        await page.SelectOptionAsync("#result-kind", kind);
        await page.FillAsync("#result-value", value ?? "");
        await page.SelectOptionAsync("#result-unit", unit ?? "");
        await page.FillAsync("#result-date", Today.ToString("yyyy-MM-dd"));
        await Post(page, "result");
    }

    [Fact]
    public async Task Clearing_readiness_makes_the_case_Ready_and_schedulable()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;

        await SignInAs(page, "nurse@test.local");
        Assert.Contains("blocking", await page.InnerTextAsync("#readiness h2"), StringComparison.Ordinal);
        // Blocked: the nurse's button is disabled with the reason beside it (issue #13 §4), not refused after the click.
        Assert.True(await page.Locator("button[data-trigger=AttestReady]").IsDisabledAsync());
        Assert.Contains("readiness has", await page.InnerTextAsync("[data-unavailable=AttestReady]"), StringComparison.Ordinal);

        await SignInAs(page, "surgeon@test.local");
        await page.FillAsync("#local", Today.AddDays(9).ToString("yyyy-MM-dd") + "T07:30");
        await Post(page, "surgery-date");
        await Result(page, "Cbc", null, null);
        await Result(page, "Creatinine", "0.9", "mg/dL");
        await page.FillAsync("#hp-on", Today.ToString("yyyy-MM-dd"));
        await Post(page, "hp");
        Assert.Contains("Metformin", await page.InnerTextAsync("#readiness"), StringComparison.OrdinalIgnoreCase);

        await page.GotoAsync($"{factory.ServerAddress}/patients/{patient}");
        await page.FillAsync("#studyDate", Today.ToString("yyyy-MM-dd"));
        await page.SelectOptionAsync("#modality", "XRay");
        await BrowserSession.ClickAndLoadAsync(page, "form[action$='/imaging'] button[type=submit]");

        await SignInAs(page, "anesthesiologist@test.local");
        await page.SelectOptionAsync("#asa", "II");
        await Post(page, "asa");
        Assert.Contains("ready", await page.InnerTextAsync("#readiness h2"), StringComparison.Ordinal);
        Assert.DoesNotContain("blocking", await page.InnerTextAsync("#readiness h2"), StringComparison.Ordinal);

        await SignInAs(page, "nurse@test.local");
        await BrowserSession.ClickAndLoadAsync(page, "button[data-trigger=AttestReady]");
        Assert.Contains("Ready", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        // Scheduling is the booking's step (issue #12 §1): no button, the page says where it happens.
        Assert.Equal(0, await page.Locator("button[data-trigger=Schedule]").CountAsync());
        // Named as the user meets it (issue #13 §6): the board's Book button, not an API route.
        var step = await page.InnerTextAsync("li[data-step=Schedule]");
        Assert.Contains("“Book” on the board", step, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/", step, StringComparison.Ordinal);

        await page.GotoAsync($"{factory.ServerAddress}/cases/{number}/instructions");
        var lastMetformin = Today.AddDays(8).ToString("dddd d MMMM", System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
        Assert.Contains($"Last dose of metformin: {lastMetformin}", await page.InnerTextAsync("article"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "explant-instructions.png"), FullPage = true });
    }
}
