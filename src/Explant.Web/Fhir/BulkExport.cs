using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Explant.Core.Data;
using Explant.Core.Exports;
using Explant.Core.Outcomes;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Explant.Web.Fhir;

/// <summary>
/// System-level bulk export (FHIR Bulk Data Access v2, issue #15): the kick-off records a job and answers 202 at once; a
/// background worker writes one NDJSON file per resource type; the status URL answers 202 with X-Progress until the
/// manifest is ready; DELETE cancels. The request never waits for the export, so a slow client holds nothing open.
/// Administrators only: an export holds every patient's record.
/// </summary>
internal static class BulkExport
{
    public const string NdJson = "application/fhir+ndjson";
    private const string StatusPath = "/$export-status/";
    private const string FilePath = "/$export-file/";

    /// <summary>Kick-off parameters we implement; any other is refused (strict) or ignored (Prefer: handling=lenient).</summary>
    private static readonly string[] Known = ["_type", "_since", "_outputFormat"];

    public static void Map(RouteGroupBuilder fhir)
    {
        var admin = fhir.MapGroup("").RequireAuthorization(Core.Auth.Policies.Admin);
        admin.MapGet("/$export", KickOff);
        admin.MapGet(StatusPath + "{id:guid}", Status);
        admin.MapDelete(StatusPath + "{id:guid}", Cancel);
        admin.MapGet(FilePath + "{id:guid}/{file}", Download);
    }

    /// <summary>The types an export may hold: every searchable type (Binary's PDFs travel by reference from Consent).</summary>
    public static IEnumerable<FhirType> Exportable => FhirRegistry.Types.Where(t => t.Search);

