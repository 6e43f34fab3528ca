using Ironbark.Common.Pki;
using Ironbark.Nc.Drivers.Fake;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The NC refuses options it cannot run with at start, before it touches the data directory, naming the option; and
/// it runs the VM driver its composition hands it instead of the one the options name.
/// </summary>
public sealed class NcOptionsTests
{
    [Theory]
    [InlineData("Url", "https://node.example:8775")]
    [InlineData("Url", "http://127.0.0.1:8775")]
    [InlineData("NodeId", " ")]
    [InlineData("WalrusUrl", "127.0.0.1:8779")]
    [InlineData("AccessKeyId", "")]
    [InlineData("Cores", "-1")]
    [InlineData("MemoryMib", "-1")]
    [InlineData("CpuOvercommit", "0")]
    [InlineData("MemoryOvercommit", "NaN")]
    [InlineData("Hypervisor", "kvm")]
    [InlineData("Acceleration", "hvf")]
    [InlineData("ImageCacheBytes", "0")]
    [InlineData("TerminateGrace", "-1")]
    [InlineData("QemuBinary", "")]
    [InlineData("Network", "bridge")]
    [InlineData("NetworkNamespacePrefix", "Ironbark/")]
    [InlineData("UnderlayAddress", "node-a")]
    [InlineData("UplinkInterface", "")]
    [InlineData("UplinkInterface", "a-name-longer-than-15")]
    [InlineData("UnderlayNamespace", "ibt-no-such-namespace")]
    [InlineData("UplinkNamespace", "ironbark-vni7")]
    public async Task A_bad_value_is_refused_at_start_with_the_option_named(string option, string value)
    {
        using var dir = new TempDir();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => NcServer.StartAsync(With(dir.Path, option, value)));
        Assert.StartsWith(option + " ", refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task A_driver_the_composition_passes_in_is_the_one_the_node_runs()
    {
        using var dir = new TempDir();
        new CloudCertificates(dir.Combine("pki")).EnsureCreated();
        // Options that name QEMU with KVM on a QEMU that does not exist: only the probe of the driver they name fails.
        var options = new NcOptions
        {
            DataDir = dir.Path, Url = "https://127.0.0.1:0", NodeId = "given-driver", Hypervisor = "qemu", Acceleration = "kvm",
            QemuBinary = "/nonexistent/qemu", QemuImgBinary = "/nonexistent/qemu-img",
            WalrusUrl = "http://127.0.0.1:9", AccessKeyId = "unused", SecretAccessKey = "unused", Cores = 2, MemoryMib = 1024,
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => NcServer.StartAsync(options, logging: Quiet));

        var driver = new FakeHypervisor();
        await using var node = await NcServer.StartAsync(options, logging: Quiet, hypervisor: driver);
        Assert.Same(driver, node.Instances.Hypervisor);
        await node.StopAsync();
    }

    private static void Quiet(ILoggingBuilder logging) => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    private const string Walrus = "http://127.0.0.1:8779";
    private const string Key = "AKIDEXAMPLE";

    /// <summary>Valid VPC options (underlay and uplink in the NC's own namespace), for one of them to be made bad.</summary>
    private static NcOptions Vpc(string dataDir) => new()
    {
        DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Network = "vpc", UnderlayAddress = "10.250.0.1", UplinkInterface = "eth0",
    };

    private static NcOptions With(string dataDir, string option, string value) => option switch
    {
        "Url" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Url = value },
        "NodeId" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, NodeId = value },
        "WalrusUrl" => new() { DataDir = dataDir, WalrusUrl = value, AccessKeyId = Key, SecretAccessKey = Key },
        "AccessKeyId" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = value, SecretAccessKey = Key },
        "Cores" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Cores = int.Parse(value) },
        "MemoryMib" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, MemoryMib = long.Parse(value) },
        "CpuOvercommit" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, CpuOvercommit = double.Parse(value) },
        "MemoryOvercommit" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, MemoryOvercommit = double.Parse(value) },
        "Hypervisor" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Hypervisor = value },
        "Acceleration" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Acceleration = value },
        "ImageCacheBytes" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, ImageCacheBytes = long.Parse(value) },
        "TerminateGrace" => new()
        {
            DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, TerminateGrace = TimeSpan.FromSeconds(int.Parse(value)),
        },
        "QemuBinary" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, QemuBinary = value },
        "Network" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, Network = value },
        "NetworkNamespacePrefix" => new() { DataDir = dataDir, WalrusUrl = Walrus, AccessKeyId = Key, SecretAccessKey = Key, NetworkNamespacePrefix = value },
        "UnderlayAddress" => Vpc(dataDir) with { UnderlayAddress = value },
        "UplinkInterface" => Vpc(dataDir) with { UplinkInterface = value },
        "UnderlayNamespace" => Vpc(dataDir) with { UnderlayNamespace = value },
        // A namespace with the NC's own prefix would be taken for a leftover VPC namespace and removed.
        "UplinkNamespace" => Vpc(dataDir) with { UplinkNamespace = value },
        _ => throw new ArgumentException($"No case for {option}.", nameof(option)),
    };
}
