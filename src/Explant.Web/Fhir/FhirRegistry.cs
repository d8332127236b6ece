using Hl7.Fhir.Model;

namespace Explant.Web.Fhir;

/// <summary>One resource type the server serves: how to produce all of them, and the search parameters it answers.</summary>
/// <param name="ReadOne">A cheaper read than scanning <paramref name="All"/> (Binary renders a PDF per read).</param>
/// <param name="Search">False for read-only types (Binary).</param>
/// <param name="PatientOf">
/// Whose record an id names (null: no such record). A read then maps only that patient's records instead of every record
/// of the type; types outside the patient's compartment (definitions, rooms, staff) are few and have none.
/// </param>
internal sealed record FhirType(string Name, Func<FhirData, Task<IEnumerable<Resource>>> All, IReadOnlyList<SearchParam> SearchParams,
    Func<FhirData, string, Task<Resource?>>? ReadOne = null, bool Search = true, Func<FhirData, string, Task<Guid?>>? PatientOf = null)
{
    public async Task<Resource?> Read(FhirData data, string id)
    {
        if (ReadOne is { } read)
        {
            return await read(data, id);
        }
        if (PatientOf is { } owner)
        {
            return await owner(data, id) is { } patient ? (await All(data.ForPatient(patient))).FirstOrDefault(r => r.Id == id) : null;
        }
        return (await All(data)).FirstOrDefault(r => r.Id == id);
    }

    /// <summary>The patient reference parameter, when the type belongs to the patient's compartment ($everything).</summary>
    public ReferenceParam<T>? Patient<T>() where T : Resource => SearchParams.OfType<ReferenceParam<T>>().FirstOrDefault(p => p.Name == "patient");

    public SearchParam? PatientParam => SearchParams.FirstOrDefault(p => p.Name == "patient");
}

/// <summary>
/// Every type and search parameter the server implements. The routes dispatch through it and the CapabilityStatement
/// is generated from it, so /fhir/metadata declares exactly what is implemented.
/// </summary>
internal static class FhirRegistry
{
    public static readonly IReadOnlyList<FhirType> Types =
    [
        PatientMap.Type,
        DeviceMap.Type,
        ProcedureMap.Type,
        ConditionMap.Type,
        ConsentMap.Type,
        ConsentMap.Binary,
        AppointmentMap.Type,
        EncounterMap.Type,
        ObservationMap.Type,
        QuestionnaireMap.Questionnaires,
        QuestionnaireMap.Responses,
        PlanDefinitionMap.Type,
        LocationMap.Type,
        PractitionerMap.Type,
    ];

    /// <summary>The search parameters every type answers (besides its own).</summary>
    public static readonly SearchParam IdParam = new TokenParam<Resource>("_id", "Logical id", r => [new Token(null, r.Id)]);

    /// <summary>Result parameters: page size and the offset our next links carry.</summary>
    public const string Count = "_count";
    public const string Offset = "_offset";
    public const int DefaultCount = 50;
    public const int MaxCount = 500;

    public static FhirType? Find(string name) => Types.FirstOrDefault(t => t.Name == name);

    public static CapabilityStatement Capabilities(string baseUrl, DateTimeOffset now) => new()
    {
        Id = "explant",
        Url = baseUrl + "/metadata",
        Name = "ExplantFhirServer",
        Title = "Explant FHIR R4 server",
        Status = PublicationStatus.Active,
        Date = now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Publisher = "Explant",
        Kind = CapabilityStatementKind.Instance,
        Software = new CapabilityStatement.SoftwareComponent { Name = "Explant" },
        Implementation = new CapabilityStatement.ImplementationComponent { Description = "Explant perioperative pathway", Url = baseUrl },
        FhirVersion = FHIRVersion.N4_0_1,
        Format = ["json", FhirJson.MediaType],
        Rest =
        [
            new CapabilityStatement.RestComponent
            {
                Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                Security = new CapabilityStatement.SecurityComponent
                {
                    Description = "Bearer token from POST /api/auth/token (or the sign-in cookie); every role of the API may read. Only this statement is anonymous.",
                },
                Resource = [.. Types.Select(t => new CapabilityStatement.ResourceComponent
                {
                    Type = t.Name,
                    Interaction = t.Search
                        ?
                        [
                            new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                            new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                        ]
                        : [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
                    Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                    ReadHistory = false,
                    SearchParam = !t.Search ? [] : [.. t.SearchParams.Prepend(IdParam).Select(p => new CapabilityStatement.SearchParamComponent
                    {
                        Name = p.Name, Type = p.Type, Documentation = p.Documentation,
                    })],
                    Operation = t.Name == "Patient"
                        ? [new CapabilityStatement.OperationComponent { Name = "everything", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything" }]
                        : [],
                })],
            },
        ],
    };
}
