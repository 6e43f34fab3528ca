using Ironbark.Cloud;
using Ironbark.Common.Hosting;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The composition every host, fixture and benchmark starts components with: in order, each from what started
/// before it; on a failed start, what had started is stopped (its state free for the next start); stopped in reverse.
/// Real NCs (fake hypervisor) and a real CC on loopback.
/// </summary>
public sealed class CompositionTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CloudCertificates _pki;

    public CompositionTests()
    {
        _pki = new CloudCertificates(_dir.Combine("pki"));
        _pki.EnsureCreated();
    }

    [Fact]
    public async Task Components_start_in_order_each_seeing_those_before_it_and_stop_in_reverse()
    {
        var stops = new List<string>();
        var cloud = await new CloudComposition()
            .Add((_, _) => Task.FromResult<IComponentServer>(new Recorder("first", stops)))
            .AddNc(_ => Node("nc"), Quiet)
            .AddCc(running => Cluster(running.Get<NcServer>().Endpoint.ToString()), Quiet)
            .Add((_, _) => Task.FromResult<IComponentServer>(new Recorder("last", stops)))
            .StartAsync();
        var cc = cloud.Get<CcServer>();
        Assert.Equal([cloud.Get<NcServer>().Endpoint.ToString()], cc.Registry.Nodes.Select(n => n.Url));

        await cloud.StopAsync();

        // The last started stopped first; the NC's and CC's state directories are free again.
        Assert.Equal(["last", "first"], stops);
        await using var again = await new CloudComposition().AddNc(_ => Node("nc"), Quiet).AddCc(_ => Cluster("https://127.0.0.1:9"), Quiet).StartAsync();
        Assert.NotNull(again.Find<CcServer>());
    }

    [Fact]
    public async Task A_component_that_fails_to_start_stops_those_started_before_it()
    {
        var stops = new List<string>();
        var failing = new CloudComposition()
            .Add((_, _) => Task.FromResult<IComponentServer>(new Recorder("first", stops)))
            .AddNc(_ => Node("nc-failing"), Quiet)
            .AddCc(_ => Cluster("https://127.0.0.1:9", pollInterval: TimeSpan.Zero), Quiet);

        await Assert.ThrowsAsync<ArgumentException>(() => failing.StartAsync());

        Assert.Equal(["first"], stops);
        // The NC it had started is stopped: its state directory takes a new NC.
        await using var again = await new CloudComposition().AddNc(_ => Node("nc-failing"), Quiet).StartAsync();
        Assert.NotNull(again.Find<NcServer>());
    }

    private NcOptions Node(string name) => new()
    {
        DataDir = DataDir(name), Url = "https://127.0.0.1:0", NodeId = name, Hypervisor = "fake",
        WalrusUrl = "http://127.0.0.1:9", AccessKeyId = "unused", SecretAccessKey = "unused", Cores = 2, MemoryMib = 1024,
    };

    private CcOptions Cluster(string node, TimeSpan? pollInterval = null) => new()
    {
        DataDir = DataDir("cc"),
        Url = "https://127.0.0.1:0", Cluster = "zone-composed", Nodes = [node],
        PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(300), PollTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>A data directory with a copy of the cloud's PKI, made once: a component started again finds its own.</summary>
    private string DataDir(string name) =>
        Directory.Exists(_dir.Combine(name)) ? _dir.Combine(name) : TestCertificates.CopyPkiInto(_pki, _dir.Combine(name));

    private static void Quiet(ILoggingBuilder l) => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);

    /// <summary>A component that only notes that it was stopped.</summary>
    private sealed class Recorder(string name, List<string> stops) : IComponentServer
    {
        public Uri Endpoint { get; } = new("http://127.0.0.1:9");

        public Task StopAsync(CancellationToken ct = default)
        {
            stops.Add(name);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}
