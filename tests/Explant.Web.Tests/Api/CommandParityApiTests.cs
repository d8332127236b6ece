using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// Issue "Pathway integrity" §2: the JSON API and the HTML form bind the same input record and call the same Core
/// command, so the same bad input is refused with the same field and words through either door, and nothing is stored.
/// Local times are read in Core in the hospital's zone: the spring-forward hour and the repeated fall-back hour are
/// refused with a 400 naming <c>local</c>, never a 500.
/// </summary>
public abstract class CommandParityApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!, scheduler = null!, nurse = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        surgeon = await factory.ClientForAsync("surgeon@test.local");
        scheduler = await factory.ClientForAsync("scheduler@test.local");
        nurse = await factory.ClientForAsync("nurse@test.local");
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TestClock.Zone);

    /// <summary>The next local date (within the planning window) on which <paramref name="at"/> is skipped or repeated.</summary>
    private static string NextDay(Func<DateTime, bool> test, TimeOnly at) =>
        Enumerable.Range(1, 700).Select(Today.AddDays).First(d => test(d.ToDateTime(at))).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The API's refusal as the form shows it: "field: message".</summary>
    /// <summary>The API's messages for <paramref name="field"/>, and the same refusal as a form shows it: the field's label, then the same words.</summary>
    private static async Task<(string Text, string AsForm)> ApiRefusal(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 on {field}, got {(int)response.StatusCode}: {body}");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), body);
        var words = messages.EnumerateArray().Select(m => m.GetString()!).ToArray();
        return ($"{field}: {string.Join(", ", words)}", Explant.Web.Forms.FieldLabels.Message(new Dictionary<string, string[]> { [field] = words }));
    }

    [Fact]
    public async Task The_api_and_the_form_refuse_the_same_case_input_with_the_same_field_and_words_and_store_nothing()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "CP-1");
        var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        var springForward = NextDay(Zone.IsInvalidTime, new TimeOnly(2, 30));
        var fallBack = NextDay(Zone.IsAmbiguousTime, new TimeOnly(1, 30));
        using var form = await FormSession.SignInAsync(factory, "surgeon@test.local");

        var cases = new (string What, Func<Task<HttpResponseMessage>> Api, string Form, (string, string)[] Fields, string Field, string Words)[]
        {
            ("indication without key", () => surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { icdCode = "T84.84XA" }),
                "indication", [("icdCode", "T84.84XA")], "key", "required"),
            ("indication with an overlong note", () => surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain", note = new string('n', 4001) }),
                "indication", [("key", "pain"), ("note", new string('n', 4001))], "note", "at most 4000 characters"),
            ("decision without a choice", () => surgeon.PostAsJsonAsync($"/api/cases/{number}/decision", new { alternativesDiscussed = AllAlternatives }),
                "decision", [("alternatives", AllAlternatives[0])], "choice", "required"),
            ("planned surgery in the past", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = Day(-1) + "T08:00" }),
                "surgery-date", [("local", Day(-1) + "T08:00")], "plannedSurgery", "cannot be in the past"),
            ("planned surgery in the spring-forward hour", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = springForward + "T02:30" }),
                "surgery-date", [("local", springForward + "T02:30")], "local", "does not exist in America/Chicago"),
            ("planned surgery in the repeated fall-back hour", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = fallBack + "T01:30" }),
                "surgery-date", [("local", fallBack + "T01:30")], "local", "happens twice in America/Chicago"),
            ("planned surgery not a local time", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = "next tuesday" }),
                "surgery-date", [("local", "next tuesday")], "local", "is not a local date and time"),
            ("H&P without a date", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/history-physical", new { }),
                "hp", [], "on", "required"),
            ("H&P in the future", () => surgeon.PutAsJsonAsync($"/api/cases/{number}/history-physical", new { on = Day(3) }),
                "hp", [("on", Day(3))], "on", "is after today"),
            ("fusion evidence without a study", () => surgeon.PostAsJsonAsync($"/api/cases/{number}/evidence/fusion", new { }),
                "fusion", [], "imagingStudyId", "required"),
        };
        var before = await surgeon.GetStringAsync($"/api/cases/{number}");
        var readinessBefore = await surgeon.GetStringAsync($"/api/cases/{number}/readiness");
        foreach (var (what, api, action, fields, field, words) in cases)
        {
            var apiRefusal = await ApiRefusal(await api(), field);
            Assert.Contains(words, apiRefusal.Text, StringComparison.Ordinal);
            var posted = await form.PostAsync($"/forms/cases/{number}/{action}", fields);
            Assert.True(posted.Refused, $"{what}: the form was not refused ({posted.Location})");
            // The same field and words; the form names the field by its label (issue #13 §5: plain words).
            Assert.Equal(apiRefusal.AsForm, posted.Error);
        }
        Assert.Equal(before, await surgeon.GetStringAsync($"/api/cases/{number}"));
        Assert.Equal(readinessBefore, await surgeon.GetStringAsync($"/api/cases/{number}/readiness"));

        // The hour after the spring-forward gap is a real time and is stored as that instant.
        var ok = await surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = springForward + "T03:30" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var expected = TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(springForward + "T03:30", System.Globalization.CultureInfo.InvariantCulture), Zone);
        Assert.Equal(expected, (await Json(ok)).GetProperty("surgeryUtc").GetDateTime().ToUniversalTime());
    }

    [Fact]
    public async Task Scheduling_configuration_is_refused_by_field_in_core_and_a_legitimate_request_keeps_its_contract()
    {
        var absenceBody = new { from = Day(5), to = Day(1), reason = "leave" };
        var created = await scheduler.PostAsJsonAsync("/api/staff", new { id = "nurse-7", name = "N Seven", roles = new[] { "nurse" }, workingDays = new[] { "Monday", "Friday" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/staff/nurse-7", created.Headers.Location!.OriginalString);

        var refused = (await ApiRefusal(await scheduler.PostAsJsonAsync("/api/staff/nurse-7/absences", absenceBody), "to")).Text;
        Assert.Contains($"is before from ({Day(5)})", refused, StringComparison.Ordinal);
        var staff = await nurse.GetFromJsonAsync<JsonElement>("/api/staff");
        Assert.Equal(0, staff.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "nurse-7").GetProperty("absences").GetArrayLength());

        var room = await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR5", hours = new[] { new { day = "Funday", opens = "08:00", closes = "16:00" } } });
        Assert.Contains("is not a weekday", (await ApiRefusal(room, "hours[0].day")).Text, StringComparison.Ordinal);
        var block = await scheduler.PostAsJsonAsync("/api/rooms/OR5/blocks", new { day = "Monday", surgeon = "surgeon@test.local", opens = "8am", closes = "12:00" });
        Assert.Contains("is not a time (HH:mm)", (await ApiRefusal(block, "opens")).Text, StringComparison.Ordinal);

        var ok = await scheduler.PostAsJsonAsync("/api/rooms", new { id = "OR5", capabilities = new[] { "fluoroscopy" }, hours = new[] { new { day = "Monday", opens = "08:00", closes = "16:00" } } });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(30, (await Json(ok)).GetProperty("turnoverMinutes").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/rooms/OR5/blocks", new { day = "Monday", surgeon = "surgeon@test.local", opens = "08:00", closes = "12:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/rooms/OR5/closures", new { date = Day(7) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scheduler.PostAsJsonAsync("/api/staff/nurse-7/absences", new { from = Day(1), to = Day(5), reason = "leave" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.PostAsJsonAsync("/api/staff/nurse-7/absences", absenceBody)).StatusCode);
    }
}

public sealed class CommandParityApiTests_Sqlite() : CommandParityApiTests(DatabaseProvider.Sqlite);

public sealed class CommandParityApiTests_Postgres() : CommandParityApiTests(DatabaseProvider.Postgres);
