using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Demo;
using Explant.Web.Hosting;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Explant.Web.Tests.Browser;

/// <summary>
/// The demo data exactly as <c>--demo</c> seeds it (pathway patients, booked case, two-year cohort with notes,
/// recovery records and PROMs), one signed-in account per role and one Chromium for the whole class: seeding takes
/// about half a minute, the tests only read.
/// </summary>
public sealed class DemoSite : IAsyncLifetime
{
    public const string Collection = "Demo site";

    /// <summary>A surgeon with the tests' password (the demo's own accounts get new passwords on every seed).</summary>
    public const string Surgeon = "a11y-surgeon@test.local";

    public ExplantFactory Factory { get; private set; } = null!;
    public BrowserSession Browser { get; private set; } = null!;

    /// <summary>Demo accounts by role, with the passwords the seed generated.</summary>
    public IReadOnlyDictionary<string, DemoSeed.Credential> Accounts { get; private set; } = null!;

    public int ReferredCase { get; private set; }
    public int InfectionCase { get; private set; }
    public int ConsentedCase { get; private set; }
    public int BookedCase { get; private set; }
    public string BookedDate { get; private set; } = "";
    public string BookedRoom { get; private set; } = "";
    public int ConsentVersion { get; private set; }
    public int FinishedCase { get; private set; }
    public Guid Patient { get; private set; }
    public string PromUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Factory = await ExplantFactory.CreateAsync(DatabaseProvider.Sqlite, kestrel: true);
        var report = await DemoSeed.RunAsync(Factory.Services);
        Accounts = report.Users.ToDictionary(u => u.Role, StringComparer.Ordinal);
        await using (var scope = Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var today = scope.ServiceProvider.GetRequiredService<HospitalTime>().Today;
            async Task<Explant.Core.Cases.SurgicalCase> CaseOf(string mrn)
            {
                var id = await db.Patients.Where(p => p.Mrn == mrn).Select(p => p.Id).SingleAsync();
                return await db.Cases.SingleAsync(c => c.PatientId == id);
            }
            ReferredCase = (await CaseOf("D1001")).Number;
            InfectionCase = (await CaseOf("D1002")).Number;
            var consented = await CaseOf("D1004");
            ConsentedCase = consented.Number;
            ConsentVersion = consented.Consents.Max(c => c.Version);
            var booked = await CaseOf("D1005");
            BookedCase = booked.Number;
            Patient = booked.PatientId;
            var day = (await db.RoomDays.Where(d => d.Date >= today).ToListAsync()).First(d => d.Bookings.Any(b => b.CaseId == booked.Id));
            BookedDate = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            BookedRoom = day.RoomId;
            // The most recent cohort case: operated, discharged, in follow-up (every section of the case page filled in).
            FinishedCase = (await db.RecoveryRecords.OrderByDescending(r => r.SurgeryDate).FirstAsync()).CaseNumber;
        }
        // The cohort has no operative notes: draft one, so the note page shows its sections.
        await Factory.AddUserAsync(Surgeon, Roles.Surgeon);
        var surgeon = await Factory.ClientForAsync(Surgeon);
        var note = await surgeon.PostAsync($"/api/cases/{FinishedCase}/note", null);
        Assert.True(note.IsSuccessStatusCode, $"draft note: {note.StatusCode} {await note.Content.ReadAsStringAsync()}");
        PromUrl = await IssuePromLinkAsync();
        Browser = await BrowserSession.LaunchAsync();
    }

    /// <summary>A PROM link for the first open follow-up point of a cohort case (the patient's page without an account).</summary>
    private async Task<string> IssuePromLinkAsync()
    {
        await Factory.AddUserAsync("a11y-nurse@test.local", Roles.Nurse);
        var nurse = await Factory.ClientForAsync("a11y-nurse@test.local");
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        // The baseline of a case before surgery first (its window is open until the operation).
        foreach (var number in new[] { BookedCase, ConsentedCase, InfectionCase })
        {
            var baseline = await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = "baseline" });
            if (baseline.StatusCode == HttpStatusCode.Created)
            {
                return (await baseline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
            }
        }
        var numbers = await db.RecoveryRecords.OrderByDescending(r => r.SurgeryDate).Select(r => r.CaseNumber).Take(40).ToListAsync();
        foreach (var number in numbers)
        {
            var plan = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record").GetProperty("plan").EnumerateArray();
            foreach (var point in plan.Where(p => p.GetProperty("proms").GetArrayLength() > 0 && p.GetProperty("doneOn").ValueKind == JsonValueKind.Null))
            {
                var issued = await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = point.GetProperty("code").GetString() });
                if (issued.StatusCode == HttpStatusCode.Created)
                {
                    return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
                }
            }
        }
        throw new InvalidOperationException("no demo case has a PROM point open for a link");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(DemoSite.Collection)]
