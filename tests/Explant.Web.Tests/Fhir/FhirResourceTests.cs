// The SDK annotates most POCO members nullable; the assertions below check presence explicitly where it matters.
#nullable disable
using System.Net;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// The resource types beyond Patient/Device/Procedure, each checked against the domain records it maps from
/// (read through EF) so a wrong mapping fails: Consent + its PDF, Appointment, Encounter, Observation, the PROM
/// Questionnaire/QuestionnaireResponse, PlanDefinition, Location and Practitioner.
/// </summary>
public abstract class FhirResourceTests(FhirFixture fixture)
{
    private async Task<FhirClient> Client() =>
        new("http://localhost/fhir", await fixture.Factory.ClientForAsync("nurse@test.local"), new FhirClientSettings { PreferredFormat = ResourceFormat.Json });

    private static async Task<List<T>> All<T>(FhirClient client, params string[] criteria) where T : Resource, new()
    {
        var list = new List<T>();
        var page = await client.SearchAsync<T>(criteria, pageSize: 500);
        while (page is not null)
        {
            list.AddRange(page.Entry.Select(e => e.Resource).OfType<T>());
            page = await client.ContinueAsync(page);
        }
        return list;
    }

    [Fact]
    public async Task Consent_links_the_signed_pdf_and_searches_by_patient_status_and_date()
    {
        var client = await Client();
        var active = await All<Consent>(client, "status=active");
        Assert.NotEmpty(active);
        var consent = active[0];
        Assert.Equal("treatment", consent.Scope.Coding[0].Code);
        var source = Assert.IsType<Attachment>(consent.Source);
        Assert.Equal("application/pdf", source.ContentType);

        var nurse = await fixture.Factory.ClientForAsync("nurse@test.local");
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        request.Headers.Accept.ParseAdd("application/pdf");
        var pdf = await nurse.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType.MediaType);
        var text = PdfText.Extract(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("Consent to operation", text, StringComparison.Ordinal);
        Assert.Contains("Patient:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Patient: not signed", text, StringComparison.Ordinal);

        var binary = await client.ReadAsync<Binary>(source.Url);
        Assert.Equal("application/pdf", binary.ContentType);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(binary.Data, 0, 4));

