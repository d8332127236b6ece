using System.Globalization;
using System.Text.Json;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Patients;
using Explant.Web.Api;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FhirPatient = Hl7.Fhir.Model.Patient;

namespace Explant.Web.Fhir;

/// <summary>
/// Import from an EHR (issue #15): <c>POST /fhir</c> with a transaction Bundle of one Patient and their
/// MedicationStatements, AllergyIntolerances and laboratory Observations. Every entry is validated against its core
/// profile, then translated into the same Core commands the API and the forms use (register or update the patient,
/// record a result), all inside one database transaction: the Bundle is stored whole or not at all.
/// </summary>
internal static class FhirImport
{
    private static readonly string[] Accepted = ["Patient", "MedicationStatement", "AllergyIntolerance", "Observation"];

    /// <summary>A problem with one entry: becomes one OperationOutcome issue naming the entry and the element.</summary>
    private sealed record Problem(int Entry, string? FullUrl, string Element, string Message, OperationOutcome.IssueType Code = OperationOutcome.IssueType.Invalid);

    /// <summary>A refused Bundle: 400 when it cannot be read as a transaction, 422 when an entry breaks a profile or a rule.</summary>
    private sealed class Refused(int status, IReadOnlyList<Problem> problems) : Exception("the Bundle was refused")
    {
        public int Status { get; } = status;
        public IReadOnlyList<Problem> Problems { get; } = problems;
    }

    private sealed record Result(string Status, string? Location = null, string? Note = null);

