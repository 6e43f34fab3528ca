using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// A cloud of one's own: `ironbark up` on a fresh temporary data directory, with the admin's
/// credentials read from `ironbark env`. Can be stopped, killed and started again on the same data.
/// </summary>
public sealed class Cloud : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    private readonly string? _demoGuest;
    private readonly string? _debianGuest;

    private Cloud(string? postgres, string? demoGuest, string? debianGuest)
    {
        Postgres = postgres;
        _demoGuest = demoGuest;
        _debianGuest = debianGuest;
    }

    /// <summary>The PostgreSQL connection string the cloud keeps its state in, or null for SQLite files.</summary>
    public string? Postgres { get; }

    /// <summary>The data directory (a not-yet-existing folder, so `up` creates it as on a fresh host).</summary>
    public string DataDir => _dir.Combine("data");
    public string WalrusTmp => Path.Combine(DataDir, "walrus", "tmp");
    public string WalrusBlobs => Path.Combine(DataDir, "walrus", "blobs");
    public IronbarkProcess Process { get; private set; } = null!;
    public CloudCredentials Admin { get; private set; } = null!;
    public AwsCli AdminCli => new(Admin);

    /// <summary>Runs `ironbark up`; with <paramref name="demoGuest"/> (a test guest build) or <paramref name="debianGuest"/> (a Debian guest build) it installs that guest as a public image.</summary>
    public static async Task<Cloud> StartAsync(string? postgres = null, string? demoGuest = null, string? debianGuest = null)
    {
        var cloud = new Cloud(postgres, demoGuest, debianGuest);
        try
        {
            await cloud.StartProcessAsync();
        }
        catch
        {
            await cloud.DisposeAsync();
            throw;
        }
        return cloud;
    }

    /// <summary>Starts `ironbark up` again on the same data directory (after a stop or a kill).</summary>
    public async Task StartProcessAsync()
    {
        if (Process is { HasExited: false })
            throw new InvalidOperationException("ironbark is still running.");
        if (Process is not null)
            await Process.DisposeAsync();
        Process = await IronbarkProcess.StartAsync(DataDir, Postgres, _demoGuest, _debianGuest);
        var (code, env, stderr) = await RunCommandAsync("env");
        Assert.True(code == 0, $"ironbark env failed: {stderr}");
        Admin = CloudCredentials.FromEnvOutput(env);
        // `up` records where it listens; `env` must hand out that address, not the default port.
        Assert.Equal(Process.S3Url.ToString().TrimEnd('/'), Admin.S3Url);
        Assert.Equal(Process.Ec2Url?.ToString().TrimEnd('/'), Admin.Ec2Url);
    }

    /// <summary>Runs an `ironbark` command against this cloud's data directory.</summary>
    public Task<(int Code, string Stdout, string Stderr)> RunCommandAsync(params string[] args) =>
        IronbarkBinary.RunAsync([.. args, "--data-dir", DataDir, .. Postgres is null ? [] : new[] { "--postgres", Postgres }]);

    /// <summary>`up`'s VM network: the namespace where public and elastic IPs answer (endpoints.json), null under user networking.</summary>
    public string? OutsideNamespace =>
        File.Exists(Path.Combine(DataDir, "endpoints.json"))
        && System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "endpoints.json"))).RootElement
            .TryGetProperty("OutsideNamespace", out var ns) && ns.ValueKind == System.Text.Json.JsonValueKind.String ? ns.GetString() : null;

    /// <summary>
    /// What the VMs' network of a killed `up` (or VMs left running) leaves: the VPC namespaces' dnsmasq and every
    /// namespace of the cloud (they share the outside namespace's prefix, ib&lt;hash&gt;-).
    /// </summary>
    private async Task RemoveVmNetworkAsync()
    {
        if (OutsideNamespace is not { } outside || !outside.EndsWith("outside", StringComparison.Ordinal))
            return;
        foreach (var pid in Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0).Where(p => p > 0))
        {
            try
            {
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                if (cmdline.Contains("dnsmasq", StringComparison.Ordinal) && cmdline.Contains(DataDir, StringComparison.Ordinal))
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
            {
            }
        }
        var prefix = outside[..^"outside".Length];
        if (Directory.Exists("/run/netns"))
            foreach (var ns in Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
                await ProcessRunner.RunAsync("ip", ["netns", "del", ns]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
            await Process.DisposeAsync();
        // VMs outlive `up` on purpose (a restart finds them again); a test's must not outlive the test.
        QemuLeftovers.Kill(Path.Combine(DataDir, "nc", "instances"));
        await RemoveVmNetworkAsync();
        _dir.Dispose();
    }
}

/// <summary>One cloud for all tests of a class.</summary>
public sealed class CloudFixture : IAsyncLifetime
{
    public Cloud Cloud { get; private set; } = null!;

    public async Task InitializeAsync() => Cloud = await Cloud.StartAsync();

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
            await Cloud.DisposeAsync();
    }
}
