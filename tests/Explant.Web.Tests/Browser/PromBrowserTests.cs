using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Core.Recovery;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Browser;

/// <summary>
/// A patient answers the 3-month PROM on their phone through a one-time link, without an account; the nurse then
/// sees the new time point on the case's trajectory chart with the MCID reached against the pre-operative baseline,
/// and the link refuses a second use.
/// </summary>
public sealed class PromBrowserTests : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, nurse = null!, anesthesiologist = null!;
    private int number;

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
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        var scheduler = await factory.ClientForAsync("scheduler@test.local");
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "07:00", closes = "19:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week })).StatusCode);
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "PR-1");
        number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        await WalkToConsentedAsync(surgeon, nurse, number);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/bookings",
            new { @case = number.ToString(), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 150 })).StatusCode);
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    /// <summary>Requests to one case with If-Match set to the last entity tag seen (the recovery record).</summary>
    private sealed class Conditional(int number)
    {
        public string? ETag { get; set; }
        public JsonElement Last { get; private set; }

        public async Task<JsonElement> OkAsync(HttpClient client, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, $"/api/cases/{number}/{path}");
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            if (ETag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ETag);
            }
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            ETag = response.Headers.ETag?.Tag;
            Last = await Json(response);
            return Last;
        }
    }

    private static async Task Submit(IPage page, string selector)
    {
        await BrowserSession.ClickAndLoadAsync(page, selector);
    }

    private static object Prom(string timePoint, int back, int leg, int?[] odi) => new { timePoint, backPain = back, legPain = leg, odi };

    [Fact]
    public async Task A_patient_answers_the_three_month_PROM_by_link_and_the_chart_shows_it_with_the_MCID_and_the_link_refuses_reuse()
    {
        // Baseline before surgery (the case is Scheduled): NRS 7/6, ODI 3 in nine sections (section 8 skipped) = 60.0 %.
        var baseline = await nurse.PostAsJsonAsync($"/api/cases/{number}/proms", Prom("baseline", 7, 6, [3, 3, 3, 3, 3, 3, 3, null, 3, 3]));
        Assert.True(baseline.StatusCode == HttpStatusCode.Created, await baseline.Content.ReadAsStringAsync());
        Assert.Equal(60.0m, (await Json(baseline)).GetProperty("odiScore").GetDecimal());

        // Check-in → theatre → out of room, over the API, on the booked day: each checklist item ticked by its owner,
        // the clock moving on through the morning.
        void At(int day, int hour, int minute = 0) => factory.Clock.MoveTo(Today.AddDays(day), new TimeOnly(hour, minute));
        await DayOfSurgery.OperateAsync(factory, DayOfSurgery.Team(surgeon, anesthesiologist, nurse), number, "PR-1", Today.AddDays(10));

        // Recovery: tick every criterion on the ward, discharge two days after the operation (today, by default) with the patient's plan.
        List<string> criteria;
        await using (var scope = factory.Scope())
        {
            criteria = [.. scope.ServiceProvider.GetRequiredService<IOptions<RecoveryOptions>>().Value.DischargeCriteria];
        }
        var r = new Conditional(number);
        await r.OkAsync(nurse, HttpMethod.Post, "recovery");
        foreach (var criterion in criteria)
        {
            await r.OkAsync(nurse, HttpMethod.Post, "recovery/criteria", new { criterion });
        }
        At(12, 11);
        var discharged = await r.OkAsync(nurse, HttpMethod.Post, "recovery/discharge",
            new { woundCare = "Keep the dressing dry for 5 days", activityLimits = "No lifting over 5 kg for 6 weeks", painPlan = "Paracetamol regularly", physioReferral = true });
        Assert.Equal("FollowUp", discharged.GetProperty("caseState").GetString());

        var plan = (await nurse.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/recovery")).GetProperty("record").GetProperty("plan").EnumerateArray().ToList();
        // The pre-operative baseline counts for the plan's baseline point.
        Assert.NotNull(plan.Single(p => p.GetProperty("code").GetString() == "baseline").GetProperty("doneOn").GetString());
        var firstPoint = plan.Where(p => p.GetProperty("proms").GetArrayLength() > 0 && p.GetProperty("code").GetString() != "baseline")
            .OrderBy(p => p.GetProperty("dueDate").GetString(), StringComparer.Ordinal).First();
        var threeMonths = firstPoint.GetProperty("code").GetString()!;
        // The link is issued once the point's window opens: on its due date, 90 days after the discharge.
        var due = DateOnly.ParseExact(firstPoint.GetProperty("dueDate").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Today.AddDays(12 + 90), due);
        factory.Clock.MoveTo(due, new TimeOnly(9, 0));
        var issued = await nurse.PostAsJsonAsync($"/api/cases/{number}/prom-links", new { timePoint = threeMonths });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var url = (await Json(issued)).GetProperty("url").GetString()!;

        // The patient's phone: no login.
        var (patientSession, phone) = await BrowserSession.OpenAsync();
        await using var _ = patientSession;
        await phone.SetViewportSizeAsync(390, 844);
        await phone.GotoAsync(url);
        Assert.Equal(new Uri(url).AbsolutePath, new Uri(phone.Url).AbsolutePath);   // not sent to the login page
        Assert.Equal(threeMonths, await phone.GetAttributeAsync("#prom-timepoint", "data-timepoint"));
        Assert.Contains("3 months", await phone.InnerTextAsync("#prom-timepoint"), StringComparison.Ordinal);
        Assert.Equal("Sex life (if applicable)", (await phone.InnerTextAsync("#odi7 legend")).Split(". ", 2)[1]);
        await phone.ClickAsync("#nrs-back label.pick:has(input[value='2'])");
        await phone.ClickAsync("#nrs-leg label.pick:has(input[value='1'])");
        for (var i = 0; i < 10; i++)
        {
            if (i != 7)
            {
                await phone.ClickAsync($"#odi{i} label.pick:has(input[value='1'])");   // section 8 left on "skip"
            }
        }
        await Submit(phone, "#prom-form button[type=submit]");
        Assert.Equal(1, await phone.Locator("#prom-thanks").CountAsync());

        // The nurse sees the new point: ODI 60.0 → 20.0, MCID reached.
        var (nurseSession, page) = await BrowserSession.OpenAsync();
        await using var __ = nurseSession;
        await page.GotoAsync($"{factory.ServerAddress}/cases/{number}/recovery");
        await BrowserSession.LoginAsync(page, "nurse@test.local", ExplantFactory.Password);
        await page.WaitForURLAsync($"**/cases/{number}/recovery");
        var point = page.Locator($"#prom-chart [data-testid=prom-point][data-timepoint='{threeMonths}']");
        Assert.Equal(1, await point.CountAsync());
        Assert.Equal("20.0", await point.GetAttributeAsync("data-odi"));
        Assert.Equal("2", await point.GetAttributeAsync("data-back"));
        Assert.Equal("reached", await point.GetAttributeAsync("data-odi-mcid"));
        Assert.Contains("MCID", await point.InnerHTMLAsync(), StringComparison.Ordinal);
        Assert.Equal("60.0", await page.GetAttributeAsync("#prom-chart [data-testid=prom-point][data-timepoint='baseline']", "data-odi"));
        // The 3-month point is also a visit, so it stays open (due today) until the visit; the pre-operative baseline point is done.
        Assert.Equal("Due", await page.GetAttributeAsync($"#follow-up tr[data-code='{threeMonths}'] .fu-status", "data-status"));
        Assert.Equal("Done", await page.GetAttributeAsync("#follow-up tr[data-code='baseline'] .fu-status", "data-status"));

        // The discharge instructions carry the patient's own plan.
        await page.GotoAsync($"{factory.ServerAddress}/cases/{number}/discharge-instructions");
        var handout = await page.InnerTextAsync("#discharge-instructions");
        Assert.Contains("No lifting over 5 kg for 6 weeks", handout, StringComparison.Ordinal);
        Assert.Contains("Whom to call", handout, StringComparison.Ordinal);
        // Warning signs after spine surgery with the fever threshold, and the hospital's own numbers (docs/clinical-rules.md §9).
        Assert.Contains("38.0 °C (100.4 °F)", handout, StringComparison.Ordinal);
        Assert.Contains(ExplantFactory.PhoneDay, handout, StringComparison.Ordinal);
        Assert.Contains(ExplantFactory.PhoneOutOfHours, handout, StringComparison.Ordinal);
        var pdf = await nurse.GetAsync($"/api/cases/{number}/discharge-instructions.pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No lifting over 5 kg for 6 weeks", PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        // The link works once.
        await phone.GotoAsync(url);
        Assert.Equal(0, await phone.Locator("#prom-form").CountAsync());
        Assert.Contains("can no longer be used", await phone.InnerTextAsync("#prom-unavailable"), StringComparison.Ordinal);
    }
}
