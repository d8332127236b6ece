using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>Builds patients, constructs and cases through the real API (shared by the API and browser tests).</summary>
internal static class Scenario
{
    public static readonly string[] AllAlternatives = ["conservative-care", "revision-surgery", "observation"];

    public static object PatientBody(string mrn, string? birthDate = "1970-05-01", object[]? medications = null) => new
    {
        facility = "MAIN", mrn, familyName = "Doe", givenName = "Jane", birthDate, sex = "Female", weightKg = 70, heightCm = 165,
        allergies = new[] { "latex" }, medications = medications ?? [new { name = "apixaban", dose = "5 mg bd" }],
    };

    public static object Screw(string level, string side) => new { kind = "PedicleScrew", level, side, diameterMm = 6.5, lengthMm = 45, material = "Titanium" };

    public static async Task<JsonElement> Json(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<(Guid Patient, Guid Construct, JsonElement ConstructBody)> PatientWithConstructAsync(HttpClient client, string mrn, object[]? medications = null)
    {
        var p = await client.PostAsJsonAsync("/api/patients", PatientBody(mrn, medications: medications));
        Assert.Equal(HttpStatusCode.Created, p.StatusCode);
        var patientId = (await Json(p)).GetProperty("id").GetGuid();
        var c = await client.PostAsJsonAsync($"/api/patients/{patientId}/constructs", new
        {
            approach = "Posterior", manufacturer = "Acme", systemName = "Spine 1", implantedOn = "2020-01-10",
            components = new object[]
            {
                Screw("L3", "Left"), Screw("L3", "Right"), Screw("L4", "Left"), Screw("L4", "Right"), Screw("L5", "Left"), Screw("L5", "Right"),
                new { kind = "Rod", span = "L3-L5", side = "Left", material = "Titanium" }, new { kind = "Rod", span = "L3-L5", side = "Right", material = "Titanium" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, c.StatusCode);
        var body = await Json(c);
        return (patientId, body.GetProperty("id").GetGuid(), body);
    }

    public static async Task<JsonElement> OpenCaseAsync(HttpClient surgeon, Guid patient, Guid construct)
    {
        var response = await surgeon.PostAsJsonAsync("/api/cases", new { patientId = patient, constructId = construct, procedureCode = "22852" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json(response);
    }

    /// <summary>The app's today at the start of every test (the factory's fake clock, in the hospital's zone).</summary>
    public static DateOnly Today => TestClock.StartDate;

    public static string Day(int offset) => Today.AddDays(offset).ToString("yyyy-MM-dd");

    /// <summary>Everything a consented case needs to become Ready, surgery in 10 days (patient on apixaban).</summary>
    public static async Task CompleteWorkUpAsync(HttpClient surgeon, HttpClient nurse, HttpClient anesthesiologist, int number, Guid patient, int inDays = 10)
    {
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PutAsJsonAsync($"/api/cases/{number}/planned-surgery", new { local = Day(inDays) + "T08:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await surgeon.PostAsJsonAsync($"/api/patients/{patient}/imaging", new { studyDate = Day(0), modality = "XRay" })).StatusCode);
        foreach (var (kind, value, unit) in new (string, decimal?, string?)[] { ("Cbc", null, null), ("Creatinine", 0.9m, "mg/dL"), ("PtInr", 1.0m, null) })
        {
            Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/results", new { kind, value, unit, takenOn = Day(0) })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PutAsJsonAsync($"/api/cases/{number}/history-physical", new { on = Day(0) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anesthesiologist.PutAsJsonAsync($"/api/cases/{number}/asa", new { asaClass = "II" })).StatusCode);
    }

    /// <summary>Indication, assessment, decision, consent signed by patient (nurse witness) and surgeon.</summary>
    public static async Task<JsonElement> WalkToConsentedAsync(HttpClient surgeon, HttpClient nurse, int number)
    {
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsJsonAsync($"/api/cases/{number}/indications", new { key = "pain", icdCode = "T84.84XA" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await surgeon.PostAsync($"/api/cases/{number}/transitions/Assess", null)).StatusCode);
        var decided = await surgeon.PostAsJsonAsync($"/api/cases/{number}/decision", new { alternativesDiscussed = AllAlternatives, choice = "removal" });
        Assert.Equal("Decided", (await Json(decided)).GetProperty("state").GetString());
        var consent = await surgeon.PostAsync($"/api/cases/{number}/consents", null);
        Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        var version = (await Json(consent)).GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await nurse.PostAsJsonAsync($"/api/cases/{number}/consents/{version}/patient-signature", new { signature = "Jane Doe" })).StatusCode);
        return await Json(await surgeon.PostAsync($"/api/cases/{number}/consents/{version}/surgeon-signature", null));
    }
}
