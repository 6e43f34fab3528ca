using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ironbark.Testing;

/// <summary>
/// A throw-away PostgreSQL server for tests (Debian's postgresql package): initdb into a temp
/// directory, started on a free loopback port, stopped and removed on dispose.
/// Each call of <see cref="CreateDatabaseAsync"/> gives a fresh, empty database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);

    private readonly string _dir;
    private readonly string _bin;
    private int _databases;

    public int Port { get; }

    private PostgresServer(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    /// <summary>
    /// Room for several classes at once, each with a Walrus and an account store whose pools hold up to 50
    /// connections each (the default of 100 is one class's worth).
    /// </summary>
    private const int MaxConnections = 500;

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => System.IO.Path.Combine(d, "bin"))
                      .FirstOrDefault(d => File.Exists(System.IO.Path.Combine(d, "initdb")))
                  ?? throw new InvalidOperationException("PostgreSQL is not installed (scripts/setup installs it).");
        var dir = Directory.CreateTempSubdirectory("ironbark-pg-").FullName;
        var port = FreePort();
        // initdb refuses to run as root: the cluster belongs to the postgres user.
        await Check(ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", dir]));
        await Check(ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", System.IO.Path.Combine(bin, "initdb"), "-D", System.IO.Path.Combine(dir, "data"),
            "-A", "trust", "-U", "postgres", "--no-sync"]));
        await Check(ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", System.IO.Path.Combine(bin, "pg_ctl"), "-D", System.IO.Path.Combine(dir, "data"),
            "-l", System.IO.Path.Combine(dir, "log"), "-w", "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections={MaxConnections}", "start"]));
        return new PostgresServer(dir, bin, port);
    }

    /// <summary>
    /// The test run's one server, started on first use and stopped when the run ends (see <see cref="TestRun"/>):
    /// initdb and a server start once per test assembly, not once per class; each class takes a database of its own.
    /// </summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartAsync();
        try
        {
            TestRun.Own(server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50";

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"ironbark_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", System.IO.Path.Combine(_bin, "pg_ctl"), "-D", System.IO.Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Check(Task<(int Code, string Stdout, string Stderr)> run)
    {
        var (code, stdout, stderr) = await run;
        if (code != 0)
            throw new InvalidOperationException($"PostgreSQL set-up failed ({code}): {stdout} {stderr}");
    }
}