    private static async Task<IResult> KickOff(HttpContext http, ExplantDbContext db, HospitalTime time, BulkExportQueue queue, CancellationToken ct)
    {
        var request = http.Request;
        var prefer = request.Headers["Prefer"].ToString();
        if (!prefer.Contains("respond-async", StringComparison.OrdinalIgnoreCase))
        {
            throw new FhirException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid,
                "$export runs asynchronously: send the header Prefer: respond-async (FHIR Bulk Data Access)", "Prefer");
        }
        var lenient = prefer.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase);
        foreach (var key in request.Query.Keys.Where(k => !Known.Contains(k)))
        {
            if (!lenient)
            {
                throw FhirException.BadSearch(key, $"not a supported $export parameter (supported: {string.Join(", ", Known)})");
            }
        }
        foreach (var format in request.Query["_outputFormat"])
        {
            if (format is not (NdJson or "application/ndjson" or "ndjson"))
            {
                throw FhirException.BadSearch("_outputFormat", $"'{format}': only {NdJson} is written");
            }
        }
        var types = new List<string>();
        foreach (var name in request.Query["_type"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Exportable.Any(t => t.Name == name))
            {
                throw FhirException.BadSearch("_type", $"'{name}' is not exported here (exported: {string.Join(", ", Exportable.Select(t => t.Name))})");
            }
            if (!types.Contains(name))
            {
                types.Add(name);
            }
        }
        DateTime? since = null;
        if (request.Query["_since"] is { Count: > 0 } s)
        {
            // _since is a FHIR instant: a full date and time with its zone.
            if (s.Count > 1 || !DateTimeOffset.TryParse(s[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) || s[0]!.Length < 20)
            {
                throw FhirException.BadSearch("_since", $"'{s}' is not a FHIR instant (e.g. 2026-01-31T08:00:00Z)");
            }
            since = at.UtcDateTime;
        }
        var job = new BulkExportJob
        {
            Id = Guid.CreateVersion7(),
            Status = BulkExportStatus.Queued,
            Request = $"{FhirApi.BaseUrl(request)}/$export{request.QueryString}",
            BaseUrl = FhirApi.BaseUrl(request),
            Types = string.Join(',', types),
            SinceUtc = since,
            RequestedBy = http.User.Identity?.Name ?? "",
            TransactionTimeUtc = time.UtcNow,
            Progress = "queued",
        };
        db.BulkExportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(job.Id);
        http.Response.Headers.ContentLocation = $"{job.BaseUrl}{StatusPath}{job.Id}";
        return TypedResults.Accepted((string?)null);
    }

    private sealed record OutputFile(string Type, string File, int Count);

    private static List<OutputFile> Outputs(BulkExportJob job) => JsonSerializer.Deserialize<List<OutputFile>>(job.Output) ?? [];

    private static async Task<IResult> Status(Guid id, HttpContext http, ExplantDbContext db, CancellationToken ct)
    {
        var job = await db.BulkExportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        switch (job?.Status)
        {
            case null or BulkExportStatus.Cancelled:
                throw FhirException.NotFound($"no export {id} (unknown, or cancelled)");
            case BulkExportStatus.Queued or BulkExportStatus.Running:
                http.Response.Headers["X-Progress"] = job.Progress ?? job.Status.ToString().ToLowerInvariant();
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Accepted((string?)null);
            case BulkExportStatus.Failed:
                throw new FhirException(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception, $"the export failed: {job.Error}");
        }
        // The manifest (Bulk Data Access v2 "Response - Complete Status"): plain JSON, not a FHIR resource.
        return TypedResults.Json(new
        {
            transactionTime = new DateTimeOffset(DateTime.SpecifyKind(job.TransactionTimeUtc, DateTimeKind.Utc)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            request = job.Request,
            requiresAccessToken = true,
            output = Outputs(job).Select(o => new { type = o.Type, url = $"{job.BaseUrl}{FilePath}{job.Id}/{o.File}", count = o.Count }),
            error = Array.Empty<object>(),
        }, contentType: "application/json");
    }

    private static async Task<IResult> Cancel(Guid id, ExplantDbContext db, IOptions<FhirOptions> options, CancellationToken ct)
    {
        var job = await db.BulkExportJobs.FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null or { Status: BulkExportStatus.Cancelled })
        {
            throw FhirException.NotFound($"no export {id} (unknown, or already cancelled)");
        }
        // A running job sees the status between types and stops; a finished job's files go now.
        job.Status = BulkExportStatus.Cancelled;
        job.Progress = "cancelled";
        await db.SaveChangesAsync(ct);
        BulkExportWorker.DeleteFiles(options.Value, id);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<IResult> Download(Guid id, string file, ExplantDbContext db, IOptions<FhirOptions> options, CancellationToken ct)
    {
        var job = await db.BulkExportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.Status == BulkExportStatus.Completed, ct)
            ?? throw FhirException.NotFound($"no completed export {id}");
        // Only a file the manifest lists: the name never reaches the file system unchecked.
        var output = Outputs(job).FirstOrDefault(o => o.File == file) ?? throw FhirException.NotFound($"export {id} has no file {file}");
        var path = Path.Combine(BulkExportWorker.Folder(options.Value, id), output.File);
        if (!File.Exists(path))
        {
            throw FhirException.NotFound($"export {id}: {file} is no longer available");
        }
        return TypedResults.PhysicalFile(path, NdJson, file);
    }

    internal static string FileName(string type) => $"{type}.ndjson";

    internal static string OutputJson(IEnumerable<(string Type, int Count)> files) =>
        JsonSerializer.Serialize(files.Select(f => new OutputFile(f.Type, FileName(f.Type), f.Count)));
}

/// <summary>The job ids waiting for the worker (in memory; the table is the truth, so a restart re-reads it).</summary>
internal sealed class BulkExportQueue
{
    private readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>();

    public void Enqueue(Guid id) => channel.Writer.TryWrite(id);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken ct) => channel.Reader.ReadAllAsync(ct);
}

