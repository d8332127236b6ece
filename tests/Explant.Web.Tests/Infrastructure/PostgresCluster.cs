using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Explant.Web.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster on a free loopback port, one per test run, removed at exit.
/// There is no skip: without the server binaries the tests fail and say how to install them.
/// </summary>
public sealed class PostgresCluster
{
    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(StartAsync);
    private readonly string dataDir;
    private readonly string binDir;
    private readonly int port;

    private PostgresCluster(string dataDir, string binDir, int port)
    {
        this.dataDir = dataDir;
        this.binDir = binDir;
        this.port = port;
    }

    public static Task<PostgresCluster> SharedAsync() => SharedCluster.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=true;Include Error Detail=true";

    /// <summary>A fresh, empty database for one test class.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "explant_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task<PostgresCluster> StartAsync()
    {
        var binDir = FindBinDir();
        var dataDir = Path.Combine(Path.GetTempPath(), "explant-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", false, "-R", "postgres:postgres", dataDir);
        }
        await RunAsync(Path.Combine(binDir, "initdb"), asRoot, "-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale");
        var cluster = new PostgresCluster(dataDir, binDir, FreePort());
        await cluster.StartServerAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop(asRoot);
        return cluster;
    }

    private static bool AsRoot => Environment.UserName == "root";

    private Task StartServerAsync() =>
        RunAsync(Path.Combine(binDir, "pg_ctl"), AsRoot, "-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -h 127.0.0.1 -k {dataDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500", "start");

    /// <summary>A cluster of its own, for a test that stops and starts the server (the shared one serves other tests meanwhile).</summary>
    public static Task<PostgresCluster> StartPrivateAsync() => StartAsync();

    /// <summary>Stops the server as an administrator would (pg_ctl stop -m fast: sessions ended, open transactions rolled back).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(binDir, "pg_ctl"), AsRoot, "-D", dataDir, "-m", "fast", "-w", "stop");

    /// <summary>Starts the stopped server again on the same port and data directory.</summary>
    public Task StartAgainAsync() => StartServerAsync();

    /// <summary>Stops a private cluster and deletes its files.</summary>
    public Task RemoveAsync() => Task.Run(() => Stop(AsRoot));

    private void Stop(bool asRoot)
    {
        if (!Directory.Exists(dataDir))
        {
            return; // a private cluster already removed
        }
        try
        {
            RunAsync(Path.Combine(binDir, "pg_ctl"), asRoot, "-D", dataDir, "-m", "immediate", "stop").GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a test that stopped it failed before starting it again): the files still go.
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string FindBinDir()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PG_BIN");
        if (fromEnv is not null && File.Exists(Path.Combine(fromEnv, "initdb")))
        {
            return fromEnv;
        }
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (looked in $PG_BIN and /usr/lib/postgresql/*/bin). " +
            "Install the Debian package 'postgresql' (scripts/test.sh does this).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, bool asPostgres, params string[] args)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr} {await stdout}");
        }
    }
}
