using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace Explant.Web.Fhir;

/// <summary>FHIR JSON through the SDK's System.Text.Json converters (one options instance: they are costly to build).</summary>
internal static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    /// <summary>
    /// For reading what clients send: syntax only (no model validation while parsing), so a missing status or an unknown
    /// code reaches the Firely validator, which names the element — instead of one parse error for the whole body.
    /// </summary>
    public static readonly JsonSerializerOptions ReadOptions = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector, new FhirJsonConverterOptions { Validator = null });

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, Options);

    /// <summary>A FHIR resource as the response body, with an optional status and entity headers.</summary>
    public static IResult Result(Resource resource, int status = StatusCodes.Status200OK, bool entityHeaders = false) => new FhirResult(resource, status, entityHeaders);

    private sealed class FhirResult(Resource resource, int status, bool entityHeaders) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = MediaType + "; charset=utf-8";
            if (entityHeaders && resource.Meta is { } meta)
            {
                // Weak: the representation is generated, only the revision it shows is stable (FHIR http.html#versioning).
                if (meta.VersionId is { } v)
                {
                    response.Headers.ETag = $"W/\"{v}\"";
                }
                if (meta.LastUpdated is { } at)
                {
                    response.Headers.LastModified = at.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            await JsonSerializer.SerializeAsync(response.Body, resource, Options, httpContext.RequestAborted);
        }
    }
}
