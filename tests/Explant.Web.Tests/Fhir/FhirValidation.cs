using Explant.Web.Fhir;
using Hl7.Fhir.Model;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// The app's own Firely validator (<see cref="FhirProfiles"/>: the offline R4 specification.zip, one instance per process),
/// with its issues as readable lines for assertion messages.
/// </summary>
public static class FhirValidation
{
    /// <summary>Errors and fatal issues of validating <paramref name="resource"/> against its core profile.</summary>
    public static IReadOnlyList<string> Errors(Resource resource) =>
        [.. FhirProfiles.Errors(resource).Select(i => $"{resource.TypeName}/{resource.Id}: {string.Join(",", i.Expression ?? [])} {i.Details?.Text ?? i.Diagnostics}")];
}
