using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Web.Tests.Browser;

public sealed class HandoutBrowserTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, kestrel: true);
        await using var scope = factory.Scope();
        var result = await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test");
        Assert.IsType<ImportProcedure.Result.Created>(result);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_nurse_logs_in_opens_the_handout_sees_its_headings_and_downloads_a_readable_pdf()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;
        var baseUrl = factory.ServerAddress;

        await page.GotoAsync($"{baseUrl}/procedures/22852/handout");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);

        await BrowserSession.LoginAsync(page, "nurse@test.local", "wrong password!");
        await page.WaitForSelectorAsync("[role=alert]");
        Assert.Contains("wrong", await page.InnerTextAsync("[role=alert]"), StringComparison.Ordinal);

        await BrowserSession.LoginAsync(page, "nurse@test.local", ExplantFactory.Password);
        await page.WaitForURLAsync("**/procedures/22852/handout");

        Assert.Equal("Removal of Posterior Segmental Instrumentation (Spinal Instrumentation Removal)", await page.InnerTextAsync("h1"));
        var headings = await page.Locator("article h2").AllInnerTextsAsync();
        Assert.Equal(
            [PatientHandout.WhatItIs, PatientHandout.WhyItIsDone, PatientHandout.HowToPrepare, PatientHandout.WhatHappens,
             PatientHandout.Risks, PatientHandout.Benefits, PatientHandout.Recovery, PatientHandout.Alternatives, PatientHandout.Experience],
            headings);
        Assert.Contains("Fasting for at least 8 hours before the procedure", await page.InnerTextAsync("article"), StringComparison.Ordinal);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Download PDF"));
        var path = await download.PathAsync();
        var text = PdfText.Extract(await File.ReadAllBytesAsync(path));
        foreach (var heading in headings)
        {
            Assert.Contains(heading, text, StringComparison.Ordinal);
        }
        Assert.Contains("Initial recovery in the hospital for 1 to 3 days", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_catalog_lists_the_procedure_and_links_to_its_page()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;
        await page.GotoAsync(factory.ServerAddress + "/");
        await BrowserSession.LoginAsync(page, "admin@test.local", ExplantFactory.Password);
        await page.WaitForSelectorAsync(".tile");
        await page.ClickAsync(".tile a:has-text('CPT 22852')");
        await page.WaitForURLAsync("**/procedures/22852");
        var sectionHeadings = await page.Locator("section.card h2").AllInnerTextsAsync();
        Assert.Contains(sectionHeadings, h => h.StartsWith("Indications", StringComparison.Ordinal) && h.Contains("line 9", StringComparison.Ordinal));
        Assert.Contains("60–180 min", await page.InnerTextAsync(".facts"), StringComparison.Ordinal);
    }
}