/// <summary>
/// Runs the exports one at a time in the background (a 2-core server should not export in parallel with its users):
/// maps each type with the same code as search and read, writes NDJSON, records progress and the manifest's files.
/// </summary>
internal sealed class BulkExportWorker(BulkExportQueue queue, IServiceScopeFactory scopes, IOptions<FhirOptions> options, ILogger<BulkExportWorker> logger)
    : BackgroundService
{
    public static string Folder(FhirOptions options, Guid id) => Path.Combine(Path.GetFullPath(options.ExportDirectory), id.ToString("N"));

    public static void DeleteFiles(FhirOptions options, Guid id)
    {
        var dir = Folder(options, id);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Resume(stoppingToken);
        await foreach (var id in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await Run(id, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "bulk export {Job} failed", id);
                await Fail(id, e);
            }
        }
    }

    /// <summary>Jobs accepted before a restart (queued, or cut off while running) start again.</summary>
    private async System.Threading.Tasks.Task Resume(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            foreach (var id in await db.BulkExportJobs.Where(j => j.Status == BulkExportStatus.Queued || j.Status == BulkExportStatus.Running)
                .OrderBy(j => j.TransactionTimeUtc).Select(j => j.Id).ToListAsync(ct))
            {
                queue.Enqueue(id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Before the first migration there is no table yet; new jobs still arrive through the queue.
            logger.LogWarning(e, "bulk export: could not resume earlier jobs");
        }
    }

    private async System.Threading.Tasks.Task Run(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var time = scope.ServiceProvider.GetRequiredService<HospitalTime>();
        // Every status change of the worker is conditional (never over a cancel that a DELETE saved meanwhile).
        if (await db.BulkExportJobs.Where(j => j.Id == id && (j.Status == BulkExportStatus.Queued || j.Status == BulkExportStatus.Running))
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkExportStatus.Running), ct) == 0)
        {
            return;
        }
        var job = await db.BulkExportJobs.AsNoTracking().FirstAsync(j => j.Id == id, ct);

        var wanted = job.Types.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var types = BulkExport.Exportable.Where(t => wanted.Length == 0 || wanted.Contains(t.Name)).ToList();
        var odi = scope.ServiceProvider.GetService<IOptions<OdiLicensedTextOptions>>()?.Value.Version ?? OdiVersion.V21a;
        var data = new FhirData(db, time, job.BaseUrl, odi, ct);
        var dir = Folder(options.Value, id);
        Directory.CreateDirectory(dir);
        var files = new List<(string, int)>();
        for (var i = 0; i < types.Count; i++)
        {
            // Cancelled meanwhile (DELETE on the status URL): stop and leave nothing behind.
            if (await db.BulkExportJobs.AsNoTracking().AnyAsync(j => j.Id == id && j.Status == BulkExportStatus.Cancelled, ct))
            {
                DeleteFiles(options.Value, id);
                return;
            }
            var t = types[i];
            // _since: what changed after the instant; a resource without a known change time is included rather than lost.
            var resources = (await t.All(data))
                .Where(r => job.SinceUtc is not { } since || r.Meta?.LastUpdated is not { } at || at.UtcDateTime > since)
                .ToList();
            if (resources.Count > 0)
            {
                await using var writer = new StreamWriter(Path.Combine(dir, BulkExport.FileName(t.Name)), append: false, new System.Text.UTF8Encoding(false));
                foreach (var r in resources)
                {
                    await writer.WriteAsync(FhirJson.Serialize(r));
                    await writer.WriteAsync('\n');
                }
                files.Add((t.Name, resources.Count));
            }
            var progress = $"{i + 1} of {types.Count} types ({t.Name})";
            await db.BulkExportJobs.Where(j => j.Id == id && j.Status == BulkExportStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Progress, progress), ct);
        }
        var output = BulkExport.OutputJson(files);
        var now = time.UtcNow;
        if (await db.BulkExportJobs.Where(j => j.Id == id && j.Status == BulkExportStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkExportStatus.Completed).SetProperty(j => j.Progress, "done")
                .SetProperty(j => j.Output, output).SetProperty(j => j.CompletedUtc, now), ct) == 0)
        {
            // Cancelled while the last type was written.
            DeleteFiles(options.Value, id);
        }
    }

    private async System.Threading.Tasks.Task Fail(Guid id, Exception e)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
            var error = e.GetType().Name;
            await db.BulkExportJobs.Where(j => j.Id == id && j.Status == BulkExportStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkExportStatus.Failed).SetProperty(j => j.Error, error));
        }
        catch (Exception again) when (again is not OperationCanceledException)
        {
            logger.LogError(again, "bulk export {Job}: could not record the failure", id);
        }
    }
}
