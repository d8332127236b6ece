using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Outcomes;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Explant.Web.Fhir;

/// <summary>
/// The FHIR R4 view of Explant (issue #15): read and search over the registry's types, Patient/$everything, and the
/// CapabilityStatement generated from the same registry. Same tokens, cookies and roles as /api.
/// </summary>
internal static class FhirApi
{
    public static IServiceCollection AddFhirApi(this IServiceCollection services, IConfiguration configuration)
    {
        // 401/403 on /fhir are OperationOutcomes instead of the cookie handler's redirect; elsewhere nothing changes.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, FhirAuthorizationResultHandler>();
        services.AddSettings<FhirOptions>(configuration, "Fhir", o => o.Problems());
        services.AddSingleton<BulkExportQueue>();
        services.AddHostedService<BulkExportWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        // OperationOutcome outermost; inside it the same contention retry as the JSON API (a transaction import without
        // If-Match that loses a race is run again on fresh state, its validation and rules checked again).
        var fhir = app.MapGroup("/fhir").AddEndpointFilter(FhirErrors.Filter).AddEndpointFilter(Api.RetryOnContention.Filter);
        fhir.MapGet("/metadata", Metadata).AllowAnonymous();
        var read = fhir.MapGroup("").RequireAuthorization(Policies.Staff);
        // Import from an EHR: a transaction Bundle (the clinicians' patient-record role is checked by the handler, first).
        read.MapPost("", FhirImport.Handle);
        BulkExport.Map(fhir);
        read.MapGet("/Patient/{id}/$everything", Everything);
        read.MapGet("/{type}", Search);
        read.MapGet("/{type}/{id}", Read);
        return app;
    }

    internal static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    private static FhirData Data(HttpContext http, ExplantDbContext db, HospitalTime time, CancellationToken ct, Guid? patientScope = null) =>
        new(db, time, BaseUrl(http.Request), http.RequestServices.GetService<IOptions<OdiLicensedTextOptions>>()?.Value.Version ?? OdiVersion.V21a, ct, patientScope);

    private static IResult Metadata(HttpRequest request, HospitalTime time) =>
        FhirJson.Result(FhirRegistry.Capabilities(BaseUrl(request), time.Clock.GetUtcNow()));

    private static FhirType TypeOf(string type) =>
        FhirRegistry.Find(type) ?? throw FhirException.NotFound($"resource type '{type}' is not served here (see /fhir/metadata)");

    private static async Task<IResult> Read(string type, string id, HttpContext http, ExplantDbContext db, HospitalTime time, CancellationToken ct)
    {
        var t = TypeOf(type);
        var found = await t.Read(Data(http, db, time, ct), id) ?? throw FhirException.NotFound($"{type}/{id} not found");
        // Binary's own content when the client asks for it rather than FHIR (FHIR binary.html#rest).
        if (found is Binary { Data: { } bytes, ContentType: { } mediaType } binary && AcceptsNative(http.Request, mediaType))
        {
            return TypedResults.File(bytes, mediaType, $"{binary.Id}.pdf");
        }
        return FhirJson.Result(found, entityHeaders: true);
    }

