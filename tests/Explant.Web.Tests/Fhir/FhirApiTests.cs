// The SDK annotates most POCO members nullable; the assertions below check presence explicitly where it matters.
#nullable disable
using System.Net;
using System.Text.Json;
using Explant.Web.Fhir;
using Explant.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// The FHIR R4 interface (issue #15) over HTTP on the demo data: the CapabilityStatement against the registry, read
/// with weak ETag and Last-Modified, search with paging, $everything, the OperationOutcome errors, Firely's FhirClient
/// as a real client, and every emitted resource against its core profile with the Firely validator.
/// </summary>
public abstract class FhirApiTests(FhirFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private ExplantFactory Factory => fixture.Factory;

    private async Task<HttpClient> Nurse() => await Factory.ClientForAsync("nurse@test.local");

    private async Task<FhirClient> Client() =>
        new("http://localhost/fhir", await Nurse(), new FhirClientSettings { PreferredFormat = ResourceFormat.Json });

    private static async Task<T> Read<T>(HttpResponseMessage response) where T : Resource
    {
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(), Json)!;
    }

    private static async Task<OperationOutcome> Outcome(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var outcome = await Read<OperationOutcome>(response);
        Assert.NotEmpty(outcome.Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, outcome.Issue[0].Severity);
        return outcome;
    }

    /// <summary>Every resource of a type, page by page through the next links.</summary>
    private static async Task<List<T>> All<T>(FhirClient client, params string[] criteria) where T : Resource, new()
    {
        var list = new List<T>();
        var page = await client.SearchAsync<T>(criteria, pageSize: FhirRegistry.MaxCount);
        while (page is not null)
        {
            list.AddRange(page.Entry.Select(e => e.Resource).OfType<T>());
            page = await client.ContinueAsync(page);
        }
        return list;
    }

    [Fact]
    public async Task Metadata_is_anonymous_and_declares_exactly_the_registry()
    {
        using var anonymous = Factory.CreateClient();
        var response = await anonymous.GetAsync("/fhir/metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cs = await Read<CapabilityStatement>(response);
        Assert.Equal(FHIRVersion.N4_0_1, cs.FhirVersion);
        var rest = Assert.Single(cs.Rest);
        Assert.Equal(CapabilityStatement.RestfulCapabilityMode.Server, rest.Mode);
        Assert.Equal(FhirRegistry.Types.Select(t => t.Name).Order(), rest.Resource.Select(r => r.Type).Order());
        foreach (var r in rest.Resource)
        {
            var type = FhirRegistry.Find(r.Type)!;
            if (!type.Search)
            {
                Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read], r.Interaction.Select(i => i.Code!.Value));
                Assert.Empty(r.SearchParam);
                continue;
            }
            Assert.Equal(type.SearchParams.Select(p => p.Name).Append("_id").Order(), r.SearchParam.Select(p => p.Name).Order());
            Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
                r.Interaction.Select(i => i.Code!.Value).Order());
        }
        Assert.Empty(FhirValidation.Errors(cs));
    }

    [Fact]
    public async Task Every_declared_search_parameter_is_answered_and_an_undeclared_one_is_refused()
    {
        using var anonymous = Factory.CreateClient();
        var cs = await Read<CapabilityStatement>(await anonymous.GetAsync("/fhir/metadata"));
        var nurse = await Nurse();
        foreach (var r in cs.Rest[0].Resource)
        {
            foreach (var p in r.SearchParam)
            {
                var value = p.Type switch
                {
                    SearchParamType.Date => "ge2000-01-01",
                    SearchParamType.Reference => "Patient/none",
                    _ => "x",
                };
                var response = await nurse.GetAsync($"/fhir/{r.Type}?{p.Name}={value}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{r.Type}?{p.Name}: {response.StatusCode}");
            }
            await Outcome(await nurse.GetAsync($"/fhir/{r.Type}?not-a-parameter=1"),
                r.Interaction.Any(i => i.Code == CapabilityStatement.TypeRestfulInteraction.SearchType) ? HttpStatusCode.BadRequest : HttpStatusCode.MethodNotAllowed);
        }
    }

    [Fact]
    public async Task Every_emitted_resource_is_valid_against_its_core_profile()
    {
        var client = await Client();
        var errors = new List<string>();
        foreach (var type in FhirRegistry.Types.Where(t => t.Search))
        {
            var resources = new List<Resource>();
            var page = await client.SearchAsync(type.Name, pageSize: FhirRegistry.MaxCount);
            while (page is not null)
            {
                resources.AddRange(page.Entry.Select(e => e.Resource));
                page = await client.ContinueAsync(page);
            }
            Assert.True(resources.Count > 0, $"the demo data yields no {type.Name}");
            // Every resource the demo data yields, cohort and demo pathway alike.
            errors.AddRange(resources.SelectMany(FhirValidation.Errors));
        }
        errors.AddRange(FhirValidation.Errors(await client.ReadAsync<Device>($"Device/{fixture.UdiComponentId}")));
        // Binary is read only: the signed consent PDFs, reached from a Consent's sourceAttachment.
        var consent = (await All<Consent>(client, "status=active"))[0];
        var binary = await client.ReadAsync<Binary>(((Attachment)consent.Source).Url);
        errors.AddRange(FhirValidation.Errors(binary));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_search_page_gives_each_patient_the_last_updated_of_its_own_read()
    {
        // The page loads the audit times of its own patients only (issue #17); a read loads them per type.
        var nurse = await Nurse();
        var bundle = await Read<Bundle>(await nurse.GetAsync("/fhir/Patient?_count=5&_offset=3"));
        var patients = bundle.Entry.Select(e => (Patient)e.Resource).ToList();
        Assert.Equal(5, patients.Count);
        foreach (var p in patients)
        {
            var read = await Read<Patient>(await nurse.GetAsync($"/fhir/Patient/{p.Id}"));
            Assert.NotNull(p.Meta.LastUpdated);
            Assert.Equal(read.Meta.LastUpdated, p.Meta.LastUpdated);
        }
    }

    [Fact]
    public async Task Read_answers_a_weak_etag_equal_to_the_version_and_last_modified()
    {
        var nurse = await Nurse();
        var response = await nurse.GetAsync($"/fhir/Patient/{fixture.UdiPatientId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patient = await Read<Patient>(response);
        Assert.Equal($"W/\"{patient.Meta.VersionId}\"", response.Headers.ETag!.ToString());
        Assert.True(response.Headers.ETag.IsWeak);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal(patient.Meta.LastUpdated!.Value.ToUnixTimeSeconds(), response.Content.Headers.LastModified!.Value.ToUnixTimeSeconds());
        var mrn = Assert.Single(patient.Identifier);
        Assert.Equal("MR", mrn.Type.Coding[0].Code);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/v2-0203", mrn.Type.Coding[0].System);
        Assert.Equal("DEMO", mrn.Assigner.Display);
    }

    [Fact]
    public async Task Errors_are_operation_outcomes_with_the_right_status()
    {
        var nurse = await Nurse();
        await Outcome(await nurse.GetAsync("/fhir/Patient/no-such-id"), HttpStatusCode.NotFound);
        await Outcome(await nurse.GetAsync("/fhir/Procedure/no-such-id"), HttpStatusCode.NotFound);
        await Outcome(await nurse.GetAsync("/fhir/Widget/1"), HttpStatusCode.NotFound);
        var bad = await Outcome(await nurse.GetAsync("/fhir/Patient?birthdate=notadate"), HttpStatusCode.BadRequest);
        Assert.Contains("birthdate", bad.Issue[0].Diagnostics, StringComparison.Ordinal);
        var unknown = await Outcome(await nurse.GetAsync("/fhir/Patient?colour=blue"), HttpStatusCode.BadRequest);
        Assert.Contains("colour", unknown.Issue[0].Diagnostics, StringComparison.Ordinal);
        await Outcome(await nurse.GetAsync("/fhir/Patient?_count=0"), HttpStatusCode.BadRequest);
        await Outcome(await nurse.GetAsync("/fhir/Patient?name:fuzzy=x"), HttpStatusCode.BadRequest);

        using var anonymous = Factory.CreateClient();
        await Outcome(await anonymous.GetAsync("/fhir/Patient"), HttpStatusCode.Unauthorized);
        await Outcome(await anonymous.GetAsync($"/fhir/Patient/{fixture.UdiPatientId}"), HttpStatusCode.Unauthorized);
        await Outcome(await anonymous.GetAsync($"/fhir/Patient/{fixture.UdiPatientId}/$everything"), HttpStatusCode.Unauthorized);

        // Signed in but in no role: refused like /api.
        const string email = "norole@test.local";
        await using (var scope = Factory.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Explant.Core.Auth.ExplantUser>>();
            if (await users.FindByEmailAsync(email) is null)
            {
                Assert.True((await users.CreateAsync(new Explant.Core.Auth.ExplantUser { UserName = email, Email = email }, ExplantFactory.Password)).Succeeded);
            }
        }
        using var noRole = Factory.CreateClient();
        var token = await noRole.PostAsync("/api/auth/token", JsonContent(new { email, password = ExplantFactory.Password }));
        token.EnsureSuccessStatusCode();
        var access = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
        noRole.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
        await Outcome(await noRole.GetAsync("/fhir/Patient"), HttpStatusCode.Forbidden);
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Patient_search_by_identifier_name_birthdate_and_id()
    {
        var client = await Client();
        var patient = await client.ReadAsync<Patient>($"Patient/{fixture.UdiPatientId}");
        var mrn = patient.Identifier[0];

        var byIdentifier = await All<Patient>(client, $"identifier={mrn.System}|{mrn.Value}");
        Assert.Equal(patient.Id, Assert.Single(byIdentifier).Id);
        Assert.Contains(await All<Patient>(client, $"identifier={mrn.Value}"), p => p.Id == patient.Id);
        Assert.Empty(await All<Patient>(client, $"identifier=urn:other|{mrn.Value}"));

        var family = patient.Name[0].Family;
        var byName = await All<Patient>(client, $"name={family[..3].ToLowerInvariant()}");
        Assert.Contains(byName, p => p.Id == patient.Id);
        Assert.All(byName, p => Assert.Contains(p.Name.SelectMany(n => n.Given.Prepend(n.Family)), n => n.StartsWith(family[..3], StringComparison.OrdinalIgnoreCase)));

        Assert.Contains(await All<Patient>(client, $"birthdate={patient.BirthDate}"), p => p.Id == patient.Id);
        Assert.DoesNotContain(await All<Patient>(client, $"birthdate=gt{patient.BirthDate}"), p => p.Id == patient.Id);
        var born = DateOnly.Parse(patient.BirthDate, System.Globalization.CultureInfo.InvariantCulture);
        var later = await All<Patient>(client, $"birthdate=ge{born:yyyy-MM-dd}");
        Assert.All(later, p => Assert.True(string.CompareOrdinal(p.BirthDate, patient.BirthDate) >= 0));
        Assert.Equal(patient.Id, Assert.Single(await All<Patient>(client, $"_id={patient.Id}")).Id);
    }

    [Fact]
    public async Task Device_carries_the_udi_and_searches_by_patient_udi_di_and_status()
    {
        var client = await Client();
        var device = await client.ReadAsync<Device>($"Device/{fixture.UdiComponentId}");
        var carrier = Assert.Single(device.UdiCarrier);
        Assert.Equal(FhirFixture.Gtin, carrier.DeviceIdentifier);
        Assert.Equal("http://hl7.org/fhir/NamingSystem/gs1-di", carrier.Issuer);
        Assert.Equal(FhirFixture.UdiText, carrier.CarrierHRF);
        Assert.Equal("LOT42A", device.LotNumber);
        Assert.Equal("SN0007", device.SerialNumber);
        Assert.Equal("2030-01-31", device.ExpirationDate);
        Assert.Equal($"Patient/{fixture.UdiPatientId}", device.Patient.Reference);
        Assert.Equal(Device.FHIRDeviceStatus.Active, device.Status);

        Assert.Equal(device.Id, Assert.Single(await All<Device>(client, $"udi-di={FhirFixture.Gtin}")).Id);
        var mine = await All<Device>(client, $"patient=Patient/{fixture.UdiPatientId}");
        Assert.Contains(mine, d => d.Id == device.Id);
        Assert.All(mine, d => Assert.Equal($"Patient/{fixture.UdiPatientId}", d.Patient.Reference));

        // Cohort cases are closed after a full reconciliation: their removed parts are inactive.
        var inactive = await All<Device>(client, "status=inactive");
        Assert.NotEmpty(inactive);
        Assert.All(inactive, d => Assert.Equal(Device.FHIRDeviceStatus.Inactive, d.Status));
        Assert.DoesNotContain(inactive, d => d.Id == device.Id);

        // A part left in the patient (retained, or a broken tip left behind) stays active, with the reconciliation note.
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<Explant.Core.Data.ExplantDbContext>();
        var left = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.IntraOpRecords))
            .SelectMany(r => r.Explants).Where(l => l.ComponentId is not null && l.Outcome is Explant.Core.Theatre.ExplantOutcome.FragmentRetained or Explant.Core.Theatre.ExplantOutcome.Retained)
            .ToList();
        Assert.NotEmpty(left);
        foreach (var line in left)
        {
            var part = await client.ReadAsync<Device>($"Device/{line.ComponentId}");
            Assert.Equal(Device.FHIRDeviceStatus.Active, part.Status);
            Assert.Contains(part.Note, n => n.Text.Contains(line.Outcome.ToString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Procedure_maps_the_case_and_searches_by_patient_code_status_and_date()
    {
        var client = await Client();
        var completed = await All<Procedure>(client, "status=completed", $"code=http://www.ama-assn.org/go/cpt|22852");
        Assert.NotEmpty(completed);
        var p = completed[0];
        Assert.Equal(EventStatus.Completed, p.Status);
        Assert.Contains(p.Code.Coding, c => c.System == "http://www.ama-assn.org/go/cpt" && c.Code == "22852");
        var period = Assert.IsType<Period>(p.Performed);
        Assert.NotNull(period.Start);
        Assert.NotNull(period.End);
        Assert.True(string.CompareOrdinal(period.Start, period.End) < 0 || DateTimeOffset.Parse(period.Start, System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.Parse(period.End, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(p.Performer);
        Assert.NotEmpty(p.FocalDevice);
        Assert.All(p.FocalDevice, f =>
        {
            Assert.Equal("129303008", f.Action.Coding.Single().Code);
            Assert.Equal("http://snomed.info/sct", f.Action.Coding.Single().System);
            Assert.StartsWith("Device/", f.Manipulated.Reference, StringComparison.Ordinal);
        });
        Assert.NotEmpty(p.ReasonReference);
        Assert.NotEmpty(p.BodySite);
        Assert.StartsWith("Explant reconciliation:", p.Outcome.Text, StringComparison.Ordinal);

        // The focal devices resolve, and the removed ones are inactive.
        var device = await client.ReadAsync<Device>(p.FocalDevice[0].Manipulated.Reference);
        Assert.Equal(Device.FHIRDeviceStatus.Inactive, device.Status);
        var reason = await client.ReadAsync<Condition>(p.ReasonReference[0].Reference);
        Assert.Equal(p.Subject.Reference, reason.Subject.Reference);

        var day = DateTimeOffset.Parse(period.Start, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(await All<Procedure>(client, $"date=ge{day}"), x => x.Id == p.Id);
        Assert.DoesNotContain(await All<Procedure>(client, $"date=lt{day}"), x => x.Id == p.Id);
        var forPatient = await All<Procedure>(client, $"patient={p.Subject.Reference}");
        Assert.Contains(forPatient, x => x.Id == p.Id);
        Assert.All(forPatient, x => Assert.Equal(p.Subject.Reference, x.Subject.Reference));
        Assert.Empty(await All<Procedure>(client, "code=http://www.ama-assn.org/go/cpt|99999"));
        // Demo pathway cases are still being prepared.
        Assert.NotEmpty(await All<Procedure>(client, "status=preparation"));
    }

    [Fact]
    public async Task Search_pages_with_count_and_next_links_until_the_total()
    {
        var client = await Client();
        var page = await client.SearchAsync<Patient>(pageSize: 7);
        Assert.NotNull(page);
        var total = page.Total!.Value;
        Assert.True(total > 14, "the cohort has more than two pages of patients");
        Assert.Equal(7, page.Entry.Count);
        Assert.NotNull(page.NextLink);
        var ids = new List<string>();
        var pages = 0;
        while (page is not null)
        {
            Assert.Equal(Bundle.BundleType.Searchset, page.Type);
            Assert.Equal(total, page.Total);
            ids.AddRange(page.Entry.Select(e => e.Resource.Id));
            pages++;
            page = await client.ContinueAsync(page);
        }
        Assert.Equal(total, ids.Count);
        Assert.Equal(total, ids.Distinct().Count());
        Assert.Equal((total + 6) / 7, pages);
    }

    [Fact]
    public async Task Everything_returns_the_patient_and_what_is_linked_to_them()
    {
        var client = await Client();
        var procedure = (await All<Procedure>(client, "status=completed"))[0];
        var patientId = procedure.Subject.Reference["Patient/".Length..];
        var bundle = await client.InstanceOperationAsync(new Uri($"Patient/{patientId}", UriKind.Relative), "everything", useGet: true);
        var everything = Assert.IsType<Bundle>(bundle);
        var resources = everything.Entry.Select(e => e.Resource).ToList();
        Assert.Equal(everything.Total, resources.Count);
        Assert.Equal(patientId, Assert.Single(resources.OfType<Patient>()).Id);
        Assert.Contains(resources.OfType<Procedure>(), p => p.Id == procedure.Id);
        Assert.NotEmpty(resources.OfType<Device>());
        Assert.NotEmpty(resources.OfType<Condition>());
        // Nothing of another patient.
        Assert.All(resources.OfType<Device>(), d => Assert.Equal($"Patient/{patientId}", d.Patient.Reference));
        Assert.All(resources.OfType<Condition>(), c => Assert.Equal($"Patient/{patientId}", c.Subject.Reference));
        // Every device the procedure names is in the bundle.
        var devices = resources.OfType<Device>().Select(d => $"Device/{d.Id}").ToHashSet();
        Assert.All(procedure.FocalDevice, f => Assert.Contains(f.Manipulated.Reference, devices));

        // Paged like a search: the next link carries the operation's own path.
        var firstPage = await client.ContinueAsync(new Bundle
        {
            Link = [new Bundle.LinkComponent { Relation = "next", Url = $"http://localhost/fhir/Patient/{patientId}/$everything?_count=2" }],
        });
        Assert.Equal(2, firstPage.Entry.Count);
        Assert.Equal(everything.Total, firstPage.Total);
        Assert.Equal($"http://localhost/fhir/Patient/{patientId}/$everything?_count=2&_offset=2", firstPage.NextLink.OriginalString);
        await Outcome(await (await Nurse()).GetAsync($"/fhir/Patient/{patientId}/$everything?name=x"), HttpStatusCode.BadRequest);

        var missing = await Assert.ThrowsAsync<FhirOperationException>(() =>
            client.InstanceOperationAsync(new Uri("Patient/no-such-id", UriKind.Relative), "everything", useGet: true));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }
}

[Collection(FhirFixture.Sqlite)]
public sealed class FhirApiTests_Sqlite(SqliteFhirFixture fixture) : FhirApiTests(fixture);

[Collection(FhirFixture.Postgres)]
public sealed class FhirApiTests_Postgres(PostgresFhirFixture fixture) : FhirApiTests(fixture);

/// <summary>The validator gate can fail: a resource breaking its core profile yields errors.</summary>
public sealed class FhirValidationTests
{
    [Fact]
    public void The_validator_reports_a_resource_that_breaks_its_core_profile()
    {
        // Observation.status and Observation.code are 1..1; gender "robot" is outside its required value set.
        Assert.NotEmpty(FhirValidation.Errors(new Observation { Id = "x" }));
        var patient = new Patient { Id = "y" };
        patient.GenderElement = new Code<AdministrativeGender>();
        patient.GenderElement.JsonValue = "robot";
        Assert.NotEmpty(FhirValidation.Errors(patient));
        Assert.Empty(FhirValidation.Errors(new Patient { Id = "z", Gender = AdministrativeGender.Female, BirthDate = "1970-01-01" }));
    }
}
