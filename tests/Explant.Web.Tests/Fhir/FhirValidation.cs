using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Explant.Web.Tests.Fhir;

/// <summary>
/// One Firely validator for the whole run, over the offline R4 specification.zip (Hl7.Fhir.Specification.Data.R4):
/// loading it takes seconds, so every test shares this instance (it is thread-safe for validation).
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        var terminology = new LocalTerminologyService(source.AsAsync());
        return new Validator(source.AsAsync(), terminology);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly object Gate = new();

    /// <summary>Errors and fatal issues of validating <paramref name="resource"/> against its core profile.</summary>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        OperationOutcome outcome;
        // One validation at a time: the shared caches are filled lazily and the 2-core box gains nothing from parallelism.
        lock (Gate)
        {
            outcome = Instance.Value.Validate(resource);
        }
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{resource.TypeName}/{resource.Id}: {string.Join(",", i.Expression ?? [])} {i.Details?.Text ?? i.Diagnostics}")];
    }
}