    public static async Task<IResult> Handle(HttpContext http, ExplantDbContext db, HospitalTime time, IOptions<FhirOptions> options, CancellationToken ct)
    {
        var actor = http.User.ToCaseActor();
        // Role first (a refused role learns nothing about the body): the patient record's writers, the clinicians.
        PatientRecord.RequireWriter(actor);
        try
        {
            var bundle = await ReadBundle(http.Request, ct);
            var entries = bundle.Entry;
            ProfileCheck(entries);
            var plan = await Plan(entries, db, time, options.Value, ct);
            var results = await Execute(plan, db, actor, time, ct);
            var response = new Bundle
            {
                Type = Bundle.BundleType.TransactionResponse,
                Meta = new Meta { LastUpdated = time.Clock.GetUtcNow() },
                Entry = [.. results.Select(r => new Bundle.EntryComponent
                {
                    Response = new Bundle.ResponseComponent
                    {
                        Status = r.Status,
                        Location = r.Location,
                        Outcome = r.Note is null ? null : new OperationOutcome
                        {
                            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = r.Note }],
                        },
                    },
                })],
            };
            return FhirJson.Result(response);
        }
        catch (Refused refused)
        {
            return FhirJson.Result(new OperationOutcome
            {
                Issue = [.. refused.Problems.Select(p => new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = p.Code,
                    Diagnostics = $"entry[{p.Entry}]{(p.FullUrl is null ? "" : $" ({p.FullUrl})")}: {p.Message}",
                    Expression = [p.Entry < 0 ? p.Element : $"Bundle.entry[{p.Entry}]{(p.Element.Length == 0 ? "" : "." + p.Element)}"],
                })],
            }, refused.Status);
        }
    }

    private static Refused Bad(string element, string message) => new(StatusCodes.Status400BadRequest, [new Problem(-1, null, element, message)]);

    private static async Task<Bundle> ReadBundle(HttpRequest request, CancellationToken ct)
    {
        var media = request.ContentType is { } ct0 ? Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(ct0).MediaType.Value : null;
        if (media is not (FhirJson.MediaType or "application/json"))
        {
            throw new FhirException(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "send the Bundle as application/fhir+json");
        }
        Resource? resource;
        try
        {
            resource = await JsonSerializer.DeserializeAsync<Resource>(request.Body, FhirJson.ReadOptions, ct);
        }
        catch (DeserializationFailedException e)
        {
            // The SDK collects every problem with its JSON path: all of them go back at once.
            // (each message names the element path, line and position).
            throw new Refused(StatusCodes.Status400BadRequest, [.. e.Exceptions.Select(x => new Problem(-1, null, "Bundle", x.Message))]);
        }
        catch (JsonException e)
        {
            throw Bad(e.Path ?? "Bundle", e.Message);
        }
        if (resource is not Bundle bundle)
        {
            throw Bad(resource?.TypeName ?? "Bundle", $"expected a Bundle, got {resource?.TypeName ?? "nothing"}");
        }
        if (bundle.Type != Bundle.BundleType.Transaction)
        {
            throw Bad("Bundle.type", $"expected 'transaction', got '{bundle.TypeElement?.JsonValue ?? "nothing"}' (a batch is not all-or-nothing and is not accepted here)");
        }
        if (bundle.Entry.Count == 0)
        {
            throw Bad("Bundle.entry", "the Bundle has no entries");
        }
        return bundle;
    }

    /// <summary>Each entry: an accepted type, a create or update, and valid against its core profile (Firely validator).</summary>
    private static void ProfileCheck(List<Bundle.EntryComponent> entries)
    {
        var problems = new List<Problem>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Resource is not { } r)
            {
                problems.Add(new(i, e.FullUrl, "resource", "the entry has no resource"));
                continue;
            }
            if (!Accepted.Contains(r.TypeName))
            {
                problems.Add(new(i, e.FullUrl, "resource", $"{r.TypeName} is not imported (accepted: {string.Join(", ", Accepted)})", OperationOutcome.IssueType.NotSupported));
                continue;
            }
            if (e.Request?.Method is not (Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT))
            {
                problems.Add(new(i, e.FullUrl, "request.method", "each entry is a create (POST) or an update (PUT)"));
            }
            foreach (var issue in FhirProfiles.Errors(r))
            {
                var at = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault() ?? r.TypeName;
                // "Patient.gender" → "resource.gender": the element inside this entry.
                var element = at.StartsWith(r.TypeName, StringComparison.Ordinal) ? "resource" + at[r.TypeName.Length..] : "resource." + at;
                // A missing element is reported at its parent: name the element itself.
                if (System.Text.RegularExpressions.Regex.Match(issue.Details?.Text ?? issue.Diagnostics ?? "", @"required member: '(\w+)'") is { Success: true } missing)
                {
                    element += "." + missing.Groups[1].Value;
                }
                problems.Add(new(i, e.FullUrl, element, $"{r.TypeName} core profile: {issue.Details?.Text ?? issue.Diagnostics}"));
            }
        }
        if (entries.Count(e => e.Resource is FhirPatient) != 1)
        {
            problems.Add(new(-1, null, "Bundle.entry", "exactly one Patient entry is required: the patient the other entries belong to"));
        }
        if (problems.Count > 0)
        {
            throw new Refused(StatusCodes.Status422UnprocessableEntity, problems);
        }
    }

    private sealed record LabPlan(int Entry, string? FullUrl, CaseHandlers.ResultInput Input);

    /// <summary>What the Bundle means in Explant's terms: the patient's details, the lists, the results and the case they go to.</summary>
    private sealed record ImportPlan(List<Bundle.EntryComponent> Entries, int PatientEntry, Core.Patients.Patient? Existing, PatientInput Input,
        List<int> MedicationEntries, List<int> AllergyEntries, List<LabPlan> Labs, SurgicalCase? Case);

    private static async Task<ImportPlan> Plan(List<Bundle.EntryComponent> entries, ExplantDbContext db, HospitalTime time, FhirOptions options, CancellationToken ct)
    {
        var problems = new List<Problem>();
        var pi = entries.FindIndex(e => e.Resource is FhirPatient);
        var pe = entries[pi];
        var patient = (FhirPatient)pe.Resource!;
        void Add(int i, string element, string message) => problems.Add(new(i, entries[i].FullUrl, element, message));

        // The MRN: the identifier typed MR (HL7 v2 table 0203); the facility is its assigner, else the configured default.
        var mrIndex = patient.Identifier.FindIndex(id => id.Type?.Coding.Any(c => c.System == FhirRefs.V2IdentifierType && c.Code == "MR") == true);
        string? mrn = null, facility = null;
        if (mrIndex < 0)
        {
            Add(pi, "resource.identifier", "an identifier with type MR (http://terminology.hl7.org/CodeSystem/v2-0203) is required: the MRN the patient is matched by");
        }
        else
        {
            var id = patient.Identifier[mrIndex];
            mrn = id.Value;
            facility = !string.IsNullOrWhiteSpace(id.Assigner?.Display) ? id.Assigner.Display : options.DefaultFacility;
            if (string.IsNullOrWhiteSpace(facility))
            {
                Add(pi, $"resource.identifier[{mrIndex}].assigner.display", "the facility that assigned the MRN is required (no Fhir:DefaultFacility is configured)");
            }
        }
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        DateOnly? birth = null;
        if (patient.BirthDate is { } b)
        {
            if (DateOnly.TryParseExact(b, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                birth = d;
            }
            else
            {
                Add(pi, "resource.birthDate", $"'{b}' is not a full date (YYYY-MM-DD): Explant needs the day of birth");
            }
        }
        Sex? sex = patient.Gender switch
        {
            AdministrativeGender.Female => Sex.Female,
            AdministrativeGender.Male => Sex.Male,
            AdministrativeGender.Other => Sex.Other,
            AdministrativeGender.Unknown => Sex.Unknown,
            _ => null,
        };

        Core.Patients.Patient? existing = null;
        if (mrn is not null && facility is not null)
        {
            existing = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Facility == facility && p.Mrn == mrn, ct);
        }
        // The other entries point at this patient: the entry's fullUrl, its id, or the stored patient's id.
        var self = new HashSet<string>(StringComparer.Ordinal);
        if (pe.FullUrl is { } fu) { self.Add(fu); }
        if (patient.Id is { } pid) { self.Add($"Patient/{pid}"); }
        if (existing is not null) { self.Add($"Patient/{existing.Id}"); }
        void Subject(int i, string element, ResourceReference? r)
        {
            if (r?.Reference is not { } reference || !(self.Contains(reference) || self.Any(s => reference.EndsWith("/" + s, StringComparison.Ordinal))))
            {
                Add(i, element, $"must reference the Bundle's Patient ({string.Join(" or ", self)}); got '{r?.Reference}'");
            }
        }

        var meds = new List<MedicationInput?>();
        var medEntries = new List<int>();
        var allergies = new List<string?>();
        var allergyEntries = new List<int>();
        var labs = new List<LabPlan>();
        for (var i = 0; i < entries.Count; i++)
        {
            switch (entries[i].Resource)
            {
                case MedicationStatement m:
                    Subject(i, "resource.subject", m.Subject);
                    // Only what the patient is taking goes on the list; a stopped or mistaken statement is not a current medication.
                    if (m.Status is MedicationStatement.MedicationStatusCodes.Completed or MedicationStatement.MedicationStatusCodes.Stopped
                        or MedicationStatement.MedicationStatusCodes.EnteredInError or MedicationStatement.MedicationStatusCodes.NotTaken)
                    {
                        continue;
                    }
                    if (m.Medication is not CodeableConcept drug || Text(drug) is not { } drugName)
                    {
                        Add(i, "resource.medication", "a medicationCodeableConcept with text or a display is required (a Medication reference is not resolved here)");
                        continue;
                    }
                    var dose = m.Dosage.FirstOrDefault()?.Text;
                    // A stop already confirmed for this drug (issue #12 §7) survives the EHR's refresh of the list.
                    var kept = existing?.Medications.FirstOrDefault(x => string.Equals(x.Name, drugName.Trim(), StringComparison.OrdinalIgnoreCase));
                    meds.Add(new MedicationInput(drugName, dose, kept?.StoppedOn, kept?.StoppedForSurgeryOn));
                    medEntries.Add(i);
                    break;
                case AllergyIntolerance a:
                    Subject(i, "resource.patient", a.Patient);
                    var clinical = a.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
                    var verification = a.VerificationStatus?.Coding.FirstOrDefault()?.Code;
                    if (clinical is "inactive" or "resolved" || verification is "refuted" or "entered-in-error")
                    {
                        continue;
                    }
                    if (a.Code is not { } code || Text(code) is not { } substance)
                    {
                        Add(i, "resource.code", "the substance (code with text or a display) is required");
                        continue;
                    }
                    allergies.Add(substance);
                    allergyEntries.Add(i);
                    break;
                case Observation o:
                    Subject(i, "resource.subject", o.Subject);
                    if (Lab(i, entries[i].FullUrl, o, time, options, problems) is { } lab)
                    {
                        labs.Add(lab);
                    }
                    break;
            }
        }

        SurgicalCase? target = null;
        if (labs.Count > 0)
        {
            // Results belong to a case's pre-operative record: the patient's latest case that still accepts them.
            target = existing is null ? null : (await db.Cases.AsNoTracking().Where(c => c.PatientId == existing.Id).OrderByDescending(c => c.Number).ToListAsync(ct))
                .FirstOrDefault(c => c.AcceptsPreOpRecord);
            if (target is null)
            {
                foreach (var l in labs)
                {
                    problems.Add(new(l.Entry, l.FullUrl, "resource", "the patient has no case whose pre-operative record is open: results are recorded against a case (open one first)",
                        OperationOutcome.IssueType.BusinessRule));
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new Refused(StatusCodes.Status422UnprocessableEntity, problems);
        }

        var givens = name?.Given.Where(g => !string.IsNullOrWhiteSpace(g)).ToList() ?? [];
        var hasMeds = entries.Any(e => e.Resource is MedicationStatement);
        var hasAllergies = entries.Any(e => e.Resource is AllergyIntolerance);
        // A Bundle without entries of a kind leaves that list as stored: an EHR sending demographics only must not erase it.
        var input = new PatientInput(facility, mrn, name?.Family, givens.Count == 0 ? null : string.Join(' ', givens), birth, sex,
            existing?.WeightKg, existing?.HeightCm,
            hasAllergies ? allergies : existing?.Allergies.Cast<string?>().ToList(),
            hasMeds ? meds : existing?.Medications.Select(m => (MedicationInput?)new MedicationInput(m.Name, m.Dose, m.StoppedOn, m.StoppedForSurgeryOn)).ToList());
        return new ImportPlan(entries, pi, existing, input, hasMeds ? medEntries : [], hasAllergies ? allergyEntries : [], labs, target);
    }

    private static string? Text(CodeableConcept c) =>
        !string.IsNullOrWhiteSpace(c.Text) ? c.Text : c.Coding.Select(x => x.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));

    private static LabPlan? Lab(int i, string? fullUrl, Observation o, HospitalTime time, FhirOptions options, List<Problem> problems)
    {
        void Add(string element, string message) => problems.Add(new(i, fullUrl, element, message));
        var before = problems.Count;
        if (!o.Category.Any(c => c.Coding.Any(x => x.Code == "laboratory")))
        {
            Add("resource.category", "only laboratory results are imported (category 'laboratory')");
        }
        if (o.Status is not (ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected))
        {
            // A preliminary value must not satisfy a readiness check.
            Add("resource.status", $"only final, amended or corrected results are imported (got '{o.StatusElement?.JsonValue}')");
        }
        LabKind? kind = null;
        foreach (var c in o.Code?.Coding ?? [])
        {
            if (c.System == FhirRefs.LabCodes && Enum.TryParse<LabKind>(c.Code, ignoreCase: false, out var own))
            {
                kind = own;
                break;
            }
            if (options.LabCodes.FirstOrDefault(m => m.System == c.System && m.Code == c.Code) is { } mapped)
            {
                kind = Enum.Parse<LabKind>(mapped.Kind);
                break;
            }
        }
        if (kind is null)
        {
            Add("resource.code", $"not a known lab code: {FhirRefs.LabCodes}|<{string.Join(" | ", Enum.GetNames<LabKind>())}>, or a code configured in Fhir:LabCodes");
        }
        decimal? value = null;
        string? unit = null;
        switch (o.Value)
        {
            case Quantity q:
                value = q.Value;
                unit = q.Unit ?? q.Code;
                break;
            case null:
                break;
            default:
                Add("resource.value", $"a valueQuantity is expected (got {o.Value.TypeName})");
                break;
        }
        DateOnly? taken = o.Effective switch
        {
            FhirDateTime dt => Day(dt.Value, time),
            Period p => Day(p.Start, time),
            Instant t => t.Value is { } v ? time.LocalDate(v.UtcDateTime) : null,
            _ => null,
        };
        if (taken is null)
        {
            Add("resource.effective", "when the sample was taken is required (effectiveDateTime with at least a full date)");
        }
        return problems.Count > before ? null : new LabPlan(i, fullUrl, new CaseHandlers.ResultInput(kind, value, unit, taken));
    }

    /// <summary>A FHIR dateTime as the hospital's local day: a bare date as written, an instant converted to the hospital's zone.</summary>
    private static DateOnly? Day(string? value, HospitalTime time)
    {
        if (value is null || value.Length < 10)
        {
            return null;
        }
        if (value.Length == 10)
        {
            return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        }
        return new FhirDateTime(value).TryToDateTimeOffset(out var at) ? time.LocalDate(at.UtcDateTime) : null;
    }

    /// <summary>
    /// Runs the plan through the Core commands — one per write, each with its own role check, validation and audit — in
    /// one database transaction. The first refusal rolls everything back and names the entry it came from.
    /// </summary>
    private static async Task<List<Result>> Execute(ImportPlan plan, ExplantDbContext db, Core.Cases.CaseActor actor, HospitalTime time, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var results = new Result[plan.Entries.Count];
            Core.Patients.Patient stored;
            try
            {
                stored = plan.Existing is null
                    ? await PatientHandlers.Register(db, plan.Input, actor, time, ct)
                    : await PatientHandlers.Update(db, plan.Existing.Id, plan.Input, null, actor, time, ct);
            }
            catch (Exception e) when (Refusal(e, PatientField(plan)) is { } refused)
            {
                throw refused;
            }
            var patientUrl = $"Patient/{stored.Id}";
            results[plan.PatientEntry] = new Result(plan.Existing is null ? "201 Created" : "200 OK", $"{patientUrl}/_history/{stored.Revision}");
            foreach (var i in plan.MedicationEntries)
            {
                results[i] = new Result("200 OK", null, $"on the medication list of {patientUrl}");
            }
            foreach (var i in plan.AllergyEntries)
            {
                results[i] = new Result("200 OK", null, $"on the allergy list of {patientUrl}");
            }
            foreach (var lab in plan.Labs)
            {
                var c = await db.Cases.AsNoTracking().FirstAsync(x => x.Id == plan.Case!.Id, ct);
                var same = c.Results.FindIndex(r => r.Kind == lab.Input.Kind && r.Value == lab.Input.Value && r.Unit == lab.Input.Unit?.Trim() && r.TakenOn == lab.Input.TakenOn);
                if (same >= 0)
                {
                    // The same result sent again (a re-sent Bundle) is already recorded: not a second result.
                    results[lab.Entry] = new Result("200 OK", $"Observation/{c.Id}-lab-{same}");
                    continue;
                }
                try
                {
                    var updated = await CaseHandlers.RecordResult(db, c.Id.ToString(), null, lab.Input, actor, time, ct);
                    results[lab.Entry] = new Result("201 Created", $"Observation/{updated.Id}-lab-{updated.Results.Count - 1}");
                }
                catch (Exception e) when (Refusal(e, f => (lab.Entry, ObservationElement(f))) is { } refused)
                {
                    throw refused;
                }
            }
            // Entries that changed nothing (a stopped medication, a resolved allergy) are answered too, in order.
            for (var i = 0; i < results.Length; i++)
            {
                results[i] ??= new Result("200 OK", null, "not current (stopped, resolved or entered in error): not on the patient's lists");
            }
            await tx.CommitAsync(ct);
            return results.ToList();
        });

        Refused? Refusal(Exception e, Func<string, (int Entry, string Element)> where)
        {
            IEnumerable<(string Field, string Message)> issues = e switch
            {
                ValidationException v => v.Errors.SelectMany(kv => kv.Value.Select(m => (kv.Key, m))),
                DomainRuleException { Forbidden: false } d => [("", $"{d.Message} (rule {d.Rule})")],
                _ => [],
            };
            var list = issues.Select(x => where(x.Field) is var (entry, element)
                ? new Problem(entry, plan.Entries[entry].FullUrl, element, x.Field.Length == 0 ? x.Message : $"{x.Field}: {x.Message}",
                    e is DomainRuleException ? OperationOutcome.IssueType.BusinessRule : OperationOutcome.IssueType.Invalid)
                : null).OfType<Problem>().ToList();
            return list.Count == 0 ? null : new Refused(StatusCodes.Status422UnprocessableEntity, list);
        }
    }

    /// <summary>Where a field the patient command names came from: the Patient entry's element, or the list entry.</summary>
    private static Func<string, (int Entry, string Element)> PatientField(ImportPlan plan) => field =>
    {
        var m = System.Text.RegularExpressions.Regex.Match(field, @"^(medications|allergies)\[(\d+)\](?:\.(\w+))?$");
        if (m.Success)
        {
            var list = m.Groups[1].Value == "medications" ? plan.MedicationEntries : plan.AllergyEntries;
            var k = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (k < list.Count)
            {
                var element = m.Groups[1].Value == "allergies" ? "resource.code"
                    : m.Groups[3].Value == "dose" ? "resource.dosage[0].text" : m.Groups[3].Value == "name" ? "resource.medication" : "resource";
                return (list[k], element);
            }
        }
        return (plan.PatientEntry, field switch
        {
            "facility" => "resource.identifier.assigner.display",
            "mrn" => "resource.identifier.value",
            "familyName" => "resource.name.family",
            "givenName" => "resource.name.given",
            "birthDate" => "resource.birthDate",
            "sex" => "resource.gender",
            _ => "resource",
        });
    };

    private static string ObservationElement(string field) => field switch
    {
        "value" => "resource.value",
        "unit" => "resource.value.unit",
        "takenOn" => "resource.effective",
        "kind" => "resource.code",
        _ => "resource",
    };
}
