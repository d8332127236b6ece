using System.Net;
using System.Net.Http.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Browser;

/// <summary>A scheduler books a case on the board, sees a conflicting booking refused, and opens the printable daily list.</summary>
public sealed class BoardBrowserTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private int first, second;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, kestrel: true);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        var scheduler = await factory.ClientForAsync("scheduler@test.local");
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week })).StatusCode);
        async Task<int> Ready(string mrn)
        {
            var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
            var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
            await WalkToConsentedAsync(surgeon, nurse, number);
            await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
            Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null)).StatusCode);
            return number;
        }
        first = await Ready("BB-1");
        second = await Ready("BB-2");
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Scheduler_books_sees_a_conflict_refused_and_prints_the_daily_list()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;
        await page.GotoAsync($"{factory.ServerAddress}/board?date={Day(10)}");
        await BrowserSession.LoginAsync(page, "scheduler@test.local", ExplantFactory.Password);
        await page.WaitForURLAsync("**/board?date=*");

        await page.SelectOptionAsync("#book-case", first.ToString());
        await page.FillAsync("#book-start", "08:00");
        await page.FillAsync("#book-minutes", "120");
        await BrowserSession.ClickAndLoadAsync(page, "form[action='/forms/bookings'] button[type=submit]");
        Assert.Equal(0, await page.Locator(".banner[role=alert]").CountAsync());
        Assert.Contains($"Booked case {first}", await page.InnerTextAsync(".banner.success"), StringComparison.Ordinal);
        Assert.Contains($"case {first}", await page.InnerTextAsync(".lane[data-room=OR1]"), StringComparison.Ordinal);

        await page.SelectOptionAsync("#book-case", second.ToString());
        await page.FillAsync("#book-start", "09:00");
        await BrowserSession.ClickAndLoadAsync(page, "form[action='/forms/bookings'] button[type=submit]");
        // In plain words (no rule ids), and the form keeps the choices made.
        var banner = await page.InnerTextAsync(".banner[role=alert]");
        Assert.Contains($"Not booked: OR1 has case {first} 08:00", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("room-double-booked", banner, StringComparison.Ordinal);
        Assert.Equal(second.ToString(), await page.InputValueAsync("#book-case"));
        Assert.Equal("09:00", await page.InputValueAsync("#book-start"));
        Assert.DoesNotContain($"case {second}", await page.InnerTextAsync(".lane[data-room=OR1]"), StringComparison.Ordinal);

        // Wait for the navigation from before the click, so a fast page load cannot slip between click and wait.
        await Task.WhenAll(page.WaitForURLAsync($"**/schedule/{Day(10)}"), page.ClickAsync("text=Daily list"));
        var list = await page.InnerTextAsync("section.orlist[data-room=OR1]");
        Assert.Contains($"case {first}", list, StringComparison.Ordinal);
        Assert.Contains("L3 left pedicle screw", list, StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=PDF"));
        var text = PdfText.Extract(await File.ReadAllBytesAsync(await download.PathAsync()));
        Assert.Contains($"Case {first}:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Propose_week_shows_the_optimisers_plan_and_books_only_what_is_accepted()
    {
        var (session, page) = await BrowserSession.OpenAsync();
        await using var _ = session;
        await page.GotoAsync($"{factory.ServerAddress}/board/proposal?from={Day(10)}");
        await BrowserSession.LoginAsync(page, "scheduler@test.local", ExplantFactory.Password);
        await page.WaitForURLAsync("**/board/proposal?from=*");
        Assert.Equal(2, await page.Locator("table.proposal tbody tr").CountAsync());
        Assert.Contains("planned date and time kept", await page.InnerTextAsync("table.proposal"), StringComparison.Ordinal);

        await page.UncheckAsync($"input[aria-label='accept case {second}']");
        await page.ClickAsync("form[action='/forms/proposal/accept'] button[type=submit]");
        await page.WaitForURLAsync("**/board?date=*");
        Assert.Equal(0, await page.Locator(".banner[role=alert]").CountAsync());
        var lane = await page.InnerTextAsync(".lane[data-room=OR1]");
        Assert.Contains($"case {first}", lane, StringComparison.Ordinal);
        Assert.DoesNotContain($"case {second}", lane, StringComparison.Ordinal);
        Assert.Contains($"case {second}", await page.InnerTextAsync("#book-case"), StringComparison.Ordinal);   // still Ready, still offered
    }
}
