using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Operations;

/// <summary>
/// Issue #16 §8: two app instances on one PostgreSQL database, as behind a load balancer. Tokens and cookies issued by
/// one are accepted by the other (data-protection keys in the database, encrypted to a certificate made here), and
/// two bookings of one slot sent at once through the two instances give exactly one booking.
/// </summary>
public sealed partial class ScaleOutTests : IAsyncLifetime
{
    private const string CertificatePassword = "test-only-pfx";
    private readonly string certificateFile = Path.Combine(Path.GetTempPath(), $"explant-dp-{Guid.NewGuid():N}.pfx");
    private ExplantFactory one = null!, two = null!;

    public async Task InitializeAsync()
    {
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Explant data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            // Fixed, wide validity: nothing here reads the real clock, and key encryption does not check dates.
            using var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
            await File.WriteAllBytesAsync(certificateFile, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        }
        var settings = new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = certificateFile,
            ["DataProtection:CertificatePassword"] = CertificatePassword,
        };
        one = await ExplantFactory.CreateAsync(DatabaseProvider.Postgres, settings: settings);
        two = ExplantFactory.SecondInstance(one, settings);
    }

    public async Task DisposeAsync()
    {
        await two.DisposeAsync();
        await one.DisposeAsync();
        File.Delete(certificateFile);
    }

    private static async Task<JsonElement> SignInAsync(ExplantFactory app, string email)
    {
        using var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password = ExplantFactory.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    private static async Task<HttpStatusCode> ReadWithAsync(ExplantFactory app, string token)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/pathway/transitions")).StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<key id=\"([0-9a-f-]+)\"")]
    private static partial Regex KeyId();

    [Fact]
    public async Task A_token_or_cookie_from_one_instance_works_on_the_other_and_the_shared_keys_are_encrypted_at_rest()
    {
        var fromOne = await SignInAsync(one, "nurse@test.local");
        var fromTwo = await SignInAsync(two, "admin@test.local");
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(two, fromOne.GetProperty("accessToken").GetString()!));
        Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(one, fromTwo.GetProperty("accessToken").GetString()!));
        // The check can fail: a token the instances did not issue is refused by both.
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadWithAsync(two, fromOne.GetProperty("accessToken").GetString()![..^4] + "AAAA"));
        using (var refreshClient = two.CreateClient())
        {
            var refreshed = await refreshClient.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = fromOne.GetProperty("refreshToken").GetString() });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            Assert.Equal(HttpStatusCode.OK, await ReadWithAsync(one, (await Json(refreshed)).GetProperty("accessToken").GetString()!));
        }

        // A browser signed in through one instance (form, antiforgery, cookie) is signed in on the other.
        var cookies = new CookieContainer();
        using var browserOne = one.CreateDefaultClient(new CookieContainerHandler(cookies));
        var loginPage = await browserOne.GetStringAsync("/login");
        var login = await browserOne.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "nurse@test.local", ["password"] = ExplantFactory.Password, ["returnUrl"] = "/patients",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryToken().Match(loginPage).Groups[1].Value),
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "explant");
        using var browserTwo = two.CreateDefaultClient(new CookieContainerHandler(cookies));
        var page = await browserTwo.GetAsync("/patients");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var stranger = two.CreateDefaultClient();
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync("/patients")).StatusCode);

        // Both instances use exactly the keys stored in the database, and every stored key is encrypted to the
        // certificate: no plain <value> of a master key, an EncryptedXml block instead.
        await using var scope = one.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().DataProtectionKeys.AsNoTracking().ToListAsync();
        Assert.NotEmpty(stored);
        var storedIds = stored.Select(k => Guid.Parse(KeyId().Match(k.Xml!).Groups[1].Value)).ToHashSet();
        foreach (var app in new[] { one, two })
        {
            var known = app.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => k.KeyId).ToHashSet();
            Assert.True(known.SetEquals(storedIds), "an instance uses a key that is not in the shared database");
        }
        Assert.All(stored, k =>
        {
            Assert.Contains("<encryptedSecret", k.Xml, StringComparison.Ordinal);
            Assert.Contains("EncryptedData", k.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", k.Xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Two_bookings_of_one_slot_at_once_through_two_instances_give_exactly_one_booking()
    {
        await one.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await one.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await one.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        var surgeon = await one.ClientForAsync("surgeon@test.local");
        var nurse = await two.ClientForAsync("nurse@test.local");
        var anesthesiologist = await one.ClientForAsync("anesthesiologist@test.local");
        var schedulerOne = await one.ClientForAsync("scheduler@test.local");
        var schedulerTwo = await two.ClientForAsync("scheduler@test.local");
        await using (var scope = one.Scope())
        {
            Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
                scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), one.Clock, "test"));
        }
        var week = Enum.GetValues<DayOfWeek>().Select(d => new { day = d.ToString(), opens = "08:00", closes = "16:00" }).ToArray();
        Assert.Equal(HttpStatusCode.Created, (await schedulerOne.PostAsJsonAsync("/api/rooms", new { id = "OR1", capabilities = new[] { "fluoroscopy" }, hours = week, turnoverMinutes = 30 })).StatusCode);
        var cases = new List<int>();
        foreach (var mrn in new[] { "SO-1", "SO-2" })
        {
            var (patient, construct, _) = await PatientWithConstructAsync(surgeon, mrn);
            var number = (await OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
            await WalkToConsentedAsync(surgeon, nurse, number);
            await CompleteWorkUpAsync(surgeon, nurse, anesthesiologist, number, patient);
            Assert.Equal("Ready", (await Json(await nurse.PostAsync($"/api/cases/{number}/transitions/AttestReady", null))).GetProperty("state").GetString());
            cases.Add(number);
        }

        Task<HttpResponseMessage> Book(HttpClient scheduler, int number) =>
            scheduler.PostAsJsonAsync("/api/bookings", new { @case = number.ToString(), roomId = "OR1", date = Day(10), start = "08:00", durationMinutes = 120, confirmTimeChange = true });
        var results = await Task.WhenAll(Book(schedulerOne, cases[0]), Book(schedulerTwo, cases[1]));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        var loser = Assert.Single(results, r => r.StatusCode != HttpStatusCode.Created);
        // The loser is refused with its rule: 409 room-double-booked when it read the winner's booking, 409
        // unique-constraint when both created the empty day's row and the database's unique index kept one, or 412
        // optimistic-concurrency when both read the day and its save lost (issue #16 §7 re-applies such writes on the
        // server, turning them into room-double-booked).
        Assert.True(loser.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed, loser.StatusCode.ToString());
        var problem = await Json(loser);
        var rules = problem.TryGetProperty("conflicts", out var conflicts)
            ? conflicts.EnumerateArray().Select(c => c.GetProperty("rule").GetString()).ToList()
            : [problem.GetProperty("rule").GetString()];
        Assert.Contains(rules, r => r is "room-double-booked" or "unique-constraint" or "optimistic-concurrency");
        await using var check = two.Scope();
        var rows = await check.ServiceProvider.GetRequiredService<ExplantDbContext>().RoomDays.AsNoTracking().ToListAsync();
        Assert.Single(Assert.Single(rows).Bookings);
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_read_stops_the_start_naming_the_setting()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ExplantFactory.CreateAsync(DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = certificateFile + ".missing" }));
        Assert.Contains("DataProtection:CertificatePath", e.ToString(), StringComparison.Ordinal);
    }
}