    private static bool AcceptsNative(HttpRequest request, string contentType) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(contentType, StringComparison.OrdinalIgnoreCase));

    private sealed record Criterion(SearchParam Param, string? Modifier, string[] Values);

    private static async Task<IResult> Search(string type, HttpContext http, ExplantDbContext db, HospitalTime time, CancellationToken ct)
    {
        var t = TypeOf(type);
        if (!t.Search)
        {
            throw new FhirException(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, $"{type} is read only here (see /fhir/metadata)");
        }
        var (criteria, count, offset) = ParseQuery(t, http.Request);
        if (t == PatientMap.Type)
        {
            // Patients: filters, count and page in SQL (only the page is mapped).
            var (page, total) = await PatientMap.Search(Data(http, db, time, ct), db.Patients,
                [.. criteria.Select(c => (c.Param, c.Modifier, c.Values))], count, offset, ct);
            return FhirJson.Result(SearchSet(http.Request, page, total, count, offset, time));
        }
        // One patient named (patient=Patient/<id>, the common case): load only their records, in SQL.
        var scope = t.PatientParam is ReferenceParamBase reference
            && criteria.Where(c => c.Param == t.PatientParam).Select(c => c.Values).ToList() is [[var only]]
            && reference.Normalise(only) is var named && named.StartsWith("Patient/", StringComparison.Ordinal)
            && Guid.TryParse(named["Patient/".Length..], out var patientId) ? patientId : (Guid?)null;
        var all = await t.All(Data(http, db, time, ct, scope));
        var matches = all.Where(r => criteria.All(c => c.Values.Any(v => c.Param.Matches(r, c.Modifier, v)))).ToList();
        return FhirJson.Result(SearchSet(http.Request, [.. matches.Skip(offset).Take(count)], matches.Count, count, offset, time));
    }

    private static async Task<IResult> Everything(string id, HttpContext http, ExplantDbContext db, HospitalTime time, CancellationToken ct)
    {
        // $everything takes no search criteria here, only the page size and offset of its next links.
        var (_, count, offset) = ParseQuery(null, http.Request);
        // The patient's compartment is loaded for this patient only (SQL); the people and places it links to from all data.
        var data = Guid.TryParse(id, out var scope) ? Data(http, db, time, ct, scope) : throw FhirException.NotFound($"Patient/{id} not found");
        var everyone = Data(http, db, time, ct);
        var patient = (await PatientMap.Type.All(data)).FirstOrDefault(r => r.Id == id) ?? throw FhirException.NotFound($"Patient/{id} not found");
        var found = new List<Resource> { patient };
        foreach (var t in FhirRegistry.Types)
        {
            if (t.PatientParam is { } p)
            {
                found.AddRange((await t.All(data)).Where(r => p.Matches(r, null, $"Patient/{id}")));
            }
        }
        // The people and places the patient's records point at belong to "everything linked to them".
        var linked = found.SelectMany(Links).ToHashSet(StringComparer.Ordinal);
        foreach (var t in FhirRegistry.Types.Where(t => t.PatientParam is null && t != PatientMap.Type))
        {
            found.AddRange((await t.All(everyone)).Where(r => linked.Contains($"{t.Name}/{r.Id}")));
        }
        return FhirJson.Result(SearchSet(http.Request, [.. found.Skip(offset).Take(count)], found.Count, count, offset, time));
    }

    /// <summary>Every literal reference inside a resource ("Practitioner/…", "Location/…").</summary>
    private static IEnumerable<string> Links(Resource r) =>
        Walk(r).OfType<ResourceReference>().Select(x => x.Reference).Where(x => x is not null)!;

    private static IEnumerable<Base> Walk(Base node) =>
        node.EnumerateElements().SelectMany(e => e.Value switch
        {
            Base b => Walk(b),
            IEnumerable<Base> list => list.SelectMany(Walk),
            _ => [],
        }).Prepend(node);

    private static (List<Criterion> Criteria, int Count, int Offset) ParseQuery(FhirType? type, HttpRequest request)
    {
        // Strict handling by default (FHIR search.html#errors): an unknown parameter is refused, not silently ignored.
        var lenient = request.Headers["Prefer"].Any(v => v?.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase) == true);
        var criteria = new List<Criterion>();
        var count = FhirRegistry.DefaultCount;
        var offset = 0;
        foreach (var (key, values) in request.Query)
        {
            switch (key)
            {
                case FhirRegistry.Count:
                    count = Number(key, values, 1, FhirRegistry.MaxCount);
                    continue;
                case FhirRegistry.Offset:
                    offset = Number(key, values, 0, int.MaxValue);
                    continue;
                case "_format":
                    if (values.Any(v => v is not ("json" or "application/json" or FhirJson.MediaType)))
                    {
                        throw new FhirException(StatusCodes.Status406NotAcceptable, OperationOutcome.IssueType.NotSupported, "_format: only JSON is served");
                    }
                    continue;
            }
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? key : key[..colon];
            var modifier = colon < 0 ? null : key[(colon + 1)..];
            var param = type is null ? null : name == FhirRegistry.IdParam.Name ? FhirRegistry.IdParam : type.SearchParams.FirstOrDefault(p => p.Name == name);
            if (param is null)
            {
                if (lenient)
                {
                    continue;
                }
                throw FhirException.BadSearch(key, type is null
                    ? "no search parameters are supported here"
                    : $"unknown search parameter for {type.Name} (supported: {string.Join(", ", type.SearchParams.Prepend(FhirRegistry.IdParam).Select(p => p.Name))}, _count)");
            }
            foreach (var value in values)
            {
                var parts = (value ?? "").Split(',');
                foreach (var part in parts)
                {
                    param.Check(modifier, part);
                }
                criteria.Add(new Criterion(param, modifier, parts));
            }
        }
        return (criteria, count, offset);
    }

    private static int Number(string key, StringValues values, int min, int max) =>
        values.Count == 1 && int.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw FhirException.BadSearch(key, $"'{values}' is not a whole number from {min} to {max}");

    /// <summary>A searchset page: total over all matches, self/first/next/previous links carrying the same criteria.</summary>
    private static Bundle SearchSet(HttpRequest request, List<Resource> page, int total, int count, int offset, HospitalTime time)
    {
        var baseUrl = BaseUrl(request);
        var kept = request.Query.Where(q => q.Key is not (FhirRegistry.Count or FhirRegistry.Offset))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
        // Request.Path is below PathBase already; drop our own "/fhir" prefix, which baseUrl carries.
        var path = request.Path.Value ?? "";
        path = path.StartsWith("/fhir", StringComparison.Ordinal) ? path["/fhir".Length..] : path;
        string Page(int at) => $"{baseUrl}{path}?" + string.Join("&", kept.Append($"{FhirRegistry.Count}={count}").Append($"{FhirRegistry.Offset}={at}"));
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Meta = new Meta { LastUpdated = time.Clock.GetUtcNow() },
            Total = total,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = Page(offset) }, new Bundle.LinkComponent { Relation = "first", Url = Page(0) }],
            Entry = [.. page.Select(r => new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{r.TypeName}/{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            })],
        };
        if (offset + count < total)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Page(offset + count) });
        }
        if (offset > 0)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = Page(Math.Max(0, offset - count)) });
        }
        return bundle;
    }

    /// <summary>Turns the authorization middleware's challenge/forbid on /fhir into an OperationOutcome (401/403).</summary>
    private sealed class FhirAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler fallback = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (context.Request.Path.StartsWithSegments("/fhir") && (authorizeResult.Challenged || authorizeResult.Forbidden))
            {
                var (status, code, message) = authorizeResult.Challenged
                    ? (StatusCodes.Status401Unauthorized, OperationOutcome.IssueType.Login, "sign in first: a bearer token from POST /api/auth/token")
                    : (StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, "your account's role may not do this (reading needs a staff role, $export the admin role)");
                if (authorizeResult.Challenged)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }
                return FhirErrors.Result(status, code, message).ExecuteAsync(context);
            }
            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