public sealed class DemoSiteCollection : ICollectionFixture<DemoSite>;

/// <summary>
/// Issue #13 (done when): on a ward phone (390×844) and a tablet (1024×768) every page, visited by each role that
/// works from it, has no sideways scroll and no axe-core violation of WCAG 2.1 level A or AA. With
/// EXPLANT_SCREENSHOTS=1 the same visits also write the README's screenshots to docs/screenshots/.
/// </summary>
[Collection(DemoSite.Collection)]
public sealed class AccessibilityBrowserTests(DemoSite site)
{
    private static readonly string[] Wcag21AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>A page and, when it is one of the README's screenshots, its file name (without size and extension).</summary>
    private sealed record Visit(string Path, string? Shot = null);

    // Which role works from which page (the landing page first, as sign-in leads there). Every @page of
    // src/Explant.Web/Components/Pages appears for at least one role; /login and /prom/{token} are visited signed out.
    private IReadOnlyList<Visit> PagesOf(string role) => role switch
    {
        Roles.Surgeon =>
        [
            new("/cases", "surgeon-cases"), new($"/cases/{site.InfectionCase}", "case"), new($"/cases/{site.ReferredCase}"),
            new($"/cases/{site.ConsentedCase}/consents/{site.ConsentVersion}"), new($"/cases/{site.FinishedCase}"),
            new($"/cases/{site.FinishedCase}/note"), new($"/cases/{site.FinishedCase}/recovery", "recovery"),
            new($"/cases/{site.BookedCase}/instructions"), new($"/cases/{site.FinishedCase}/discharge-instructions"),
            new("/patients", "patients"), new($"/patients/{site.Patient}"), new("/followup"), new("/reports", "reports"),
            new("/procedures/22852"), new("/procedures/22852/handout"), new($"/board?date={site.BookedDate}"),
        ],
        Roles.Anesthesiologist =>
        [
            new("/preop", "anesthesiologist-preop"), new($"/cases/{site.BookedCase}"), new($"/patients/{site.Patient}"),
            new($"/schedule/{site.BookedDate}"), new($"/theatre?date={site.BookedDate}"), new($"/theatre/case/{site.BookedCase}"),
        ],
        Roles.Nurse =>
        [
            new("/preop", "nurse-preop"), new($"/cases/{site.BookedCase}"), new($"/cases/{site.BookedCase}/instructions"),
            new("/theatre"), new($"/theatre?date={site.BookedDate}", "theatre"), new($"/theatre/room/{site.BookedRoom}?date={site.BookedDate}"),
            new($"/theatre/case/{site.BookedCase}"), new($"/theatre/case/{site.FinishedCase}"), new($"/cases/{site.FinishedCase}/recovery"),
            new($"/cases/{site.FinishedCase}/discharge-instructions"), new("/followup"), new("/patients"), new($"/schedule/{site.BookedDate}"),
        ],
        Roles.Scheduler =>
        [
            new("/board", "scheduler-board"), new($"/board?date={site.BookedDate}", "board"), new("/board/proposal"),
            new($"/schedule/{site.BookedDate}"), new($"/theatre?date={site.BookedDate}"), new("/cases"), new($"/cases/{site.BookedCase}"),
        ],
        Roles.Admin =>
        [
            new("/", "admin-catalog"), new("/procedures/22852"), new("/procedures/22850/handout"), new("/reports"), new("/patients"), new("/cases"),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    // The page's width and, when it is too wide, the elements that stick out (so a failure says what to fix).
    private const string Overflow = """
        () => {
          const width = window.innerWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 6)
            .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.join(' | ') };
        }
        """;

    private sealed class Measure
    {
        public int ScrollWidth { get; set; }
        public int InnerWidth { get; set; }
        public string Wide { get; set; } = "";
    }

    /// <summary>Adds to <paramref name="failures"/> what is wrong with the page now open: sideways scroll, axe violations.</summary>
    private static async Task CheckAsync(IPage page, string path, int width, List<string> failures)
    {
        var m = await page.EvaluateAsync<Measure>(Overflow);
        Assert.Equal(width, m.InnerWidth);
        if (m.ScrollWidth > m.InnerWidth)
        {
            failures.Add($"{path}: {m.ScrollWidth} px wide at {m.InnerWidth} ({m.Wide})");
        }
        var axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Wcag21AA] } });
        foreach (var v in axe.Violations)
        {
            var where = string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString() ?? n.Html));
            failures.Add($"{path}: axe {v.Id} ({v.Impact}) {v.Help} — {v.Nodes.Length} element(s): {where}");
        }
    }

    private static async Task ShootAsync(IPage page, string? shot, int width)
    {
        if (shot is null || Environment.GetEnvironmentVariable("EXPLANT_SCREENSHOTS") != "1")
        {
            return;
        }
        var folder = Path.Combine(TestFiles.RepositoryRoot, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{shot}-{(width < 600 ? "phone" : "tablet")}.png") });
    }

    [Theory]
    [InlineData(Roles.Surgeon, 390, 844)]
    [InlineData(Roles.Surgeon, 1024, 768)]
    [InlineData(Roles.Anesthesiologist, 390, 844)]
    [InlineData(Roles.Anesthesiologist, 1024, 768)]
    [InlineData(Roles.Nurse, 390, 844)]
    [InlineData(Roles.Nurse, 1024, 768)]
    [InlineData(Roles.Scheduler, 390, 844)]
    [InlineData(Roles.Scheduler, 1024, 768)]
    [InlineData(Roles.Admin, 390, 844)]
    [InlineData(Roles.Admin, 1024, 768)]
    public async Task Every_page_of_the_role_fits_the_screen_and_has_no_WCAG_21_AA_violation(string role, int width, int height)
    {
        var page = await site.Browser.NewPageAsync(width, height, bypassCsp: true);
        await using var _ = page.Context;
        var account = site.Accounts[role];
        var pages = PagesOf(role);
        await page.GotoAsync($"{site.Factory.ServerAddress}/login");
        await page.FillAsync("#email", account.Email);
        await page.FillAsync("#password", account.Password);
        await BrowserSession.ClickAndLoadAsync(page, "form[action='/account/login'] button[type=submit]");
        Assert.Equal(site.Factory.ServerAddress + pages[0].Path, page.Url);   // the role's landing page

        var failures = new List<string>();
        foreach (var visit in pages)
        {
            if (page.Url != site.Factory.ServerAddress + visit.Path)
            {
                var response = await page.GotoAsync(site.Factory.ServerAddress + visit.Path);
                Assert.True(response is { Ok: true }, $"{visit.Path}: {response?.Status}");
            }
            await CheckAsync(page, visit.Path, width, failures);
            await ShootAsync(page, visit.Shot, width);
        }
        Assert.True(failures.Count == 0, $"{role} at {width}×{height}:\n" + string.Join("\n", failures));
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1024, 768)]
    public async Task Sign_in_and_the_patients_PROM_form_fit_the_screen_and_have_no_WCAG_21_AA_violation(int width, int height)
    {
        var page = await site.Browser.NewPageAsync(width, height, bypassCsp: true);
        await using var _ = page.Context;
        var failures = new List<string>();
        foreach (var url in new[] { $"{site.Factory.ServerAddress}/login", site.PromUrl })
        {
            var response = await page.GotoAsync(url);
            Assert.True(response is { Ok: true }, $"{url}: {response?.Status}");
            await CheckAsync(page, new Uri(url).AbsolutePath, width, failures);
        }
        Assert.Equal(1, await page.Locator("#prom-form").CountAsync());   // the open form, not the "link used" page
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1024, 768)]
    public async Task The_page_shown_while_the_demo_is_prepared_fits_the_screen_and_has_no_WCAG_21_AA_violation(int width, int height)
    {
        // The gate's own answer while a preparation is still running, served at a path of the site so that its style sheet
        // loads from the site as it does during a real launch (the static files sit before the gate).
        await using var services = new ServiceCollection().AddSingleton(new DemoPreparation()).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = "/cases";
        context.Request.Headers.Accept = "text/html";
        context.Response.Body = new MemoryStream();
        await DemoGate.Invoke(context, () => throw new InvalidOperationException("the gate let a request through before the seed was done"));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();

        var page = await site.Browser.NewPageAsync(width, height, bypassCsp: true);
        await using var _ = page.Context;
        var url = $"{site.Factory.ServerAddress}/cases";
        await page.RouteAsync(url, route => route.FulfillAsync(new() { Status = 503, ContentType = "text/html; charset=utf-8", Body = body }));
        var response = await page.GotoAsync(url);
        Assert.Equal(503, response?.Status);
        Assert.True(await page.EvaluateAsync<bool>("() => [...document.styleSheets].some(s => (s.href || '').endsWith('/app.css') && s.cssRules.length > 0)"), "the site's style sheet did not load");
        var failures = new List<string>();
        await CheckAsync(page, "/cases (demo being prepared)", width, failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
