using Explant.Core.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Explant.Web.Hosting;

/// <summary>
/// The demo's data is seeded while the server is already starting and answering, so the server's own start-up (hosted
/// services, Kestrel, the first request's routing tables) runs on the second core instead of after the seed (issue #17:
/// launch). Until the seed has finished, <see cref="DemoGate"/> answers every request except the health probes and the
/// static files with 503: nobody signs in, reads or writes against half-seeded data, and <c>/health/ready</c> (this health
/// check) stays unhealthy. Outside demo mode there is nothing to prepare and the gate is open from the start.
/// </summary>
internal sealed class DemoPreparation : IHealthCheck
{
    private readonly TaskCompletionSource<DemoSeed.Report> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A preparation that still has to run (demo mode); <see cref="Open"/> has nothing to wait for.</summary>
    public DemoPreparation() { }

    public static DemoPreparation Open()
    {
        var open = new DemoPreparation();
        open.done.SetResult(new DemoSeed.Report([], [], 0));
        return open;
    }

    public bool Ready => done.Task.IsCompletedSuccessfully;

    public bool Failed => done.Task.IsFaulted;

    /// <summary>
    /// Runs the seed, then <paramref name="whenReady"/> (the banner with the accounts), and only then opens the gate. A
    /// failed seed leaves the gate closed, readiness unhealthy, and stops the application (<see cref="Start"/> then sets a
    /// non-zero exit code): the outcome of a seed that failed before the server started, never a server serving a partial demo.
    /// </summary>
    public async Task RunAsync(Func<Task<DemoSeed.Report>> seed, Action<DemoSeed.Report> whenReady, IHostApplicationLifetime lifetime, ILogger logger)
    {
        try
        {
            var report = await seed();
            whenReady(report);
            done.SetResult(report);
        }
        catch (Exception e) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped (Ctrl+C) while seeding: whatever the seed met on its way out (a cancellation, a disposed service) is
            // not a failure. The batches saved so far stay (each is whole cases, saved in one transaction), and the next
            // start keeps them: the cohort is skipped when any of it exists, so its history is shorter until the demo
            // folder is deleted.
            logger.LogWarning("The demo seed stopped with the server ({Reason}); delete the demo folder for a whole cohort", e.GetType().Name);
            done.TrySetCanceled();
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The demo data could not be prepared; stopping");
            done.SetException(e);
            // Once started: a stop requested while the server is still binding would cancel its start and crash the
            // process with the cancellation instead of ending it with the logged reason.
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        }
    }

    /// <summary>
    /// Seeds the demo on a thread-pool thread and returns at once, so the caller goes on to start the server; the banner
    /// with the address and the accounts is printed once both are done, and only then does the gate open.
    /// </summary>
    public void Start(WebApplication app)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        _ = Task.Run(async () =>
        {
            await RunAsync(async () =>
            {
                var report = await DemoSeed.RunAsync(app.Services, app.Lifetime.ApplicationStopping, line => Console.WriteLine($"demo: {line}"));
                // Seeding a cohort grows the heap once, far beyond what serving needs; the runtime keeps that memory committed
                // unless asked to give it back (issue #17: resident memory under 400 MB after the load runs).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                // The banner names the server's address: printed once the server listens and the seed is done.
                await started.Task;
                return report;
            },
            report =>
            {
                var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                Console.WriteLine();
                Console.WriteLine("Explant demo is running. Open: " + string.Join("  ", addresses));
                Console.WriteLine("Demo accounts (new passwords on every start):");
                foreach (var c in report.Users)
                {
                    Console.WriteLine($"  {c.Role,-17} {c.Email,-36} {c.Password}");
                }
                Console.WriteLine();
            }, app.Lifetime, app.Logger);
            if (Failed)
            {
                // The server stops (RunAsync above); the process then ends with this code, as an exception at start-up would.
                Environment.ExitCode = 1;
            }
        });
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Ready ? HealthCheckResult.Healthy()
            : Failed ? HealthCheckResult.Unhealthy("the demo data could not be prepared")
            : HealthCheckResult.Unhealthy("the demo data is being prepared"));
}
