using Explant.Core.Data;
using Explant.Core.Implants;
using Explant.Core.Patients;
using Explant.Core.Validation;
using Explant.Web.Api;
using static Explant.Web.Forms.FormEndpoints;

namespace Explant.Web.Forms;

/// <summary>
/// Form posts of the patient pages: register a patient, record a construct, add a component, record imaging. Each reads
/// the fields into the same input record the JSON API binds (Core parses the text: enum names only, '.' decimals,
/// YYYY-MM-DD dates, medications one per line) and calls the same Core command, which holds the role check and the
/// validation; a refusal comes back to the page as ?error=….
/// </summary>
internal static class PatientForms
{
    public static void Map(RouteGroupBuilder forms)
    {
        forms.MapPost("/patients", RegisterPatient);
        forms.MapPost("/patients/{id:guid}/constructs", RecordConstruct);
        forms.MapPost("/constructs/{id:guid}/components", AddComponent);
        forms.MapPost("/patients/{id:guid}/imaging", RecordImaging);
    }

    private static FormFields Fields(IFormCollection f) => new(key => f[key].ToString());

    private static Task<IResult> RegisterPatient(IFormCollection f, ExplantDbContext db, HospitalTime clock, HttpContext http, CancellationToken ct) =>
        Run(http, f, "register", "/patients#register", async () =>
        {
            var p = await PatientHandlers.Register(db, PatientInput.FromForm(Fields(f)), http.User.ToCaseActor(), clock, ct);
            return $"/patients/{p.Id}";
        });

    private static Task<IResult> RecordConstruct(Guid id, IFormCollection f, ExplantDbContext db, HospitalTime clock, HttpContext http, CancellationToken ct) =>
        Run(http, f, "construct", $"/patients/{id}#constructs", async () =>
        {
            var c = await ConstructHandlers.Record(db, id, ConstructInput.FromForm(Fields(f)), http.User.ToCaseActor(), clock, ct);
            return $"/patients/{id}#construct-{c.Id}";
        });

    private static Task<IResult> AddComponent(Guid id, IFormCollection f, ExplantDbContext db, HospitalTime time, HttpContext http, CancellationToken ct)
    {
        var fields = Fields(f);
        // The page to go back to on a refusal; an id that does not parse is not echoed into the redirect.
        var back = Guid.TryParseExact(fields.Text("patientId"), "D", out var patientId) ? $"/patients/{patientId}#construct-{id}" : "/patients";
        return Run(http, f, $"component-{id}", back, async () =>
        {
            var (input, revision) = ConstructHandlers.ComponentFromForm(fields);
            var c = await ConstructHandlers.AddComponent(db, id, input, revision, http.User.ToCaseActor(), time, ct);
            return $"/patients/{c.PatientId}#construct-{c.Id}";
        });
    }

    private static Task<IResult> RecordImaging(Guid id, IFormCollection f, ExplantDbContext db, HospitalTime clock, HttpContext http, CancellationToken ct) =>
        Run(http, f, "imaging", $"/patients/{id}#imaging", async () =>
        {
            await ConstructHandlers.RecordImaging(db, id, ImagingInput.FromForm(Fields(f)), http.User.ToCaseActor(), clock, ct);
            return $"/patients/{id}#imaging";
        });
}
