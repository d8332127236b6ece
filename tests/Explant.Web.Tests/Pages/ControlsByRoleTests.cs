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

        // A Save from the page as it was before that save (out of date now) is refused; the long text typed into every section comes back to the
        // note page (a chunked cookie: far too long for an address) beside the form, and nothing is stored.
        var longText = string.Join(" ", Enumerable.Range(0, 2500).Select(i => $"w{i * 7919 % 10007}"));
        var stale = await (await As("surgeon@test.local")).PostAsync($"/forms/theatre/{number}/note-save",
            [new("revision", form.QuerySelector("input[name=revision]")!.GetAttribute("value")!), new(areas[0].GetAttribute("name")!, longText), new(areas[1].GetAttribute("name")!, "Second, typed again.")], notePath);
        Assert.True(stale.Refused, stale.Location);
        Assert.StartsWith($"{notePath}?error=", stale.Location, StringComparison.Ordinal);
        var kept = await new HtmlParser().ParseDocumentAsync(await (await As("surgeon@test.local")).GetStringAsync(stale.Location));
        Assert.NotNull(kept.QuerySelector("#note-feedback [data-form-error]"));
        Assert.Equal(longText, kept.QuerySelector($"textarea[name='{areas[0].GetAttribute("name")}']")!.TextContent);
        Assert.Equal("Second, typed again.", kept.QuerySelector($"textarea[name='{areas[1].GetAttribute("name")}']")!.TextContent);
        Assert.Equal("First section, edited on the page.",
            (await surgeon.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/note")).GetProperty("sections")[0].GetProperty("text").GetString());

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

    [Fact]
    public async Task A_refused_case_form_reads_in_plain_words_beside_its_form_and_keeps_what_was_typed()
    {
        var (number, _) = await ConsentedInfectionCaseAsync("UX-5");
        var path = $"/cases/{number}";
        var session = await As("surgeon@test.local");
        await Page("surgeon@test.local", path);

        // A comma decimal in the CRP and a culture plan typed alongside it: refused naming the field by its label.
        var refused = await session.PostAsync($"/forms/cases/{number}/infection",
            [new("crpMgL", "86,5"), new("esrMmH", "64"), new("markersDate", Day(0)), new("culturePlan", "6 samples, sonicate the rods")], path);
        Assert.True(refused.Refused, refused.Location);
        Assert.Contains("CRP (mg/L):", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("crpMgL", refused.Error, StringComparison.Ordinal);
        Assert.Contains("form=infection", refused.Location, StringComparison.Ordinal);
        Assert.EndsWith("#evidence", refused.Location, StringComparison.Ordinal);
        // What was typed is clinical text: handed back in a cookie for this page, never in the address.
        Assert.DoesNotContain("sonicate", Uri.UnescapeDataString(refused.Location), StringComparison.Ordinal);

        var back = await new HtmlParser().ParseDocumentAsync(await session.GetStringAsync(refused.Location));
        var error = back.QuerySelector("#evidence [data-form-error]");
        Assert.NotNull(error);
        Assert.Contains("CRP (mg/L)", error.TextContent, StringComparison.Ordinal);
        Assert.Single(back.QuerySelectorAll("[role=alert]"), e => e.TextContent.Contains("CRP", StringComparison.Ordinal));
        Assert.Equal("86,5", back.QuerySelector("input[name=crpMgL]")!.GetAttribute("value"));
        Assert.Equal("6 samples, sonicate the rods", back.QuerySelector("input[name=culturePlan]")!.GetAttribute("value"));

        // Read once: the next visit shows the saved values again.
        var again = await new HtmlParser().ParseDocumentAsync(await session.GetStringAsync(path));
        Assert.Equal(Culture, again.QuerySelector("input[name=culturePlan]")!.GetAttribute("value"));
        Assert.Null(again.QuerySelector("[data-form-error]"));

        // A refusal naming a person names them by display name, not by the account's e-mail.
        var nurseSession = await As("nurse@test.local");
        var byNurse = await nurseSession.PostAsync($"/forms/cases/{number}/hand-over", [new("reason", "covering the list")], path);
        Assert.True(byNurse.Refused, byNurse.Location);
        Assert.DoesNotContain("@test.local", byNurse.Error, StringComparison.Ordinal);

        // The readiness panel: a malformed lab value is refused beside the panel, the value and date as typed.
        var anaesthesia = await As("anesthesiologist@test.local");
        var result = await anaesthesia.PostAsync($"/forms/cases/{number}/result",
            [new("kind", "Creatinine"), new("value", "7.1.2"), new("unit", "mg/dL"), new("takenOn", Day(-1))], path);
        Assert.True(result.Refused, result.Location);
        Assert.Contains("Value:", result.Error, StringComparison.Ordinal);
        var panel = await new HtmlParser().ParseDocumentAsync(await anaesthesia.GetStringAsync(result.Location));
        Assert.NotNull(panel.QuerySelector("#readiness [data-form-error]"));
        Assert.Equal("7.1.2", panel.QuerySelector("#result-value")!.GetAttribute("value"));
        Assert.Equal(Day(-1), panel.QuerySelector("#result-date")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Patient_page_shows_the_safety_banner_and_the_navigation_names_the_signed_in_person()
    {
        var (number, patient) = await ConsentedInfectionCaseAsync("UX-6");
        var page = await Page("nurse@test.local", $"/patients/{patient}");
        AssertBannerFirst(page, "MRN UX-6");

        var byName = await Page("surgeon@test.local", $"/patients/{patient}");
        Assert.Equal(SurgeonName, byName.QuerySelector("header .who")!.TextContent.Trim());
        Assert.DoesNotContain("surgeon@test.local", byName.QuerySelector("header")!.InnerHtml, StringComparison.Ordinal);

        // A refused registration keeps every field typed and names the field by its label.
        var session = await As("nurse@test.local");
        var refused = await session.PostAsync("/forms/patients",
            [new("facility", "MAIN"), new("mrn", "UX-7"), new("familyName", "ROE"), new("givenName", "Richard"), new("birthDate", "1970-05-01"),
             new("sex", "Male"), new("weightKg", "80,5"), new("allergies", "latex"), new("medications", "apixaban 5 mg bd\nmetformin")], "/patients");
        Assert.True(refused.Refused, refused.Location);
        Assert.Contains("Weight (kg):", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("weightKg", refused.Error, StringComparison.Ordinal);
        var form = await new HtmlParser().ParseDocumentAsync(await session.GetStringAsync(refused.Location));
        Assert.NotNull(form.QuerySelector("#register [data-form-error]"));
        Assert.Equal("ROE", form.QuerySelector("#familyName")!.GetAttribute("value"));
        Assert.Equal("80,5", form.QuerySelector("#weightKg")!.GetAttribute("value"));
        Assert.Equal("Male", form.QuerySelector("#sex option[selected]")!.TextContent);
        Assert.Contains("metformin", form.QuerySelector("#medications")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(form.QuerySelectorAll("p.error.banner:not([data-form-error])"));

        // A refusal that lands on a page without its form (an unreadable patient id sends it to the list) is not lost:
        // the page's top banner carries it.
        var elsewhere = await session.PostAsync($"/forms/constructs/{Guid.NewGuid()}/components", [new("kind", "PedicleScrew"), new("patientId", "not-an-id")], "/patients");
        Assert.StartsWith("/patients?error=", elsewhere.Location, StringComparison.Ordinal);
        var list = await new HtmlParser().ParseDocumentAsync(await session.GetStringAsync(elsewhere.Location));
        Assert.Contains(list.QuerySelectorAll("p.error.banner[role=alert]"), e => e.TextContent.Contains(elsewhere.Error!, StringComparison.Ordinal));
        _ = number;
    }

    [Fact]
    public async Task Case_page_names_system_steps_by_what_the_user_presses_never_an_api_route()
    {
        var number = await ReadyCaseAsync("UX-8");
        var page = await Page("surgeon@test.local", $"/cases/{number}");
        var step = page.QuerySelector("[data-step=Schedule]");
        Assert.NotNull(step);
        Assert.Contains("Book", step.TextContent, StringComparison.Ordinal);
        Assert.Equal("/board", step.QuerySelector("a")!.GetAttribute("href"));
        Assert.DoesNotContain("/api/", page.QuerySelector("#next")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("POST ", page.QuerySelector("#next")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_up_list_flags_every_row_and_names_the_surgeon()
    {
        var number = await BookedCaseAsync("UX-9");
        await DayOfSurgery.OperateAsync(factory, DayOfSurgery.Team(surgeon, anesthesiologist, nurse), number, "UX-9", SurgeryDay);
        factory.Clock.MoveTo(SurgeryDay.AddDays(2), new TimeOnly(11, 0));
        using var ward = await FormSession.SignInAsync(factory, "nurse@test.local");
        var recovery = $"/cases/{number}/recovery";
        Assert.False((await ward.PostAsync($"/forms/recovery/{number}/open", [], recovery)).Refused);
        foreach (var criterion in factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Explant.Core.Recovery.RecoveryOptions>>().Value.DischargeCriteria)
        {
            var ticked = await ward.PostAsync($"/forms/recovery/{number}/tick", [new("criterion", criterion)], recovery);
            Assert.False(ticked.Refused, ticked.Error);
        }
        var discharged = await ward.PostAsync($"/forms/recovery/{number}/discharge", [new("woundCare", "keep dry"), new("activityLimits", "no lifting"), new("painPlan", "paracetamol")], recovery);
        Assert.False(discharged.Refused, discharged.Error);

        var list = await new HtmlParser().ParseDocumentAsync(await ward.GetStringAsync("/followup?all=1"));
        var row = list.QuerySelector($"table.followup-list tr[data-case='{number}']");
        AssertRowFlags(row);
        Assert.Contains(SurgeonName, row!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("surgeon@test.local", row.TextContent, StringComparison.Ordinal);
    }
}

public sealed class ControlsByRoleTests_Sqlite() : ControlsByRoleTests(DatabaseProvider.Sqlite);

public sealed class ControlsByRoleTests_Postgres() : ControlsByRoleTests(DatabaseProvider.Postgres);
