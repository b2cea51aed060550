using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BulkInvite.PostgreSql.Tests;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run: <c>initdb</c> into a temporary folder, <c>pg_ctl start</c> on
/// 127.0.0.1 and a free port (with <c>fsync=off</c>: nothing here must survive a power loss), stopped and deleted at the
/// end. As root, the server runs as the <c>postgres</c> user, which owns the folder. Each fixture takes a database of its
/// own (<see cref="CreateDatabaseAsync"/>). A test project starts it from a <c>[SetUpFixture]</c> of its own, in the
/// namespace of the fixtures that need it (this project's <c>PostgresServerSetUp</c>; the tool's tests link this file).
/// </summary>
public sealed class PostgresServer
{
    private const string InstallHint = "PostgreSQL's server binaries (initdb, pg_ctl) were not found. Install them with: apt-get install -y postgresql";

    private const string OwnerFile = "owner.pid";
    private static PostgresServer? s_current;

    private string _bin = null!;
    private string _folder = null!;
    private string _dataFolder = null!;
    private bool _asPostgresUser;
    private int _databases;

    /// <summary>The running server of this test run.</summary>
    public static PostgresServer Current => s_current ?? throw new InvalidOperationException("The PostgreSQL server of the test run is not started.");

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to the server's <c>postgres</c> database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>Creates the cluster and starts it; from then on it is <see cref="Current"/>.</summary>
    public async Task StartAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(InstallHint);
        _asPostgresUser = Environment.UserName == "root";
        // As root, the folder must be one the postgres user can reach: /tmp, whatever TMPDIR says.
        var parent = _asPostgresUser ? "/tmp" : Path.GetTempPath();
        await StopLeftoversAsync(parent);
        _folder = Path.Combine(parent, $"bulkinvite-pg-{Guid.NewGuid():N}");
        _dataFolder = Path.Combine(_folder, "data");
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", _folder]);
        }

        await RunPostgresToolAsync("initdb", "-D", _dataFolder, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");

        // A free port can be taken by another process before the server binds it (other test runs start servers and
        // listeners at the same time): a start that fails is tried again on another port.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartServerAsync();
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        s_current = this;
    }

    /// <summary>
    /// Stops and deletes the clusters of earlier runs whose test process is gone: a test host that crashes (a stack
    /// overflow, a kill) never reaches <see cref="StopAsync"/>, and its server would otherwise run on, holding a port and
    /// whatever files it inherited.
    /// </summary>
    private async Task StopLeftoversAsync(string parent)
    {
        foreach (var folder in Directory.GetDirectories(parent, "bulkinvite-pg-*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(await File.ReadAllTextAsync(owner), CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    await RunPostgresToolAsync("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop");
                }
                catch (InvalidOperationException)
                {
                    // Not running after all (a server that died with its host leaves its pid file).
                }
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run's cleanup got there first, or the folder is not ours to delete: this run does not need it gone.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Stops the cluster and deletes its folder.</summary>
    public async Task StopAsync()
    {
        s_current = null;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopServerAsync();
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Starts the server (again), on the same port and data folder, and waits until it accepts connections.</summary>
    public Task StartServerAsync()
        => RunPostgresToolAsync(
            "pg_ctl", "-D", _dataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
            "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"),
            "start");

    /// <summary>Stops the server at once (<c>-m fast</c>: open sessions are ended, as in a restart of a real server).</summary>
    public Task StopServerAsync() => RunPostgresToolAsync("pg_ctl", "-D", _dataFolder, "-m", "fast", "-w", "stop");

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"bulkinvite_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}");
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = true,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>The folder of initdb and pg_ctl: <c>$BULKINVITE_PG_BIN</c>, the newest <c>/usr/lib/postgresql/*/bin</c>, or the PATH.</summary>
    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("BULKINVITE_PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Folder: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Folder, "initdb")) && File.Exists(Path.Combine(d.Folder, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Folder)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs one of PostgreSQL's tools, as the postgres user when the tests run as root (the server refuses to run as root).</summary>
    private Task RunPostgresToolAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        if (!_asPostgresUser)
        {
            return RunAsync(path, arguments);
        }

        var command = string.Join(' ', new[] { path }.Concat(arguments).Select(Quote));
        return RunAsync("su", ["postgres", "-s", "/bin/bash", "-c", command]);
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
