// The SDK annotates most POCO members nullable; the assertions below check presence explicitly where it matters.
#nullable disable
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Exports;
using Explant.Core.Procedures;
using Explant.Web.Fhir;
using Explant.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// Issue #15, the writing half of FHIR: import of a transaction Bundle from an EHR (through the Core commands, all or
/// nothing, clinicians only) and the system-level bulk $export (kick-off, poll, manifest, NDJSON downloads, cancel,
/// admin only), driven with Firely's FhirClient and plain HTTP, every exported resource validated with the Firely validator.
/// </summary>
public abstract class FhirImportExportTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
    private readonly string exportDir = Path.Combine(Path.GetTempPath(), $"explant-export-{Guid.NewGuid():N}");
    private ExplantFactory factory = null!;

    public async Task InitializeAsync()
    {
        factory = await ExplantFactory.CreateAsync(provider, settings: new Dictionary<string, string> { ["Fhir:ExportDirectory"] = exportDir });
        await factory.AddUserAsync("surgeon@test.local", Roles.Surgeon);
        await factory.AddUserAsync("scheduler@test.local", Roles.Scheduler);
        await using var scope = factory.Scope();
        Assert.IsType<ImportProcedure.Result.Created>(await ImportProcedure.Handle(new(TestFiles.Seed, "22852.txt"),
            scope.ServiceProvider.GetRequiredService<ExplantDbContext>(), TimeProvider.System, "test"));
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        if (Directory.Exists(exportDir))
        {
            Directory.Delete(exportDir, recursive: true);
        }
    }

    private async Task<FhirClient> Client(string email) =>
        new("http://localhost/fhir", await factory.ClientForAsync(email), new FhirClientSettings { PreferredFormat = ResourceFormat.Json });

    private const string PatientUrl = "urn:uuid:5b0f8e1c-2d7a-4c1e-9a55-3f0c7d2b1a01";

    private static Bundle.EntryComponent Entry(Resource r, string fullUrl = null) => new()
    {
        FullUrl = fullUrl ?? $"urn:uuid:{Guid.NewGuid()}",
        Resource = r,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = r.TypeName },
    };

    private static Patient FhirPatient(string mrn, string family = "Ehr", string facility = "MAIN") => new()
    {
        Identifier =
        [
            new Identifier
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR"),
                Value = mrn,
                Assigner = facility is null ? null : new ResourceReference { Display = facility },
            },
        ],
        Name = [new HumanName { Family = family, Given = ["Ada", "May"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1961-04-12",
    };

    private static MedicationStatement Medication(string name, string dose, MedicationStatement.MedicationStatusCodes status = MedicationStatement.MedicationStatusCodes.Active) => new()
    {
        Status = status,
        Medication = new CodeableConcept { Text = name },
        Subject = new ResourceReference(PatientUrl),
        Dosage = [new Dosage { Text = dose }],
    };

    private static AllergyIntolerance Allergy(string substance, string clinical = "active") => new()
    {
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", clinical),
        Code = new CodeableConcept { Text = substance },
        Patient = new ResourceReference(PatientUrl),
    };

    private static Observation Lab(string kind, decimal? value, string unit, string day) => new()
    {
        Status = ObservationStatus.Final,
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
        Code = new CodeableConcept("urn:explant:lab", kind),
        Subject = new ResourceReference(PatientUrl),
        Effective = new FhirDateTime(day),
        Value = value is { } v ? new Quantity { Value = v, Unit = unit } : null,
    };

    private static Bundle Transaction(Patient patient, params Resource[] others) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [Entry(patient, PatientUrl), .. others.Select(r => Entry(r))],
    };

    private static string Day(int offset) => Scenario.Day(offset);

    /// <summary>Rows an import could touch: patients (and their revisions), results on cases, the audit log.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var patients = await db.Patients.AsNoTracking().OrderBy(p => p.Id).Select(p => p.Id + ":" + p.Revision).ToListAsync();
        var results = (await db.Cases.AsNoTracking().ToListAsync()).Sum(c => c.Results.Count);
        return $"{string.Join(",", patients)}|{results}|{await db.AuditEntries.CountAsync()}";
    }

    private async Task<(Guid Patient, int Case)> PatientWithOpenCaseAsync(string mrn)
    {
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var (patient, construct, _) = await Scenario.PatientWithConstructAsync(surgeon, mrn);
        var number = (await Scenario.OpenCaseAsync(surgeon, patient, construct)).GetProperty("number").GetInt32();
        return (patient, number);
    }

    [Fact]
    public async Task Transaction_round_trip_creates_then_updates_the_patient_their_lists_and_results()
    {
        var nurse = await Client("nurse@test.local");
        var first = await nurse.TransactionAsync(Transaction(FhirPatient("FH-1"),
            Medication("apixaban", "5 mg bd"), Medication("ibuprofen", "400 mg", MedicationStatement.MedicationStatusCodes.Stopped),
            Allergy("latex"), Allergy("shellfish", "resolved")));
        Assert.Equal(Bundle.BundleType.TransactionResponse, first.Type);
        Assert.Equal(5, first.Entry.Count);
        Assert.Equal("201 Created", first.Entry[0].Response.Status);
        Assert.StartsWith("Patient/", first.Entry[0].Response.Location, StringComparison.Ordinal);
        var id = Guid.Parse(first.Entry[0].Response.Location.Split('/')[1]);

        // Read back through FHIR …
        var read = await nurse.ReadAsync<Patient>($"Patient/{id}");
        Assert.Equal("FH-1", read.Identifier.Single().Value);
        Assert.Equal("MAIN", read.Identifier.Single().Assigner.Display);
        Assert.Equal("Ehr", read.Name.Single().Family);
        Assert.Equal("1961-04-12", read.BirthDate);
        // … and through /api: only what the patient is taking, only the allergies that are active.
        var api = await factory.ClientForAsync("nurse@test.local");
        var detail = await api.GetFromJsonAsync<JsonElement>($"/api/patients/{id}");
        Assert.Equal("Ada May", detail.GetProperty("givenName").GetString());
        Assert.Equal(["apixaban"], detail.GetProperty("medications").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal("5 mg bd", detail.GetProperty("medications")[0].GetProperty("dose").GetString());
        Assert.Equal(["latex"], detail.GetProperty("allergies").EnumerateArray().Select(a => a.GetString()));

        // The patient gets a case (construct and referral through the API), then the EHR sends an update with results.
        var surgeon = await factory.ClientForAsync("surgeon@test.local");
        var construct = await surgeon.PostAsJsonAsync($"/api/patients/{id}/constructs", new
        {
            approach = "Posterior", manufacturer = "Acme", systemName = "Spine 1", implantedOn = "2020-01-10",
            components = new object[]
            {
                Scenario.Screw("L3", "Left"), Scenario.Screw("L3", "Right"), Scenario.Screw("L4", "Left"), Scenario.Screw("L4", "Right"),
                Scenario.Screw("L5", "Left"), Scenario.Screw("L5", "Right"),
                new { kind = "Rod", span = "L3-L5", side = "Left", material = "Titanium" }, new { kind = "Rod", span = "L3-L5", side = "Right", material = "Titanium" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, construct.StatusCode);
        var number = (await Scenario.OpenCaseAsync(surgeon, id, (await Scenario.Json(construct)).GetProperty("id").GetGuid())).GetProperty("number").GetInt32();
        var update = Transaction(FhirPatient("FH-1", family: "Ehr-Smith"),
            Medication("apixaban", "2.5 mg bd"), Medication("atorvastatin", "20 mg"), Allergy("latex"),
            Lab("Creatinine", 0.9m, "mg/dL", Day(0)), Lab("Cbc", null, null, Day(-1)));
        var second = await nurse.TransactionAsync(update);
        Assert.Equal(["200 OK", "200 OK", "200 OK", "200 OK", "201 Created", "201 Created"], second.Entry.Select(e => e.Response.Status));
        Assert.StartsWith($"Patient/{id}/_history/", second.Entry[0].Response.Location, StringComparison.Ordinal);
        var creatinine = await nurse.ReadAsync<Observation>(second.Entry[4].Response.Location);
        Assert.Equal(0.9m, ((Quantity)creatinine.Value).Value);
        Assert.Equal($"Patient/{id}", creatinine.Subject.Reference);
        Assert.Equal(Day(0), creatinine.Effective.ToString());
        var labs = await nurse.SearchAsync<Observation>([$"patient=Patient/{id}", "category=laboratory"]);
        Assert.Equal(2, labs.Total);

        detail = await api.GetFromJsonAsync<JsonElement>($"/api/patients/{id}");
        Assert.Equal("Ehr-Smith", detail.GetProperty("familyName").GetString());
        Assert.Equal(["apixaban 2.5 mg bd", "atorvastatin 20 mg"], detail.GetProperty("medications").EnumerateArray()
            .Select(m => $"{m.GetProperty("name").GetString()} {m.GetProperty("dose").GetString()}"));
        Assert.Contains(detail.GetProperty("cases").EnumerateArray(), c => c.GetProperty("number").GetInt32() == number);

        // The same Bundle again: the results are already recorded, not doubled.
        var again = await nurse.TransactionAsync(update);
        Assert.Equal("200 OK", again.Entry[4].Response.Status);
        Assert.Equal(second.Entry[4].Response.Location, again.Entry[4].Response.Location);
        Assert.Equal(2, (await nurse.SearchAsync<Observation>([$"patient=Patient/{id}", "category=laboratory"])).Total);
    }

    [Fact]
    public async Task Concurrent_imports_for_one_patient_without_If_Match_all_land()
    {
        // Issue #16 §7 on the FHIR route: imports that race on the same patient and case are run again on the server,
        // so every one is answered 200 and every result is stored — none fails for a precondition it never set.
        var nurse = await Client("nurse@test.local");
        var (id, _) = await PatientWithOpenCaseAsync("FH-C");

        const int writers = 6;
        var clients = await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => factory.ClientForAsync("nurse@test.local")));
        var answers = await Task.WhenAll(clients.Select((c, i) => c.PostAsync("/fhir", new StringContent(
            FhirJson.Serialize(Transaction(FhirPatient("FH-C"), Lab("Creatinine", 0.80m + (i / 100m), "mg/dL", Day(0)))), Encoding.UTF8, FhirJson.MediaType))));
        foreach (var answer in answers)
        {
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        }
        var labs = await nurse.SearchAsync<Observation>([$"patient=Patient/{id}", "category=laboratory"]);
        Assert.Equal(writers, labs.Total);
    }

    [Fact]
    public async Task A_Bundle_breaking_a_core_profile_is_refused_naming_the_entry_and_element_and_leaves_no_trace()
    {
        var (patient, _) = await PatientWithOpenCaseAsync("FH-2");
        var nurse = await Client("nurse@test.local");
        var before = await FingerprintAsync();
        // Observation.status and .code are 1..1 in the core profile.
        var broken = new Observation { Subject = new ResourceReference(PatientUrl), Effective = new FhirDateTime(Day(0)) };
        var bundle = Transaction(FhirPatient("FH-2", family: "Changed"), Medication("warfarin", "5 mg"), broken);
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(bundle));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var issue = Assert.Single(refused.Outcome.Issue, i => i.Expression.Any(e => e.StartsWith("Bundle.entry[2].resource.status", StringComparison.Ordinal)));
        Assert.Contains(bundle.Entry[2].FullUrl, issue.Diagnostics, StringComparison.Ordinal);
        Assert.Contains(refused.Outcome.Issue, i => i.Expression.Any(e => e.StartsWith("Bundle.entry[2].resource.code", StringComparison.Ordinal)));
        Assert.Equal(before, await FingerprintAsync());
        var api = await factory.ClientForAsync("nurse@test.local");
        Assert.Equal("Doe", (await api.GetFromJsonAsync<JsonElement>($"/api/patients/{patient}")).GetProperty("familyName").GetString());

        // Not a transaction, not JSON FHIR, no MRN: refused before anything is looked up.
        var batch = Transaction(FhirPatient("FH-2"));
        batch.Type = Bundle.BundleType.Batch;
        Assert.Equal(HttpStatusCode.BadRequest, (await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(batch))).Status);
        var noMrn = Transaction(new Patient { Name = [new HumanName { Family = "X", Given = ["Y"] }], Gender = AdministrativeGender.Male, BirthDate = "1970-01-01" });
        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(noMrn));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.Status);
        Assert.Contains(missing.Outcome.Issue, i => i.Expression.Contains("Bundle.entry[0].resource.identifier"));
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task An_implausible_value_rolls_back_the_writes_already_made_and_names_the_entry()
    {
        var (patient, number) = await PatientWithOpenCaseAsync("FH-3");
        var nurse = await Client("nurse@test.local");
        var before = await FingerprintAsync();
        // The patient update (entry 0) and the first result (entry 2) pass their commands; the creatinine (entry 3) does not.
        var bundle = Transaction(FhirPatient("FH-3", family: "Rolled-Back"), Medication("clopidogrel", "75 mg"),
            Lab("PtInr", 1.1m, null, Day(0)), Lab("Creatinine", 1_000_000m, "mg/dL", Day(0)));
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(bundle));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var issue = Assert.Single(refused.Outcome.Issue);
        Assert.Equal(["Bundle.entry[3].resource.value"], issue.Expression);
        Assert.Contains(bundle.Entry[3].FullUrl, issue.Diagnostics, StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
        var api = await factory.ClientForAsync("nurse@test.local");
        var detail = await api.GetFromJsonAsync<JsonElement>($"/api/patients/{patient}");
        Assert.Equal("Doe", detail.GetProperty("familyName").GetString());
        Assert.DoesNotContain(detail.GetProperty("medications").EnumerateArray(), m => m.GetProperty("name").GetString() == "clopidogrel");
        Assert.Equal(0, (await nurse.SearchAsync<Observation>([$"patient=Patient/{patient}"])).Total);

        // Results need a case whose pre-operative record is open: a new patient has none.
        var orphan = await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(Transaction(FhirPatient("FH-3-NEW"), Lab("Crp", 3m, "mg/L", Day(0)))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, orphan.Status);
        Assert.Contains(orphan.Outcome.Issue, i => i.Code == OperationOutcome.IssueType.BusinessRule && i.Expression.Contains("Bundle.entry[1].resource"));
        Assert.Equal(before, await FingerprintAsync());

        // A preliminary result never stands in for a final one (readiness would count it).
        var preliminary = Lab("Crp", 3m, "mg/L", Day(0));
        preliminary.Status = ObservationStatus.Preliminary;
        var early = await Assert.ThrowsAsync<FhirOperationException>(() => nurse.TransactionAsync(Transaction(FhirPatient("FH-3"), preliminary)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.Status);
        Assert.Contains(early.Outcome.Issue, i => i.Expression.Contains("Bundle.entry[1].resource.status"));
        Assert.Equal(before, await FingerprintAsync());
        Assert.True(number > 0);
    }

    [Fact]
    public async Task Import_is_for_clinicians_only()
    {
        var before = await FingerprintAsync();
        foreach (var email in new[] { "scheduler@test.local", "admin@test.local" })
        {
            var client = await Client(email);
            var refused = await Assert.ThrowsAsync<FhirOperationException>(() => client.TransactionAsync(Transaction(FhirPatient("FH-4"), Allergy("latex"))));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal(OperationOutcome.IssueType.Forbidden, refused.Outcome.Issue.Single().Code);
        }
        using var anonymous = factory.CreateClient();
        var response = await anonymous.PostAsync("/fhir", new StringContent(FhirJson.Serialize(Transaction(FhirPatient("FH-4"))), Encoding.UTF8, FhirJson.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await FingerprintAsync());
        // A clinician may (the same Bundle).
        var surgeon = await Client("surgeon@test.local");
        Assert.Equal("201 Created", (await surgeon.TransactionAsync(Transaction(FhirPatient("FH-4"), Allergy("latex")))).Entry[0].Response.Status);
    }

    private static HttpRequestMessage KickOff(string query = "", bool prefer = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export" + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson.MediaType));
        if (prefer)
        {
            request.Headers.Add("Prefer", "respond-async");
        }
        return request;
    }

    /// <summary>Polls the status URL until the manifest (200); every 202 on the way carries X-Progress.</summary>
    private static async Task<JsonElement> PollAsync(HttpClient admin, string statusUrl)
    {
        for (var i = 0; i < 600; i++)
        {
            using var poll = await admin.GetAsync(statusUrl);
            if (poll.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", poll.Content.Headers.ContentType!.MediaType);
                return await poll.Content.ReadFromJsonAsync<JsonElement>();
            }
            Assert.Equal(HttpStatusCode.Accepted, poll.StatusCode);
            Assert.True(poll.Headers.Contains("X-Progress"));
            await Task.Delay(100);
        }
        throw new TimeoutException("the export did not finish in 60 s");
    }

    [Fact]
    public async Task A_complete_export_kick_off_poll_manifest_and_every_file_valid_NDJSON()
    {
        var (patient, _) = await PatientWithOpenCaseAsync("FH-5");
        var admin = await factory.ClientForAsync("admin@test.local");

        var noPrefer = await admin.SendAsync(KickOff(prefer: false));
        Assert.Equal(HttpStatusCode.BadRequest, noPrefer.StatusCode);
        Assert.Equal(FhirJson.MediaType, noPrefer.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(KickOff("?_type=Binary"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(KickOff("?_since=yesterday"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(KickOff("?_typeFilter=Patient%3Fname%3Dx"))).StatusCode);

        var kick = await admin.SendAsync(KickOff());
        Assert.Equal(HttpStatusCode.Accepted, kick.StatusCode);
        var statusUrl = kick.Content.Headers.ContentLocation?.ToString() ?? kick.Headers.GetValues("Content-Location").Single();
        Assert.StartsWith("http://localhost/fhir/$export-status/", statusUrl, StringComparison.Ordinal);
        var manifest = await PollAsync(admin, statusUrl);
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), out _));
        Assert.Equal("http://localhost/fhir/$export", manifest.GetProperty("request").GetString());
        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
        Assert.Contains(outputs, o => o.GetProperty("type").GetString() == "Patient");
        Assert.Contains(outputs, o => o.GetProperty("type").GetString() == "Device");
        Assert.Contains(outputs, o => o.GetProperty("type").GetString() == "Procedure");

        using var anonymous = factory.CreateClient();
        var nurse = await factory.ClientForAsync("nurse@test.local");
        var errors = new List<string>();
        var total = 0;
        foreach (var o in outputs)
        {
            var type = o.GetProperty("type").GetString();
            var url = o.GetProperty("url").GetString();
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await nurse.GetAsync(url)).StatusCode);
            using var file = await admin.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(BulkExport.NdJson, file.Content.Headers.ContentType!.MediaType);
            var lines = (await file.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(o.GetProperty("count").GetInt32(), lines.Length);
            foreach (var line in lines)
            {
                var resource = JsonSerializer.Deserialize<Resource>(line, Json);
                Assert.Equal(type, resource.TypeName);
                errors.AddRange(FhirValidation.Errors(resource));
                total++;
            }
            if (type == "Patient")
            {
                Assert.Contains(lines, l => l.Contains($"\"id\":\"{patient}\"", StringComparison.Ordinal));
            }
        }
        Assert.True(total > 5, $"only {total} resources exported");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));

        // _type narrows the files; _since after every change leaves out what has a known change time.
        kick = await admin.SendAsync(KickOff("?_type=Patient,Procedure"));
        manifest = await PollAsync(admin, kick.Content.Headers.ContentLocation?.ToString() ?? kick.Headers.GetValues("Content-Location").Single());
        Assert.Equal(["Patient", "Procedure"], manifest.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("type").GetString()).Order());
        var future = Uri.EscapeDataString(factory.Clock.GetUtcNow().AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        kick = await admin.SendAsync(KickOff($"?_type=Patient&_since={future}"));
        manifest = await PollAsync(admin, kick.Content.Headers.ContentLocation?.ToString() ?? kick.Headers.GetValues("Content-Location").Single());
        Assert.Empty(manifest.GetProperty("output").EnumerateArray());
    }

    [Fact]
    public async Task Delete_on_the_status_url_cancels_the_export_and_removes_its_files()
    {
        await PatientWithOpenCaseAsync("FH-6");
        var admin = await factory.ClientForAsync("admin@test.local");
        var kick = await admin.SendAsync(KickOff());
        Assert.Equal(HttpStatusCode.Accepted, kick.StatusCode);
        var statusUrl = kick.Content.Headers.ContentLocation?.ToString() ?? kick.Headers.GetValues("Content-Location").Single();
        var id = Guid.Parse(statusUrl.Split('/')[^1]);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(statusUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(statusUrl)).StatusCode);
        // Whether the worker had started or not, it leaves no files behind once it sees the cancellation.
        var folder = Path.Combine(exportDir, id.ToString("N"));
        for (var i = 0; i < 100 && Directory.Exists(folder); i++)
        {
            await Task.Delay(100);
        }
        Assert.False(Directory.Exists(folder));
        await using var scope = factory.Scope();
        Assert.Equal(BulkExportStatus.Cancelled, (await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().BulkExportJobs.SingleAsync(j => j.Id == id)).Status);
    }

    [Fact]
    public async Task Export_is_for_administrators_only()
    {
        var admin = await factory.ClientForAsync("admin@test.local");
        var kick = await admin.SendAsync(KickOff());
        var statusUrl = kick.Content.Headers.ContentLocation?.ToString() ?? kick.Headers.GetValues("Content-Location").Single();
        foreach (var email in new[] { "nurse@test.local", "surgeon@test.local", "scheduler@test.local" })
        {
            var client = await factory.ClientForAsync(email);
            var refused = await client.SendAsync(KickOff());
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(FhirJson.MediaType, refused.Content.Headers.ContentType!.MediaType);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(statusUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync(statusUrl)).StatusCode);
        }
        await using var scope = factory.Scope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExplantDbContext>().BulkExportJobs.CountAsync());
        await PollAsync(admin, statusUrl);
    }
}

public sealed class FhirImportExportTests_Sqlite() : FhirImportExportTests(DatabaseProvider.Sqlite);

public sealed class FhirImportExportTests_Postgres() : FhirImportExportTests(DatabaseProvider.Postgres);
