using Explant.Core.Cases;
using Explant.Core.Documents;
using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>
/// Consent: each consent version of a case (treatment scope, docs/clinical-rules.md §14). The signed document is the
/// sourceAttachment, a PDF served as Binary/consent-{case}-v{n} and rendered from the frozen text with the signatures.
/// </summary>
internal static class ConsentMap
{
    public static FhirType Type { get; } = new("Consent", All,
    [
        new ReferenceParam<Consent>("patient", "Patient", "The patient who consents", c => [c.Patient]),
        new TokenParam<Consent>("status", "proposed | active | inactive", c => Tokens.Code(c.Status)),
        new DateParam<Consent>("date", "When the consent version was generated", c => FhirDates.Of(c.DateTime)),
    ], PatientOf: (data, id) => data.PatientOfCasePrefix(id));

    /// <summary>The signed PDFs, read only (never searched: each is rendered on request).</summary>
    public static FhirType Binary { get; } = new("Binary", _ => System.Threading.Tasks.Task.FromResult<IEnumerable<Resource>>([]), [], ReadBinary, Search: false);

    public static string Id(SurgicalCase c, ConsentRecord r) => $"{c.Id}-v{r.Version}";

    private static string BinaryId(SurgicalCase c, ConsentRecord r) => $"consent-{Id(c, r)}";

    private static async Task<IEnumerable<Resource>> All(FhirData data)
    {
        var list = new List<Resource>();
        foreach (var c in await data.Cases())
        {
            var meta = await data.Meta(nameof(SurgicalCase), c.Id, c.Revision);
            list.AddRange(c.Consents.Select(r => Map(meta, c, r, data)));
        }
        return list;
    }

    private static Consent Map(Meta meta, SurgicalCase c, ConsentRecord r, FhirData data)
    {
        var current = ReferenceEquals(c.CurrentConsent, r) || c.CurrentConsent?.Version == r.Version;
        var consent = new Consent
        {
            Id = Id(c, r),
            Meta = (Meta)meta.DeepCopy(),
            // Withdrawn or superseded by a newer plan: inactive; signed by both: active; otherwise still proposed.
            Status = r.WithdrawnAtUtc is not null || !current ? Consent.ConsentState.Inactive
                : r.FullySigned ? Consent.ConsentState.Active : Consent.ConsentState.Proposed,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment"),
            // No consent-category code is given in the source list (docs/clinical-rules.md), nor a LOINC document code, so text only.
            Category = [new CodeableConcept { Text = "Consent to operation" }],
            Patient = FhirRefs.Patient(c.PatientId),
            DateTime = FhirDates.Instant(r.CreatedAtUtc),
            Performer = [FhirRefs.Patient(c.PatientId)],
            PolicyRule = new CodeableConcept { Text = $"Local consent form for CPT {c.ProcedureCode} (definition version {c.ProcedureVersion}, plan revision {r.PlanRevision})" },
            Source = new Attachment
            {
                ContentType = "application/pdf",
                Url = $"{data.BaseUrl}/Binary/{BinaryId(c, r)}",
                Title = $"Consent v{r.Version}, case {c.Number}",
                CreationElement = new FhirDateTime(data.Utc(r.CreatedAtUtc)),
            },
            Provision = new Consent.provisionComponent
            {
                Type = r.WithdrawnAtUtc is null ? Consent.ConsentProvisionType.Permit : Consent.ConsentProvisionType.Deny,
                Data = [new Consent.provisionDataComponent { Meaning = Consent.ConsentDataMeaning.Related, Reference = new ResourceReference($"Procedure/{c.Id}") }],
            },
        };
        if (r.SurgeonSignedAtUtc is not null)
        {
            consent.Performer.Add(FhirRefs.Practitioner(c.Surgeon));
        }
        return consent;
    }

    private static async Task<Resource?> ReadBinary(FhirData all, string id)
    {
        // Only the cases of the patient whose consent the id names (issue #17: not every case of the registry).
        if (!id.StartsWith("consent-", StringComparison.Ordinal) || await all.PatientOfCasePrefix(id["consent-".Length..]) is not { } patient)
        {
            return null;
        }
        var data = all.ForPatient(patient);
        foreach (var c in await data.Cases())
        {
            foreach (var r in c.Consents)
            {
                if (BinaryId(c, r) == id)
                {
                    return new Hl7.Fhir.Model.Binary
                    {
                        Id = id,
                        Meta = await data.Meta(nameof(SurgicalCase), c.Id, c.Revision),
                        ContentType = "application/pdf",
                        SecurityContext = new ResourceReference($"Consent/{Id(c, r)}"),
                        Data = Pdf(c, r, data),
                    };
                }
            }
        }
        return null;
    }

    /// <summary>The frozen consent text as generated ("# " title, "## " headings, "- " items) and who signed when.</summary>
    private static byte[] Pdf(SurgicalCase c, ConsentRecord r, FhirData data)
    {
        using var pdf = new FlowPdf($"Consent case {c.Number} v{r.Version}", $"Consent v{r.Version} — case {c.Number} — times in {data.Time.Zone.Id}");
        foreach (var line in r.Document.Split('\n'))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal)) { pdf.Title(line[2..]); }
            else if (line.StartsWith("## ", StringComparison.Ordinal)) { pdf.Heading(line[3..]); }
            else if (line.StartsWith("- ", StringComparison.Ordinal)) { pdf.Bullet(line[2..]); }
            else if (line.Length > 0) { pdf.Paragraph(line); }
        }
        pdf.Heading("Signatures");
        pdf.Paragraph(r.PatientSignedAtUtc is { } p
            ? $"Patient: {r.PatientSignature} — {data.Time.Format(p)}{(r.PatientSignatureWitness is { } w ? $" (witness {w})" : "")}"
            : "Patient: not signed");
        pdf.Paragraph(r.SurgeonSignedAtUtc is { } s ? $"Surgeon: {r.SurgeonSignature ?? c.Surgeon} — {data.Time.Format(s)}" : "Surgeon: not signed");
        if (r.WithdrawnAtUtc is { } wd)
        {
            pdf.Paragraph($"Withdrawn {data.Time.Format(wd)}: {r.WithdrawnReason}");
        }
        return pdf.ToBytes();
    }
}
