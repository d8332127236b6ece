using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Explant.Core.Procedures;

/// <summary>Imports definition text into the catalog: validate, then store as a new version unless unchanged.</summary>
public static class ImportProcedure
{
    public sealed record Command(string Text, string SourceName, string? IfMatch = null);

    public abstract record Result
    {
        public sealed record Created(ProcedureDefinition Definition, IReadOnlyList<ParseMessage> Warnings) : Result;
        public sealed record Unchanged(ProcedureDefinition Definition, IReadOnlyList<ParseMessage> Warnings) : Result;
        public sealed record Invalid(IReadOnlyList<ParseMessage> Errors, IReadOnlyList<ParseMessage> Warnings) : Result;
        /// <summary>The caller's If-Match named a version that is no longer the latest.</summary>
        public sealed record Stale(string CurrentETag) : Result;
    }

    public static async Task<Result> Handle(Command command, ExplantDbContext db, TimeProvider clock, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);

        var outcome = ProcedureParser.Parse(command.Text);
        if (!outcome.Succeeded)
        {
            return new Result.Invalid(outcome.Errors, outcome.Warnings);
        }
        var doc = outcome.Document!;
        var latest = await db.ProcedureDefinitions
            .Where(p => p.Code == doc.Code)
            .OrderByDescending(p => p.Version)
            .FirstOrDefaultAsync(ct);

        if (command.IfMatch is { } ifMatch && ifMatch != "*" && ifMatch != latest?.ETag)
        {
            return new Result.Stale(latest?.ETag ?? "");
        }
        if (latest is not null && latest.ContentHash == ProcedureDefinition.HashOf(command.Text))
        {
            return new Result.Unchanged(latest, doc.Warnings);
        }

        var created = ProcedureDefinition.Create(doc, command.Text, command.SourceName, (latest?.Version ?? 0) + 1,
            clock.GetUtcNow().UtcDateTime, actor);
        db.ProcedureDefinitions.Add(created);
        // A concurrent import of the same code races for the same version number; the unique index on
        // (Code, Version) lets exactly one win and the other surfaces as DbUpdateException (HTTP 409).
        await db.SaveChangesAsync(ct);
        return new Result.Created(created, doc.Warnings);
    }
}
