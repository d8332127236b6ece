using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explant.Web.Tests.Browser;

/// <summary>A surgeon walks patient → construct → case → indication → decision → consent in Chromium.</summary>
public sealed class PathwayBrowserTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, kestrel: true);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static async Task Submit(IPage page, string formSelector)
    {
        await BrowserSession.ClickAndLoadAsync(page, $"{formSelector} button[type=submit]");
        Assert.Equal(0, await page.Locator("[role=alert]").CountAsync());
    }

    private static async Task AddComponent(IPage page, string kind, string? level, string? span, string side)
    {
        const string form = "form[action*='/components']";
        await page.SelectOptionAsync($"{form} select[name=kind]", kind);
        if (level is not null) { await page.FillAsync($"{form} input[name=level]", level); }
        if (span is not null) { await page.FillAsync($"{form} input[name=span]", span); }
        await page.SelectOptionAsync($"{form} select[name=side]", side);
        await Submit(page, form);
    }

    [Fact]
    public async Task Surgeon_walks_patient_construct_case_indication_decision_consent()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;
        await page.GotoAsync(factory.ServerAddress + "/patients");
        await BrowserSession.LoginAsync(page, "surgeon@test.local", ExplantFactory.Password);
        await page.WaitForURLAsync("**/patients");

        // Patient
        await page.FillAsync("#mrn", "B-100");
        await page.FillAsync("#familyName", "Walker");
        await page.FillAsync("#givenName", "Ann");
        await page.FillAsync("#birthDate", "1966-02-03");
        await page.SelectOptionAsync("#sex", "Female");
        await page.FillAsync("#allergies", "latex");
        await Submit(page, "form[action='/forms/patients']");
        Assert.Equal("WALKER, Ann", await page.InnerTextAsync("h1"));

        // Construct and components
        await page.SelectOptionAsync("#approach", "Posterior");
        await page.FillAsync("#manufacturer", "Acme");
        await page.FillAsync("#systemName", "Spine 1");
        await Submit(page, "form[action$='/constructs']");
        await AddComponent(page, "PedicleScrew", "L3", null, "Left");
        await AddComponent(page, "PedicleScrew", "L4", null, "Left");
        await AddComponent(page, "PedicleScrew", "L5", null, "Left");
        await AddComponent(page, "Rod", null, "L3-L5", "Left");
        Assert.Equal(3, await page.Locator(".diagram svg circle").CountAsync());
        Assert.Contains("22852", await page.InnerTextAsync(".construct .meta"), StringComparison.Ordinal);

        // A bad level is refused with the field named, and nothing is added.
        await page.SelectOptionAsync("form[action*='/components'] select[name=kind]", "PedicleScrew");
        await page.FillAsync("form[action*='/components'] input[name=level]", "L9");
        await page.SelectOptionAsync("form[action*='/components'] select[name=side]", "Right");
        await page.ClickAsync("form[action*='/components'] button[type=submit]");
        Assert.Contains("level", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        Assert.Equal(4, await page.Locator(".components li").CountAsync());

        // Case
        await page.SelectOptionAsync("#case-procedure", "22852");
        await Submit(page, "form[action$='/cases']");
        Assert.Contains("Referred", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

        // Indication, then assess
        await page.SelectOptionAsync("#ind-key", "pain");
        await Submit(page, "form[action$='/indication']");
        await BrowserSession.ClickAndLoadAsync(page, "button[data-trigger=Assess]");
        Assert.Contains("Assessed", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

        // Decision: an undiscussed alternative is refused with the rule
        await page.CheckAsync("input[name=choice][value=removal]");
        await page.ClickAsync("form[action$='/decision'] button[type=submit]");
        Assert.Contains("alternatives not discussed", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);
        foreach (var box in await page.Locator("input[name=alternatives]").AllAsync())
        {
            await box.CheckAsync();
        }
        await page.CheckAsync("input[name=choice][value=removal]");
        await Submit(page, "form[action$='/decision']");
        Assert.Contains("Decided", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

        // Consent: generated from the definition and the plan, signed by patient and surgeon
        await Submit(page, "form[action$='/consent']");
        Assert.Contains("Consent to operation", await page.InnerTextAsync("article h1"), StringComparison.Ordinal);
        var document = await page.InnerTextAsync("article");
        Assert.Contains("L3 left pedicle screw", document, StringComparison.Ordinal);
        Assert.Contains("Adverse reactions to anesthesia", document, StringComparison.Ordinal);
        await page.FillAsync("#signature", "Ann Walker");
        await Submit(page, "form[action$='/patient-signature']");
        await Submit(page, "form[action$='/surgeon-signature']");
        Assert.Contains("Ann Walker, signed", await page.InnerTextAsync("article"), StringComparison.Ordinal);

        await page.GotoAsync(factory.ServerAddress + "/cases/1");
        Assert.Contains("Consented", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        var timeline = await page.InnerTextAsync("#timeline");
        foreach (var step in new[] { "Assess", "Decide", "Consent" })
        {
            Assert.Contains(step, timeline, StringComparison.Ordinal);
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "explant-case.png"), FullPage = true });

        await page.GotoAsync(factory.ServerAddress + "/cases?state=Consented");
        Assert.Equal(1, await page.Locator("table.list tbody tr").CountAsync());
    }
}
