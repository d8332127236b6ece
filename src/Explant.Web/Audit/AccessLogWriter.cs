using System.Threading.Channels;
using Explant.Core.Audit;
using Explant.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Explant.Web.Audit;

/// <summary>
/// Group commit for access-log rows. Every read of a patient record writes a row before its response leaves
/// (<see cref="AccessLogging"/>); written one insert per request, concurrent reads queued behind each other's write
/// lock and commit (SQLite allows one writer; each commit is a flush to disk), which capped case reads at a few hundred
/// a second with p99 in the hundreds of milliseconds (issue #17). Here one loop takes every row waiting and inserts them
/// in one transaction; each request still waits until its own row is committed, so "answered" still means "logged".
/// Hand-written: a bounded batching queue is a few lines on <see cref="Channel"/>, and no logging sink writes to our table.
/// </summary>
internal sealed class AccessLogWriter(IServiceScopeFactory scopes, ILogger<AccessLogWriter> logger) : BackgroundService
{
    /// <summary>Rows per transaction at most: a burst is split into a few commits, none of them long.</summary>
    private const int MaxBatch = 500;

    private sealed record Pending(AccessLogEntry Entry, TaskCompletionSource Done);

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes when the row is committed; faults when it could not be written.</summary>
    public Task WriteAsync(AccessLogEntry entry)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new Pending(entry, done)))
        {
            done.SetException(new InvalidOperationException("the access log is closed (the app is stopping)"));
        }
        return done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        // Runs until the queue is closed and empty (StopAsync), not until stoppingToken: the rows of the last requests
        // served before shutdown still land.
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                await SaveAsync([.. batch.Select(p => p.Entry)]);
                batch.ForEach(p => p.Done.TrySetResult());
            }
#pragma warning disable CA1031 // a failed batch is retried row by row; what still fails is reported to its request, never thrown here
            catch (Exception batchFailure)
            {
                logger.LogWarning(batchFailure, "Access log batch of {Count} rows failed; writing them one by one", batch.Count);
                foreach (var p in batch)
                {
                    try
                    {
                        await SaveAsync([p.Entry]);
                        p.Done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        p.Done.TrySetException(e);
                    }
                }
            }
#pragma warning restore CA1031
            batch.Clear();
        }
    }

    /// <summary>
    /// One multi-row INSERT per group, not EF's SaveChanges: the rows are never read back, so tracking them, reading their
    /// generated ids and running the save interceptors was work done inside the one loop every read waits on (issue #17:
    /// the case JSON answered about 9 % more reads than with the group saved through SaveChanges). One statement is
    /// atomic on both providers: the group lands whole or not at all, and a failed group is retried row by row above.
    /// Table and column names come from the EF model (<see cref="RowInserter"/>), so a renamed column cannot drift from this statement.
    /// </summary>
    private async Task SaveAsync(IReadOnlyList<AccessLogEntry> rows)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExplantDbContext>();
        var (sql, values) = RowInserter.Statement(db, rows);
        await db.Database.ExecuteSqlRawAsync(sql, values, CancellationToken.None);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