        Assert.All(await All<Consent>(client, $"patient={consent.Patient.Reference}"), c => Assert.Equal(consent.Patient.Reference, c.Patient.Reference));
        Assert.Contains(await All<Consent>(client, $"date={consent.DateTime[..10]}"), c => c.Id == consent.Id);
        await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Binary>("Binary/consent-nothing"));
    }

    [Fact]
    public async Task Appointment_is_the_booking_with_patient_surgeon_and_room()
    {
        var client = await Client();
        await using var scope = fixture.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var day = await db.RoomDays.AsNoTracking().Where(d => d.Bookings.Count > 0).OrderByDescending(d => d.Date).FirstAsync();
        var booking = day.Bookings[0];
        var appointment = await client.ReadAsync<Appointment>($"Appointment/{booking.CaseId}");
        Assert.Equal(booking.DurationMinutes, appointment.MinutesDuration);
        var start = TestClock.At(day.Date, booking.Start);
        Assert.Equal(start, appointment.Start!.Value.ToUniversalTime());
        Assert.Equal(start.AddMinutes(booking.DurationMinutes), appointment.End!.Value.ToUniversalTime());
        var actors = appointment.Participant.Select(p => p.Actor.Reference).ToList();
        Assert.Contains($"Location/{day.RoomId}", actors);
        Assert.Contains(actors, a => a.StartsWith("Patient/", StringComparison.Ordinal));
        var location = await client.ReadAsync<Location>($"Location/{day.RoomId}");
        Assert.Equal(day.RoomId, location.Alias.Single());
        var surgeon = await client.ReadAsync<Practitioner>(actors.First(a => a.StartsWith("Practitioner/", StringComparison.Ordinal)));
        Assert.Equal(booking.Surgeon, surgeon.Identifier[0].Value);

        Assert.Contains(await All<Appointment>(client, $"date={day.Date:yyyy-MM-dd}"), a => a.Id == appointment.Id);
        Assert.DoesNotContain(await All<Appointment>(client, $"date=lt{day.Date:yyyy-MM-dd}"), a => a.Id == appointment.Id);
    }

    [Fact]
    public async Task Encounter_observations_and_prom_responses_match_the_recorded_outcomes()
    {
        var client = await Client();
        await using var scope = fixture.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var prom = await db.PromResponses.AsNoTracking().Where(p => p.BackPain != null && p.OdiScore != null).OrderBy(p => p.Id).FirstAsync();
        var c = await db.Cases.AsNoTracking().FirstAsync(x => x.Id == prom.CaseId);
        var recovery = await db.RecoveryRecords.AsNoTracking().FirstAsync(r => r.CaseId == c.Id);

        var encounter = await client.ReadAsync<Encounter>($"Encounter/{c.Id}");
        Assert.Equal(Encounter.EncounterStatus.Finished, encounter.Status);
        Assert.Equal(recovery.LengthOfStayDays, (int)encounter.Length.Value!.Value);
        Assert.Equal($"{recovery.DischargedOn:yyyy-MM-dd}", encounter.Period.End);
        Assert.Contains(await All<Encounter>(client, $"patient=Patient/{c.PatientId}", "status=finished"), e => e.Id == encounter.Id);

        var observations = await All<Observation>(client, $"patient=Patient/{c.PatientId}", "category=survey");
        var back = Assert.Single(observations, o => o.Id == $"{prom.Id}-nrs-back");
        Assert.Equal(prom.BackPain, ((Integer)back.Value).Value);
        var odi = Assert.Single(observations, o => o.Id == $"{prom.Id}-odi");
        Assert.Equal(prom.OdiScore, ((Quantity)odi.Value).Value);
        Assert.Equal("%", ((Quantity)odi.Value).Code);
        Assert.All(await All<Observation>(client, "code=urn:explant:prom|odi"), o => Assert.Equal("odi", o.Code.Coding[0].Code));
        var labs = await All<Observation>(client, $"patient=Patient/{c.PatientId}", "category=laboratory");
        Assert.Equal(c.Results.Count, labs.Count);

        var response = await client.ReadAsync<QuestionnaireResponse>($"QuestionnaireResponse/{prom.Id}");
        Assert.Equal(prom.BackPain, ((Integer)response.Item.Single(i => i.LinkId == "nrs-back").Answer[0].Value).Value);
        var answered = response.Item.Single(i => i.LinkId == "odi").Item;
        Assert.Equal(prom.Odi.Count(a => a is not null), answered.Count);
        Assert.Contains(await All<QuestionnaireResponse>(client, $"patient=Patient/{c.PatientId}", $"authored={prom.CollectedOn:yyyy-MM-dd}"), r => r.Id == response.Id);

        // The questionnaire names the ODI sections only: no licensed item wording (docs/clinical-rules.md §9).
        var questionnaire = await client.ReadAsync<Questionnaire>(response.Questionnaire);
        var sections = questionnaire.Item.Single(i => i.LinkId == "odi").Item;
        Assert.Equal(Odi.Sections(OdiVersion.V21a).Select(Odi.SectionName), sections.Select(i => i.Text));
    }

    [Fact]
    public async Task PlanDefinition_has_one_version_per_definition_with_its_steps()
    {
        var client = await Client();
        await using var scope = fixture.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var definitions = await db.ProcedureDefinitions.AsNoTracking().ToListAsync();
        var plans = await All<PlanDefinition>(client);
        Assert.Equal(definitions.Count, plans.Count);
        var d = definitions.First(x => x.Code == "22852");
        var plan = await client.ReadAsync<PlanDefinition>($"PlanDefinition/{d.Id}");
        var steps = d.Parse().Section(Explant.Core.Procedures.SectionHeadings.ProcedureDescription).AllLines.Select(l => l.Text).ToList();
        Assert.NotEmpty(steps);
        Assert.Equal(steps, plan.Action.Select(a => a.Title));
        Assert.Equal("22852", plan.Topic[0].Coding[0].Code);
        Assert.Contains(await All<PlanDefinition>(client, "topic=http://www.ama-assn.org/go/cpt|22852", "status=active"), p => p.Id == plan.Id);
    }
}

[Collection(FhirFixture.Sqlite)]
public sealed class FhirResourceTests_Sqlite(SqliteFhirFixture fixture) : FhirResourceTests(fixture);

[Collection(FhirFixture.Postgres)]
public sealed class FhirResourceTests_Postgres(PostgresFhirFixture fixture) : FhirResourceTests(fixture);
