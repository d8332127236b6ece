using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Explant.Web.Tests.Infrastructure.Scenario;

namespace Explant.Web.Tests.Api;

/// <summary>
/// The patient record's writes through the JSON API and the HTML forms, on SQLite and on PostgreSQL: clinicians write,
/// schedulers and admins read only (403, rule role:patient-record, nothing stored); input that cannot lie (enum names
/// only, length limits, plausible ranges, date windows against the fake hospital clock), each refusal naming its field.
/// </summary>
public abstract partial class PatientApiTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ExplantFactory factory = null!;
    private HttpClient surgeon = null!;
    private readonly Dictionary<string, HttpClient> clients = [];

    private static readonly string[] AllRoles = [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist, Roles.Scheduler, Roles.Admin];

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider);
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("anesthesiologist@test.local", Roles.Anesthesiologist);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        foreach (var role in AllRoles)
        {
            clients[role] = await factory.ClientForAsync($"{role}@test.local");
        }
        surgeon = clients[Roles.Surgeon];
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    public static TheoryData<string> Clinicians => [Roles.Surgeon, Roles.Nurse, Roles.Anesthesiologist];

    public static TheoryData<string> ReadOnlyRoles => [Roles.Scheduler, Roles.Admin];

    private async Task<T> InDb<T>(Func<ExplantDbContext, Task<T>> query)
    {
        await using var scope = factory.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<ExplantDbContext>());
    }

    /// <summary>What the record holds, to compare before and after a refused write.</summary>
    private Task<string> Snapshot() => InDb(async db =>
    {
        var patients = await db.Patients.AsNoTracking().OrderBy(p => p.Mrn).ToListAsync();
        var constructs = await db.Constructs.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        var imaging = await db.ImagingStudies.AsNoTracking().CountAsync();
        return JsonSerializer.Serialize(new
        {
            patients = patients.Select(p => new { p.Mrn, p.FamilyName, p.BirthDate, p.WeightKg, p.Allergies, p.Revision }),
            constructs = constructs.Select(c => new { c.Id, c.Components.Count, c.Revision }),
            imaging,
        });
    });

    private static async Task<JsonElement> Errors(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("errors");
    }

    private static async Task AssertForbidden(HttpResponseMessage r, string what)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{what}: expected 403, got {(int)r.StatusCode}: {body}");
        Assert.Equal("role:patient-record", JsonDocument.Parse(body).RootElement.GetProperty("rule").GetString());
    }

    private static async Task AssertStatus(HttpStatusCode expected, HttpResponseMessage r, string what) =>
        Assert.True(r.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");

    private static object Imaging(string studyDate) => new { studyDate, modality = "XRay", fusion = new[] { new { levels = "L3-L5", status = "Solid" } } };

    private static object Construct(string implantedOn = "2020-01-10") => new
    {
        approach = "Posterior", manufacturer = "Acme", implantedOn, components = new[] { Screw("L3", "Left"), Screw("L5", "Left") },
    };

    // ---- roles × endpoints ------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Clinicians))]
    public async Task A_clinician_may_use_every_patient_write(string role)
    {
        var client = clients[role];
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "W-1");
        var detail = await Json(await surgeon.GetAsync($"/api/patients/{patient}"));
        var revision = detail.GetProperty("revision").GetInt64();

        await AssertStatus(HttpStatusCode.Created, await client.PostAsJsonAsync("/api/patients", PatientBody("W-2")), "POST /api/patients");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/patients/{patient}") { Content = JsonContent.Create(PatientBody("W-1", "1971-05-01")) };
        put.Headers.IfMatch.ParseAdd($"\"{revision}\"");
        await AssertStatus(HttpStatusCode.OK, await client.SendAsync(put), "PUT /api/patients/{id}");
        await AssertStatus(HttpStatusCode.Created, await client.PostAsJsonAsync($"/api/patients/{patient}/constructs", Construct()), "POST constructs");
        await AssertStatus(HttpStatusCode.OK, await client.PostAsJsonAsync($"/api/constructs/{construct}/components", Screw("L4", "Left")), "POST components");
        var study = await client.PostAsJsonAsync($"/api/patients/{patient}/imaging", Imaging(Day(0)));
        await AssertStatus(HttpStatusCode.Created, study, "POST imaging");
        // The reader recorded is the signed-in user, whatever the body says.
        Assert.Equal($"{role}@test.local", (await Json(study)).GetProperty("recordedBy").GetString());

        var after = await Json(await surgeon.GetAsync($"/api/patients/{patient}"));
        Assert.Equal("1971-05-01", after.GetProperty("birthDate").GetString());
        Assert.Equal(2, after.GetProperty("constructs").GetArrayLength());
        Assert.Equal(1, after.GetProperty("imaging").GetArrayLength());
        Assert.Equal(2, await InDb(db => db.Patients.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(ReadOnlyRoles))]
    public async Task Scheduler_and_admin_are_refused_every_patient_write_and_nothing_is_stored(string role)
    {
        var client = clients[role];
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "X-1");
        var before = await Snapshot();

        await AssertForbidden(await client.PostAsJsonAsync("/api/patients", PatientBody("X-2")), "POST /api/patients");
        await AssertForbidden(await client.PutAsJsonAsync($"/api/patients/{patient}", PatientBody("X-1", "1971-05-01")), "PUT /api/patients/{id}");
        await AssertForbidden(await client.PostAsJsonAsync($"/api/patients/{patient}/constructs", Construct()), "POST constructs");
        await AssertForbidden(await client.PostAsJsonAsync($"/api/constructs/{construct}/components", Screw("L4", "Left")), "POST components");
        await AssertForbidden(await client.PostAsJsonAsync($"/api/patients/{patient}/imaging", Imaging(Day(0))), "POST imaging");

        Assert.Equal(before, await Snapshot());
        // They still read the record (names and MRNs are needed to book).
        await AssertStatus(HttpStatusCode.OK, await client.GetAsync($"/api/patients/{patient}"), "GET patient");
        await AssertStatus(HttpStatusCode.OK, await client.GetAsync($"/api/constructs/{construct}"), "GET construct");
        await AssertStatus(HttpStatusCode.OK, await client.GetAsync("/api/patients?q=X-1"), "search");
    }

    // ---- input that cannot lie -------------------------------------------------------------------------

    [Theory]
    [InlineData("99")]
    [InlineData("\"99\"")]
    [InlineData("1")]
    [InlineData("\"1\"")]
    [InlineData("\"Robot\"")]
    public async Task Sex_is_accepted_by_name_only(string sex)
    {
        var json = $$"""{"facility":"MAIN","mrn":"E-1","familyName":"Doe","givenName":"Jane","birthDate":"1970-05-01","sex":{{sex}}}""";
        var errors = await Errors(await surgeon.PostAsync("/api/patients", new StringContent(json, Encoding.UTF8, "application/json")));
        Assert.Contains(errors.EnumerateObject(), e => e.Name.EndsWith("sex", StringComparison.Ordinal));
        Assert.Equal(0, await InDb(db => db.Patients.CountAsync()));
    }

    [Fact]
    public async Task A_family_name_over_the_limit_is_refused_by_name()
    {
        var body = new { facility = "MAIN", mrn = "L-1", familyName = new string('x', 500_000), givenName = "Jane", birthDate = "1970-05-01", sex = "Female" };
        var errors = await Errors(await surgeon.PostAsJsonAsync("/api/patients", body));
        Assert.Equal(["familyName"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("at most 128 characters", errors.GetProperty("familyName")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await InDb(db => db.Patients.CountAsync()));
    }

    [Fact]
    public async Task A_ten_megabyte_family_name_is_refused_before_it_is_read()
    {
        // The 1 MB request body limit answers first (413); the field limit above covers everything under it.
        var body = new { facility = "MAIN", mrn = "L-2", familyName = new string('x', 10 * 1024 * 1024), givenName = "Jane", birthDate = "1970-05-01", sex = "Female" };
        var response = await surgeon.PostAsJsonAsync("/api/patients", body);
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}");
        Assert.Equal(0, await InDb(db => db.Patients.CountAsync()));
    }

    [Fact]
    public async Task Every_bad_patient_field_is_named_against_the_hospitals_today()
    {
        var body = new
        {
            facility = "MAIN", mrn = new string('9', 33), familyName = "Doe", givenName = "Jane", birthDate = Day(1), sex = "Female", weightKg = 401, heightCm = 19,
            allergies = Enumerable.Range(0, 101).Select(i => $"a{i}").ToArray(),
            medications = new object[] { new { name = "apixaban", dose = "5 mg" }, new { dose = "1 g" } },
        };
        var errors = await Errors(await surgeon.PostAsJsonAsync("/api/patients", body));
        Assert.Equal(new[] { "allergies", "birthDate", "heightCm", "medications[1].name", "mrn", "weightKg" },
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, await InDb(db => db.Patients.CountAsync()));
        await AssertStatus(HttpStatusCode.Created, await surgeon.PostAsJsonAsync("/api/patients", PatientBody("D-0", Day(0))), "born today");
        await AssertStatus(HttpStatusCode.BadRequest, await surgeon.PostAsJsonAsync("/api/patients", PatientBody("D-1", "1899-12-31")), "born before 1900");
    }

    [Fact]
    public async Task A_refused_update_leaves_the_patient_unchanged()
    {
        var (patient, _, _) = await PatientWithConstructAsync(surgeon, "U-1");
        var before = await Snapshot();
        var errors = await Errors(await surgeon.PutAsJsonAsync($"/api/patients/{patient}", new
        {
            facility = "MAIN", mrn = "U-1", familyName = "Roe", givenName = "Jane", birthDate = "1970-05-01", sex = "Female", weightKg = 0.1,
        }));
        Assert.Equal(["weightKg"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Construct_dates_are_bounded_by_birth_and_today_and_component_sizes_must_be_plausible()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "C-1");
        var before = await Snapshot();
        Assert.True((await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/constructs", Construct(Day(1))))).TryGetProperty("implantedOn", out _));
        Assert.True((await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/constructs", Construct("1970-04-30")))).TryGetProperty("implantedOn", out _));
        var bad = await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/constructs", new
        {
            implantedOn = "2020-01-10",
            components = new object[] { Screw("L4", "Left"), new { kind = "PedicleScrew", level = "L4", side = "Left", diameterMm = 0, lengthMm = 701 }, new { level = "L5", side = "Left" } },
        }));
        Assert.Equal(new[] { "approach", "components[1].diameterMm", "components[1].lengthMm", "components[2].kind" },
            bad.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        var component = await Errors(await surgeon.PostAsJsonAsync($"/api/constructs/{construct}/components", new { kind = "Rod", span = "L3-L5", side = "Left", diameterMm = 60 }));
        Assert.Equal(["diameterMm"], component.EnumerateObject().Select(e => e.Name));
        var numericKind = await surgeon.PostAsync($"/api/constructs/{construct}/components",
            new StringContent("""{"kind": 0, "level": "L4", "side": "Left"}""", Encoding.UTF8, "application/json"));
        Assert.Contains((await Errors(numericKind)).EnumerateObject(), e => e.Name.EndsWith("kind", StringComparison.Ordinal));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Imaging_dates_are_bounded_by_birth_and_today_and_a_fusion_status_is_required()
    {
        var (patient, _, _) = await PatientWithConstructAsync(surgeon, "I-1");
        Assert.True((await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", Imaging(Day(1))))).TryGetProperty("studyDate", out _));
        Assert.True((await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", Imaging("1970-04-30")))).TryGetProperty("studyDate", out _));
        var noStatus = await Errors(await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = Day(0), modality = "CT", fusion = new[] { new { levels = "L3-L5" } } }));
        Assert.Equal(["fusion[0].status"], noStatus.EnumerateObject().Select(e => e.Name));
        Assert.Equal(0, await InDb(db => db.ImagingStudies.CountAsync()));
        await AssertStatus(HttpStatusCode.Created, await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", Imaging("1970-05-01")), "on the birth date");
    }

    // ---- the same rules through the HTML forms ------------------------------------------------------------

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>A browser-like client: cookie sign-in through the login form, no redirects followed.</summary>
    private async Task<HttpClient> FormClientAsync(string role)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var signedIn = await PostFormAsync(client, "/login", "/account/login", new() { ["email"] = $"{role}@test.local", ["password"] = ExplantFactory.Password, ["returnUrl"] = "/patients" });
        Assert.Equal("/patients", signedIn.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Renders <paramref name="page"/> for its antiforgery token, then posts the form as a browser would.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(page);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value);
        using var content = new FormUrlEncodedContent(fields);
        return await client.PostAsync(action, content);
    }

    private static Dictionary<string, string> PatientForm(string mrn, string sex = "Female") => new()
    {
        ["facility"] = "MAIN", ["mrn"] = mrn, ["familyName"] = "Form", ["givenName"] = "Fay", ["birthDate"] = "1966-02-03", ["sex"] = sex,
        ["weightKg"] = "61.5", ["allergies"] = "latex, penicillin", ["medications"] = "apixaban 5 mg bd\nmetformin",
    };

    private static string Refusal(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var location = Uri.UnescapeDataString(r.Headers.Location!.OriginalString);
        Assert.Contains("error=", location, StringComparison.Ordinal);
        return location;
    }

    [Fact]
    public async Task A_scheduler_is_refused_every_patient_form_and_nothing_is_stored()
    {
        var (patient, construct, body) = await PatientWithConstructAsync(surgeon, "F-1");
        var before = await Snapshot();
        var scheduler = await FormClientAsync(Roles.Scheduler);
        var page = $"/patients/{patient}";

        Assert.Contains("patient-record", Refusal(await PostFormAsync(scheduler, "/patients", "/forms/patients", PatientForm("F-2"))), StringComparison.Ordinal);
        Assert.Contains("patient-record", Refusal(await PostFormAsync(scheduler, page, $"/forms/patients/{patient}/constructs",
            new() { ["approach"] = "Posterior", ["manufacturer"] = "Acme" })), StringComparison.Ordinal);
        Assert.Contains("patient-record", Refusal(await PostFormAsync(scheduler, page, $"/forms/constructs/{construct}/components",
            new() { ["kind"] = "PedicleScrew", ["level"] = "L4", ["side"] = "Left", ["patientId"] = patient.ToString(), ["revision"] = body.GetProperty("revision").ToString() })), StringComparison.Ordinal);
        Assert.Contains("patient-record", Refusal(await PostFormAsync(scheduler, page, $"/forms/patients/{patient}/imaging",
            new() { ["studyDate"] = Day(0), ["modality"] = "XRay" })), StringComparison.Ordinal);

        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_nurse_registers_a_patient_by_form_with_the_same_parsing_and_rules_as_the_API()
    {
        var nurse = await FormClientAsync(Roles.Nurse);
        // Enum numbers, comma decimals and birth dates after the hospital's today are refused, each by name.
        Assert.Contains("Sex:", Refusal(await PostFormAsync(nurse, "/patients", "/forms/patients", PatientForm("N-1", sex: "99"))), StringComparison.Ordinal);
        Assert.Contains("Sex:", Refusal(await PostFormAsync(nurse, "/patients", "/forms/patients", PatientForm("N-1", sex: "1"))), StringComparison.Ordinal);
        var commaDecimal = PatientForm("N-1");
        commaDecimal["weightKg"] = "61,5";
        Assert.Contains("Weight (kg):", Refusal(await PostFormAsync(nurse, "/patients", "/forms/patients", commaDecimal)), StringComparison.Ordinal);
        var future = PatientForm("N-1");
        future["birthDate"] = Day(1);
        Assert.Contains("Date of birth:", Refusal(await PostFormAsync(nurse, "/patients", "/forms/patients", future)), StringComparison.Ordinal);
        Assert.Equal(0, await InDb(db => db.Patients.CountAsync()));

        var created = await PostFormAsync(nurse, "/patients", "/forms/patients", PatientForm("N-1"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.DoesNotContain("error=", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var stored = await InDb(db => db.Patients.AsNoTracking().SingleAsync());
        Assert.Equal((Core.Patients.Sex.Female, 61.5m), (stored.Sex, stored.WeightKg));
        Assert.Equal(["latex", "penicillin"], stored.Allergies);
        Assert.Equal([("apixaban", "5 mg bd"), ("metformin", (string?)null)], stored.Medications.Select(m => (m.Name, m.Dose)));
    }

    [Fact]
    public async Task A_malformed_revision_or_patient_id_in_the_component_form_is_a_refusal_not_a_server_error()
    {
        var (patient, construct, _) = await PatientWithConstructAsync(surgeon, "V-1");
        var before = await Snapshot();
        var nurse = await FormClientAsync(Roles.Nurse);
        var location = Refusal(await PostFormAsync(nurse, $"/patients/{patient}", $"/forms/constructs/{construct}/components",
            new() { ["kind"] = "PedicleScrew", ["level"] = "L4", ["side"] = "Left", ["patientId"] = patient.ToString(), ["revision"] = "abc" }));
        Assert.Contains("revision", location, StringComparison.Ordinal);
        Assert.StartsWith($"/patients/{patient}", location, StringComparison.Ordinal);
        var badPatient = Refusal(await PostFormAsync(nurse, $"/patients/{patient}", $"/forms/constructs/{construct}/components",
            new() { ["kind"] = "PedicleScrew", ["level"] = "L4", ["side"] = "Left", ["patientId"] = "//evil.example", ["revision"] = "zz" }));
        Assert.StartsWith("/patients?error=", badPatient, StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot());
    }
}

public sealed class PatientApiTests_Sqlite() : PatientApiTests(DatabaseProvider.Sqlite);

public sealed class PatientApiTests_Postgres() : PatientApiTests(DatabaseProvider.Postgres);
