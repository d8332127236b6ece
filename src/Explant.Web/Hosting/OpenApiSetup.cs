using Explant.Core.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Explant.Web.Hosting;

/// <summary>
/// The OpenAPI document at /openapi/v1.json (Microsoft.AspNetCore.OpenApi) and the Scalar reference at /scalar, both
/// for signed-in staff. Success types come from each endpoint's typed results or Produces metadata; the problem
/// responses every /api endpoint can give (one exception handler writes them all) are added here, once.
/// </summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddExplantOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // Only the JSON API: pages, form posts and probes are not part of the contract.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddOperationTransformer(AddProblemResponses);
        });

    public static IEndpointRouteBuilder MapExplantOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().RequireAuthorization(Policies.Staff);
        // The nonce of this response's CSP (NetEscapades) goes on Scalar's script tags; fonts from the app, not a CDN.
        app.MapScalarApiReference((o, http) => o.WithTitle("Explant API").WithNonce(NetEscapades.AspNetCore.SecurityHeaders.HttpContextExtensions.GetNonce(http)).DisableDefaultFonts())
            .RequireAuthorization(Policies.Staff)
            .WithSecurityHeadersPolicy(SecuritySetup.ApiReferencePolicy);
        return app;
    }

    private static async Task AddProblemResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var d = context.Description;
        var method = d.HttpMethod ?? "GET";
        var write = method is "POST" or "PUT" or "PATCH" or "DELETE";
        var anonymous = d.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        var statuses = new List<(int, string)> { (400, "Invalid input: every bad field by name (ValidationProblemDetails)") };
        if (!anonymous)
        {
            statuses.Add((401, "Not signed in"));
            statuses.Add((403, "The role may not do this (rule id in `rule`)"));
        }
        if (d.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path))
        {
            statuses.Add((404, "Not found"));
        }
        if (write && !anonymous)
        {
            statuses.Add((409, "A rule refused the change (rule id in `rule`)"));
            statuses.Add((412, "If-Match names a stale revision"));
            statuses.Add((422, "The change is understood but clinically not allowed (rule id in `rule`)"));
        }
        statuses.Add((500, "Unexpected error (trace id in `traceId`)"));
        statuses.Add((503, write
            ? "The database cannot be reached (`database-unavailable`) or the record kept changing (`contention`): nothing stored; retry after `Retry-After` seconds"
            : "The database cannot be reached (`database-unavailable`); retry after `Retry-After` seconds"));
        operation.Responses ??= [];
        var problem = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, ct);
        var validation = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails), null, ct);
        foreach (var (status, text) in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
            {
                continue;
            }
            operation.Responses[key] = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = status == 400 ? validation : problem },
                },
            };
        }
    }
}
