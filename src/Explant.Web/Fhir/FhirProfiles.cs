using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Explant.Web.Fhir;

/// <summary>
/// The Firely validator over the offline R4 specification.zip (Hl7.Fhir.Specification.Data.R4, copied next to the app):
/// no network, the core profiles only. Loading the zip takes seconds, so one instance serves the process (the import
/// route and the tests); validations run one at a time because the shared caches fill lazily.
/// </summary>
internal static class FhirProfiles
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        var terminology = new LocalTerminologyService(source.AsAsync());
        return new Validator(source.AsAsync(), terminology);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lock Gate = new();

    /// <summary>The error and fatal issues of validating <paramref name="resource"/> against its core profile.</summary>
    public static IReadOnlyList<OperationOutcome.IssueComponent> Errors(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Instance.Value.Validate(resource);
        }
        return [.. outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)];
    }
}
