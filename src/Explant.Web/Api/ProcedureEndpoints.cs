using System.Text.Json;
using Explant.Core.Audit;
using Explant.Core.Auth;
using Explant.Core.Data;
using Explant.Core.Procedures;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Explant.Web.Api;

/// <summary>The procedure catalog over HTTP: read for all staff, import for administrators.</summary>
internal static class ProcedureEndpoints
{
    public sealed record ProcedureSummary(string Code, int Version, string Name, DateTime ImportedAtUtc, string ETag);

    public sealed record VersionInfo(int Version, DateTime ImportedAtUtc, string ImportedBy, string ContentHash);

    public sealed record ProcedureDetail(
        string Code, int Version, string Name, string ContentHash, string SourceName, DateTime ImportedAtUtc, string ImportedBy,
        ProcedureReport Procedure, IReadOnlyList<VersionInfo> Versions);

    public sealed record ImportResponse(string Status, ProcedureDetail Definition);

    /// <summary>JSON form of an import; a text/plain body is the document itself.</summary>
    public sealed record ImportRequest(string? Text, string? FileName);

    public static IEndpointRouteBuilder MapProcedureApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/procedures").RequireAuthorization(Policies.Staff);
        group.MapGet("/", List);
        group.MapGet("/{code}", Get);
        group.MapGet("/{code}/handout.pdf", HandoutPdf);
        group.MapPost("/", Import).RequireAuthorization(Policies.Admin).DisableAntiforgery();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<ProcedureSummary>>> List(ExplantDbContext db, CancellationToken ct)
    {
        var latest = await ProcedureQueries.LatestVersions(db, ct);
        return TypedResults.Ok<IReadOnlyList<ProcedureSummary>>(
            [.. latest.Select(d => new ProcedureSummary(d.Code, d.Version, d.Name, d.ImportedAtUtc, d.ETag))]);
    }

    private static async Task<Results<Ok<ProcedureDetail>, ProblemHttpResult>> Get(
        string code, int? version, ExplantDbContext db, HttpResponse response, CancellationToken ct)
    {
        var definition = await ProcedureQueries.Find(db, code, version, ct);
        if (definition is null)
        {
            return NotFound(code, version);
        }
        response.Headers.ETag = definition.ETag;
        return TypedResults.Ok(await Detail(db, definition, ct));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> HandoutPdf(
        string code, int? version, ExplantDbContext db, CancellationToken ct)
    {
        var definition = await ProcedureQueries.Find(db, code, version, ct);
        if (definition is null)
        {
            return NotFound(code, version);
        }
        var pdf = PatientHandout.From(definition.Parse(), definition.Version).ToPdf();
        return TypedResults.File(pdf, "application/pdf", $"explant-handout-{definition.Code}-v{definition.Version}.pdf");
    }

    private static async Task<Results<Created<ImportResponse>, Ok<ImportResponse>, ValidationProblem, ProblemHttpResult>> Import(
        HttpRequest request, ExplantDbContext db, HospitalTime clock, IActor actor, CancellationToken ct)
    {
        var (body, bodyErrors) = await ReadImportBody(request, ct);
        if (bodyErrors is not null)
        {
            return TypedResults.ValidationProblem(bodyErrors, title: "The request body is not a definition import");
        }
        var fileName = string.IsNullOrWhiteSpace(body!.FileName) ? "upload.txt" : Path.GetFileName(body.FileName);
        string? ifMatch = request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null;

        var result = await ImportProcedure.Handle(new(body.Text!, fileName, ifMatch), db, clock.Clock, actor.Name, ct);
        switch (result)
        {
            case ImportProcedure.Result.Invalid invalid:
                // Keys are "file:line" so a client can point at the exact line, as the CLI does.
                var errors = invalid.Errors
                    .GroupBy(e => $"{fileName}:{e.Line}")
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
                return TypedResults.ValidationProblem(errors, title: "The definition document has errors",
                    extensions: new Dictionary<string, object?> { ["warnings"] = invalid.Warnings });
            case ImportProcedure.Result.Stale stale:
                return TypedResults.Problem(
                    $"If-Match does not name the latest version (current ETag: {(stale.CurrentETag.Length == 0 ? "none, the code is new" : stale.CurrentETag)}). Reload and retry.",
                    statusCode: StatusCodes.Status412PreconditionFailed, title: "Stale version",
                    extensions: new Dictionary<string, object?> { ["rule"] = "optimistic-concurrency" });
            case ImportProcedure.Result.Created created:
                request.HttpContext.Response.Headers.ETag = created.Definition.ETag;
                return TypedResults.Created($"/api/procedures/{created.Definition.Code}?version={created.Definition.Version}",
                    new ImportResponse("created", await Detail(db, created.Definition, ct)));
            case ImportProcedure.Result.Unchanged unchanged:
                request.HttpContext.Response.Headers.ETag = unchanged.Definition.ETag;
                return TypedResults.Ok(new ImportResponse("unchanged", await Detail(db, unchanged.Definition, ct)));
            default:
                throw new InvalidOperationException("unexpected import result");
        }
    }

    private static async Task<(ImportRequest?, Dictionary<string, string[]>?)> ReadImportBody(HttpRequest request, CancellationToken ct)
    {
        ImportRequest body;
        if (request.HasJsonContentType())
        {
            try
            {
                body = await request.ReadFromJsonAsync<ImportRequest>(ProcedureReport.JsonOptions, ct) ?? new ImportRequest(null, null);
            }
            catch (JsonException e)
            {
                return (null, new() { [e.Path ?? "$"] = [$"malformed JSON: {e.Message}"] });
            }
        }
        else
        {
            using var reader = new StreamReader(request.Body);
            body = new ImportRequest(await reader.ReadToEndAsync(ct), request.Query["fileName"]);
        }
        return string.IsNullOrWhiteSpace(body.Text)
            ? (null, new() { ["$.text"] = ["the definition text is required"] })
            : (body, null);
    }

    private static ProblemHttpResult NotFound(string code, int? version) =>
        TypedResults.Problem(version is null ? $"no procedure with code {code}" : $"no version {version} of procedure {code}",
            statusCode: StatusCodes.Status404NotFound, title: "No such procedure");

    private static async Task<ProcedureDetail> Detail(ExplantDbContext db, ProcedureDefinition d, CancellationToken ct)
    {
        var versions = await ProcedureQueries.Versions(db, d.Code, ct);
        return new ProcedureDetail(d.Code, d.Version, d.Name, d.ContentHash, d.SourceName, d.ImportedAtUtc, d.ImportedBy,
            ProcedureReport.From(d.Parse()),
            [.. versions.Select(v => new VersionInfo(v.Version, v.ImportedAtUtc, v.ImportedBy, v.ContentHash))]);
    }
}
