using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Pages;

/// <summary>
/// Issue #13 §3–§6 on the rendered pages (HTML GETs signed in per role, parsed): the safety banner comes first on a
/// patient's pages and every list row carries its flags; each role sees only the controls it may use in the case's
/// state (others named with the reason); destructive and final actions sit behind a confirmation step; the operative
/// note is one form with one Save; signed records are read-only; staff appear by display name, enums by label.
/// </summary>
public abstract class ControlsByRoleTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string SurgeonName = "Ada Lovelace";
    private const string Culture = "5 tissue samples; hold prophylaxis until cultures";
    private static readonly DateOnly SurgeryDay = Today.AddDays(10);

    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, nurse = null!, anesthesiologist = null!, scheduler = null!;
    private readonly Dictionary<string, FormSession> pages = [];

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon, SurgeonName);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        await factory.AddUserAsync("other.surgeon@test.local", Roles.Surgeon, "Grace Hopper");
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        anesthesiologist = await factory.ClientForAsync("anesthesiologist@test.local");
        scheduler = await factory.ClientForAsync("scheduler@test.local");
        await using (var scope = factory.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
    }

    public async Task DisposeAsync()
    {
        foreach (var p in pages.Values)
        {
            p.Dispose();
        }
        await factory.DisposeAsync();
    }

    private async Task<FormSession> As(string email)
    {
        if (!pages.TryGetValue(email, out var session))
        {
            session = await FormSession.SignInAsync(factory, email);
            pages[email] = session;
        }
        return session;
    }

    private async Task<IDocument> Page(string email, string path) =>
        await new HtmlParser().ParseDocumentAsync(await (await As(email)).GetStringAsync(path));

    /// <summary>A consented case of a patient allergic to latex, on apixaban, with a late infection whose culture plan holds prophylaxis.</summary>
    private async Task<(int Number, Guid Patient)> ConsentedInfectionCaseAsync(string mrn)
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "infection", icdCode = "T84.63XA", note = "late low-grade infection" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PutAsJsonAsync($"/api/cases/{number}/evidence/infection", new { crpMgL = 86, esrMmH = 64, markersDate = Day(0), culturePlan = Culture })).StatusCode);
        await WalkToConsentedAsync(surgeon, nurse, number);
        return (number, patient);
    }

    private async Task<int> ReadyCaseAsync(string mrn)
    {
        var (number, patient) = await ConsentedInfectionCaseAsync(mrn);
        await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
        Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
        return number;
    }

    private async Task<int> BookedCaseAsync(string mrn)
    {
        var number = await ReadyCaseAsync(mrn);
        var booked = await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(System.Globalization.CultureInfo.InvariantCulture), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        return number;
    }

    private static void AssertBannerFirst(IDocument page, params string[] texts)
    {
        var banner = page.QuerySelector("section.safety-banner");
        Assert.NotNull(banner);
        var h1 = page.QuerySelector("main h1");
        Assert.NotNull(h1);
        // Right under the page title, before any section of the page (its place on screen: ResponsiveBrowserTests).
        Assert.True(h1.CompareDocumentPosition(banner).HasFlag(DocumentPositions.Following), "the safety banner follows the page title");
        Assert.All(page.QuerySelectorAll("main section.card, main form"), e =>
            Assert.True(banner.CompareDocumentPosition(e).HasFlag(DocumentPositions.Following), "the safety banner comes before the page's sections and forms"));
        Assert.Contains("DOE, Jane", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("latex", banner.QuerySelector("[data-alert=allergy]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("apixaban", banner.QuerySelector("[data-alert=anticoagulant]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("hold prophylaxis until cultures", banner.QuerySelector("[data-alert=infection]")!.TextContent, StringComparison.Ordinal);
        foreach (var t in texts)
        {
            Assert.Contains(t, banner.TextContent, StringComparison.Ordinal);
        }
    }

    private static void AssertRowFlags(IElement? row)
    {
        Assert.NotNull(row);
        foreach (var flag in new[] { "allergy", "infection", "anticoagulant" })
        {
            Assert.NotNull(row.QuerySelector($"[data-flag={flag}]"));
        }
    }

    [Fact]
    public async Task Case_page_shows_the_safety_banner_first_and_each_role_only_its_controls()
    {
        var (number, _) = await ConsentedInfectionCaseAsync("UX-1");
        var path = $"/cases/{number}";

        var bySurgeon = await Page("surgeon@test.local", path);
        AssertBannerFirst(bySurgeon, "MRN UX-1");
        // Attest readiness is the nurse's: named for her, no button for the surgeon.
        Assert.Null(bySurgeon.QuerySelector("button[data-trigger=AttestReady]"));
        Assert.Contains("nurse", bySurgeon.QuerySelector("[data-unavailable=AttestReady]")!.TextContent, StringComparison.Ordinal);
        // Postpone and cancel are behind a confirmation step, secondary-styled, with labelled reasons.
        foreach (var trigger in new[] { "Postpone", "Cancel" })
        {
            var confirm = bySurgeon.QuerySelector($"details.confirm summary[data-confirm-open={trigger}]")?.ParentElement;
            Assert.NotNull(confirm);
            var button = confirm.QuerySelector($"button[data-trigger={trigger}]");
            Assert.NotNull(button);
            Assert.Contains("secondary", button.ClassList);
            Assert.StartsWith("Confirm", button.TextContent.Trim(), StringComparison.Ordinal);
        }
        Assert.Contains(bySurgeon.QuerySelectorAll("select[name=cancelReason] option"), o => o.TextContent == "Patient request" && o.GetAttribute("value") == "PatientRequest");
        Assert.Contains(bySurgeon.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Save plan");
        // Consent is generated in Decided only: the surgeon is told why the button is not there.
        Assert.Null(bySurgeon.QuerySelector("form[action$='/consent']"));
        Assert.NotNull(bySurgeon.QuerySelector("[data-unavailable=consent]"));
        // The decision form is past (Assessed only), the recorded decision is shown; the surgeon by name, not e-mail.
        Assert.Contains("removal", bySurgeon.QuerySelector("#decision-recorded")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(SurgeonName, bySurgeon.QuerySelector("#decision-recorded")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("surgeon@test.local", bySurgeon.QuerySelector("#timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(SurgeonName, bySurgeon.QuerySelector("#timeline")!.TextContent, StringComparison.Ordinal);
        Assert.Null(bySurgeon.QuerySelector("form[action$='/asa']"));

        var byNurse = await Page("nurse@test.local", path);
        AssertBannerFirst(byNurse);
        Assert.NotNull(byNurse.QuerySelector("button[data-trigger=AttestReady]"));
        Assert.Null(byNurse.QuerySelector("[data-confirm-open=Postpone]"));
        Assert.Null(byNurse.QuerySelector("[data-confirm-open=Cancel]"));
        Assert.DoesNotContain(byNurse.QuerySelectorAll("button"), b => b.TextContent.Trim() is "Save plan" or "Record ASA" or "Sign the note");
        Assert.Contains("surgeon", byNurse.QuerySelector("[data-unavailable=plan]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(byNurse.QuerySelector("form[action$='/hand-over']"));

        var byAnaesthesia = await Page("anesthesiologist@test.local", path);
        Assert.NotNull(byAnaesthesia.QuerySelector("form[action$='/asa']"));
        Assert.NotNull(byAnaesthesia.QuerySelector("[data-confirm-open=Postpone]"));
        Assert.Null(byAnaesthesia.QuerySelector("[data-confirm-open=Cancel]"));

        var byScheduler = await Page("scheduler@test.local", path);
        Assert.Null(byScheduler.QuerySelector("form[action$='/asa']"));
        Assert.Null(byScheduler.QuerySelector("button[data-trigger=AttestReady]"));
        Assert.NotNull(byScheduler.QuerySelector("[data-confirm-open=Cancel]"));
        Assert.DoesNotContain(byScheduler.QuerySelectorAll("button"), b => b.TextContent.Trim() is "Save plan" or "Add indication" or "Record decision");
    }

    [Fact]
    public async Task Board_offers_booking_to_the_scheduler_only_and_flags_every_row_with_a_date_picker()
    {
        var number = await ReadyCaseAsync("UX-2");
        var path = $"/board?date={Day(10)}";

        var byScheduler = await Page("scheduler@test.local", path);
        Assert.NotNull(byScheduler.QuerySelector("form[action='/forms/bookings']"));
        AssertRowFlags(byScheduler.QuerySelector($"table.estimates tr[data-case='{number}']"));
        Assert.Equal(Day(10), byScheduler.QuerySelector("form.date-nav input[type=date][name=date]")!.GetAttribute("value"));
        Assert.EndsWith(Day(11), byScheduler.QuerySelector("a[data-nav=next]")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.EndsWith(Day(9), byScheduler.QuerySelector("a[data-nav=previous]")!.GetAttribute("href"), StringComparison.Ordinal);

        var bySurgeon = await Page("surgeon@test.local", path);
        Assert.Null(bySurgeon.QuerySelector("form[action='/forms/bookings']"));
        Assert.Contains("scheduler", bySurgeon.QuerySelector("[data-unavailable=book]")!.TextContent, StringComparison.Ordinal);
        AssertRowFlags(bySurgeon.QuerySelector($"table.estimates tr[data-case='{number}']"));

        // Booked: the lane shows the patient with the flags; the surgeon by name.
        Assert.Equal(HttpStatusCode.Created, (await scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(System.Globalization.CultureInfo.InvariantCulture), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120 })).StatusCode);
        var booked = await Page("scheduler@test.local", path);
        var slot = booked.QuerySelector($".lane .slot[data-case='{number}']");
        AssertRowFlags(slot);
        Assert.Contains("DOE, Jane", slot!.TextContent, StringComparison.Ordinal);
        Assert.Contains(SurgeonName, slot.TextContent, StringComparison.Ordinal);

        // The daily list and the theatre list take a picked date (GET form) as well.
        var daily = await Page("nurse@test.local", $"/schedule?date={Day(10)}");
        Assert.Contains($"case {number}", daily.QuerySelector(".orlist")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Day(10), daily.QuerySelector("form.date-nav input[type=date]")!.GetAttribute("value"));
        var theatre = await Page("nurse@test.local", $"/theatre/room/OR1?date={Day(10)}");
        var row = theatre.QuerySelector($".theatre-list li[data-case='{number}']");
        AssertRowFlags(row);
        Assert.Contains("DOE, Jane", row!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Day(10), theatre.QuerySelector("form.date-nav input[type=date]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Worklists_flag_every_row()
    {
        var number = await ReadyCaseAsync("UX-3");
        var cases = await Page("surgeon@test.local", "/cases");
        AssertRowFlags(cases.QuerySelectorAll("table.list tr").FirstOrDefault(r => r.QuerySelector($"a[href='/cases/{number}']") is not null));
        var preop = await Page("nurse@test.local", "/preop");
        AssertRowFlags(preop.QuerySelectorAll("table.list tr").FirstOrDefault(r => r.QuerySelector($"a[href^='/cases/{number}#']") is not null));
        var proposal = await Page("scheduler@test.local", $"/board/proposal?from={Day(10)}&days=5");
        AssertRowFlags(proposal.QuerySelector($"table.proposal tr[data-case='{number}']"));
    }

    [Fact]
    public async Task Theatre_case_and_note_show_each_role_its_controls_and_the_note_saves_two_sections_at_once()
    {
        var number = await BookedCaseAsync("UX-4");
        var theatrePath = $"/theatre/case/{number}";
        var byNurse = await Page("nurse@test.local", theatrePath);
        AssertBannerFirst(byNurse);
        Assert.NotNull(byNurse.QuerySelector("form[action$='/check-in']"));
        var bySurgeon = await Page("surgeon@test.local", theatrePath);
        Assert.Null(bySurgeon.QuerySelector("form[action$='/check-in']"));
        Assert.Contains("nurse", bySurgeon.QuerySelector("[data-unavailable=check-in]")!.TextContent, StringComparison.Ordinal);

        var team = DayOfSurgery.Team(surgeon, anesthesiologist, nurse);
        await DayOfSurgery.OperateAsync(factory, team, number, "UX-4", SurgeryDay);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/note", null)).StatusCode);

        // The record closed at out-of-room: nobody is offered a theatre control any more.
        var closed = await Page("surgeon@test.local", theatrePath);
        Assert.NotNull(closed.QuerySelector("#record-closed"));
        Assert.Null(closed.QuerySelector("form[action$='/findings']"));
        Assert.Null(closed.QuerySelector("form[action$='/specimen']"));

        var notePath = $"/cases/{number}/note";
        var nurseNote = await Page("nurse@test.local", notePath);
        AssertBannerFirst(nurseNote);
        Assert.Null(nurseNote.QuerySelector("form[action$='/note-save']"));
        Assert.Null(nurseNote.QuerySelector("form[action$='/note-sign']"));
        Assert.Null(nurseNote.QuerySelector("textarea"));
        Assert.NotNull(nurseNote.QuerySelector("[data-unavailable=note]"));

        var otherNote = await Page("other.surgeon@test.local", notePath);
        Assert.Null(otherNote.QuerySelector("form[action$='/note-sign']"));
        Assert.Contains(SurgeonName, otherNote.QuerySelector("[data-unavailable=sign]")!.TextContent, StringComparison.Ordinal);

        var surgeonNote = await Page("surgeon@test.local", notePath);
        var forms = surgeonNote.QuerySelectorAll("form[action$='/note-save']");
        var form = Assert.Single(forms);
        Assert.True(form.HasAttribute("data-dirty-guard"));
        Assert.Single(form.QuerySelectorAll("button[type=submit]"));
        var areas = form.QuerySelectorAll("textarea").ToList();
        Assert.True(areas.Count >= 2, "the draft has at least two sections");
        // Sign and regenerate are final/destructive: each behind its own confirmation step, secondary-styled.
        foreach (var action in new[] { "note-sign", "note-generate" })
        {
            var confirm = surgeonNote.QuerySelector($"form[action$='/{action}']")!.Closest("details.confirm");
            Assert.NotNull(confirm);
            Assert.Contains("secondary", confirm.QuerySelector("button[type=submit]")!.ClassList);
        }

        // Two sections edited, one Save: both stored.
        var fields = new List<KeyValuePair<string, string>> { new("revision", form.QuerySelector("input[name=revision]")!.GetAttribute("value")!) };
        var edits = new Dictionary<string, string>
        {
            [areas[0].GetAttribute("name")!] = "First section, edited on the page.",
            [areas[1].GetAttribute("name")!] = "Second section, edited on the page.",
        };
        foreach (var a in areas)
        {
            var name = a.GetAttribute("name")!;
            fields.Add(new(name, edits.TryGetValue(name, out var text) ? text : a.TextContent));
        }
        var saved = await (await As("surgeon@test.local")).PostAsync($"/forms/theatre/{number}/note-save", fields);
        Assert.False(saved.Refused, saved.Error);
        Assert.Contains("saved=", saved.Location, StringComparison.Ordinal);
        var stored = await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note");
        var texts = stored.GetProperty("sections").EnumerateArray().ToDictionary(s => "section:" + s.GetProperty("key").GetString(), s => s.GetProperty("text").GetString());
        Assert.Equal("First section, edited on the page.", texts[areas[0].GetAttribute("name")!]);
        Assert.Equal("Second section, edited on the page.", texts[areas[1].GetAttribute("name")!]);
        Assert.NotNull((await Page("surgeon@test.local", saved.Location)).QuerySelector("#saved"));

        // A nurse posting the same form is refused by the Core command and nothing changes.
        var refused = await (await As("nurse@test.local")).PostAsync($"/forms/theatre/{number}/note-save",
            [new("revision", "0"), new(areas[0].GetAttribute("name")!, "changed by a nurse")]);
        Assert.True(refused.Refused);
        Assert.Equal("First section, edited on the page.",
            (await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note")).GetProperty("sections")[0].GetProperty("text").GetString());

        // Signed: read-only for everyone, the signer by name.
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/note/sign", null)).StatusCode);
        var signed = await Page("surgeon@test.local", notePath);
        Assert.Null(signed.QuerySelector("textarea.note-text"));
        Assert.Null(signed.QuerySelector("form[action$='/note-save']"));
        Assert.Null(signed.QuerySelector("form[action$='/note-generate']"));
        Assert.Contains(SurgeonName, signed.QuerySelector("#signed")!.TextContent, StringComparison.Ordinal);
    }
}

public sealed class ControlsByRoleTests_Sqlite() : ControlsByRoleTests(DatabaseProvider.Sqlite);

public sealed class ControlsByRoleTests_Postgres() : ControlsByRoleTests(DatabaseProvider.Postgres);
