using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// Sends requests to one case's theatre record (or note) with If-Match set to the last entity tag it saw. Time moves
/// on one minute before every request, so each milestone, dose and tick lies after the previous one and never in the
/// future; each checklist item is answered by the client of the role that owns it (WHO names who answers, S44).
/// </summary>
internal sealed class TheatreSession(int number, ExplantFactory factory, IReadOnlyDictionary<string, HttpClient>? byRole = null)
{
    public string? ETag { get; set; }
    public JsonElement Last { get; private set; }

    /// <summary>The app's clock now, minus <paramref name="minutes"/> if negative, as an instant with Z.</summary>
    public string NowUtc(double minutes = 0) =>
        factory.Clock.GetUtcNow().UtcDateTime.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        // Time moves on between steps, so each milestone and tick lies after the previous one.
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
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
        if (response.IsSuccessStatusCode)
        {
            ETag = response.Headers.ETag?.Tag;
            Last = await Json(response);
        }
        return response;
    }

    /// <summary>Sends and requires 200; returns the new view.</summary>
    public async Task<JsonElement> OkAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        var response = await SendAsync(client, method, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(Last.ValueKind == JsonValueKind.Object && (Last.TryGetProperty("record", out _) || Last.TryGetProperty("sections", out _)),
            $"{method} {path}: 200 but the body is neither the theatre record view nor the note: {Last.GetRawText()[..Math.Min(300, Last.GetRawText().Length)]}");
        Assert.NotNull(ETag);
        return Last;
    }

    public Task<HttpResponseMessage> Milestone(HttpClient client, string milestone) =>
        SendAsync(client, HttpMethod.Post, "theatre/milestones", new { milestone });

    /// <summary>Ticks every item of the phase, each by the client of the role that owns it (WHO names who answers, S44).</summary>
    public async Task TickPhaseAsync(string phase, params string[] notApplicable)
    {
        foreach (var item in Last.GetProperty("checklist").EnumerateArray().Where(i => i.GetProperty("phase").GetString() == phase).ToList())
        {
            var id = item.GetProperty("id").GetString()!;
            var client = byRole![item.GetProperty("owner").GetString()!];
            await OkAsync(client, HttpMethod.Post, "theatre/ticks", new { itemId = id, answer = notApplicable.Contains(id) ? "NotApplicable" : "Yes" });
        }
        Assert.DoesNotContain(Last.GetProperty("checklist").EnumerateArray(), i => i.GetProperty("phase").GetString() == phase && i.GetProperty("tick").ValueKind == JsonValueKind.Null);
    }

    public async Task AccountAllAsync(HttpClient client)
    {
        foreach (var line in Last.GetProperty("record").GetProperty("explants").EnumerateArray().Select(l => l.GetProperty("id").GetGuid()).ToList())
        {
            await OkAsync(client, HttpMethod.Put, $"theatre/explants/{line}", new { outcome = "Removed", condition = "Intact" });
        }
    }
}

/// <summary>The shared "operate this case" flow of the API and browser tests, following every day-of-surgery gate.</summary>
internal static class DayOfSurgery
{
    /// <summary>The clients that answer each role's checklist items.</summary>
    public static Dictionary<string, HttpClient> Team(HttpClient surgeon, HttpClient anesthesiologist, HttpClient nurse) => new()
    {
        [Explant.Core.Auth.Roles.Surgeon] = surgeon,
        [Explant.Core.Auth.Roles.Anesthesiologist] = anesthesiologist,
        [Explant.Core.Auth.Roles.Nurse] = nurse,
    };

    /// <summary>
    /// Check-in to out of room without detours, on the booked day <paramref name="day"/>: the clock moves to 07:00
    /// that morning for check-in (only the booked day is allowed) and one minute on before every step after it; each
    /// checklist item is ticked by its owner, prophylaxis is recorded before the Time Out's antibiotic item, the
    /// incision follows the Time Out. The case leaves the room Recovering, before 09:00.
    /// </summary>
    public static async Task<TheatreSession> OperateAsync(ExplantFactory factory, IReadOnlyDictionary<string, HttpClient> team, int number, string mrn, DateOnly day)
    {
        var surgeon = team[Explant.Core.Auth.Roles.Surgeon];
        var anesthesiologist = team[Explant.Core.Auth.Roles.Anesthesiologist];
        var nurse = team[Explant.Core.Auth.Roles.Nurse];
        var t = new TheatreSession(number, factory, team);
        factory.Clock.MoveTo(day, new TimeOnly(7, 0));
        await t.OkAsync(nurse, HttpMethod.Post, "check-in", new { mrn, birthDate = "1970-05-01", fastingConfirmed = true, medicationHoldsConfirmed = true, note = "wristband read" });
        await t.TickPhaseAsync("SignIn");
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "InRoom" });
        await t.OkAsync(anesthesiologist, HttpMethod.Post, "theatre/milestones", new { milestone = "AnesthesiaStart" });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "Positioned" });
        await t.OkAsync(anesthesiologist, HttpMethod.Put, "theatre/prophylaxis", new { agent = "cefazolin", givenAt = t.NowUtc(-1) });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/levels", new { levels = t.Last.GetProperty("record").GetProperty("plannedLevels").GetString(), image = "AP fluoroscopy" });
        await t.TickPhaseAsync("TimeOut");
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "Incision" });
        await t.OkAsync(surgeon, HttpMethod.Put, "theatre/findings", new { fusion = new[] { new { range = "L3-L5", status = "Solid" } }, loosening = true, estimatedBloodLossMl = 250 });
        await t.OkAsync(nurse, HttpMethod.Post, "theatre/specimens", new { kind = "TissueCulture", description = "deep tissue L4" });
        await t.AccountAllAsync(nurse);
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureStart" });
        await t.OkAsync(surgeon, HttpMethod.Post, "theatre/milestones", new { milestone = "ClosureEnd" });
        await t.OkAsync(nurse, HttpMethod.Put, "theatre/counts", new { correct = true });
        await t.TickPhaseAsync("SignOut");
        Assert.Equal("Recovering", (await t.OkAsync(nurse, HttpMethod.Post, "theatre/milestones", new { milestone = "OutOfRoom" })).GetProperty("caseState").GetString());
        return t;
    }
}
