using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Tests;

/// <summary>One NC of the VPC tests with Network=vpc, its underlay and uplink in its node namespace of the <see cref="VpcLab"/>.</summary>
public sealed class VpcNode : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private GrpcChannel? _channel;

    public VpcNode(VpcLab lab, char name, string walrusUrl, string accessKeyId, string secretAccessKey)
    {
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
        Options = new NcOptions
        {
            DataDir = _dir.Path, Url = "https://127.0.0.1:0", NodeId = "node-" + name, WalrusUrl = walrusUrl,
            AccessKeyId = accessKeyId, SecretAccessKey = secretAccessKey,
            Cores = 4, MemoryMib = 2048, Acceleration = "tcg", TerminateGrace = TimeSpan.FromSeconds(1),
            Network = "vpc", NetworkNamespacePrefix = lab.NcPrefix(name),
            UnderlayNamespace = lab.Node(name), UnderlayAddress = VpcLab.Underlay(name),
            UplinkNamespace = lab.Node(name), UplinkInterface = "eth0",
        };
    }

    public NcOptions Options { get; }
    public CloudCertificates Pki { get; }
    public NcServer? Server { get; private set; }
    public NodeController.NodeControllerClient Client { get; private set; } = null!;
    public string DataDir => _dir.Path;

    public async Task StartAsync()
    {
        Server = await NcServer.StartAsync(Options, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        _channel?.Dispose();
        _channel = GrpcChannel.ForAddress(Server.Endpoint,
            new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(Pki.Load(ComponentRole.Cc), Pki.LoadCa(), ComponentRole.Nc) });
        Client = new NodeController.NodeControllerClient(_channel);
    }

    public async Task StopAsync()
    {
        if (Server is null)
            return;
        await Server.StopAsync();
        await Server.DisposeAsync();
        Server = null;
    }

    public async Task<string> ConsoleAsync(string instanceId) =>
        (await Client.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId })).Output.ToStringUtf8();

    /// <summary>Polls the console until <paramref name="done"/> holds of it; returns the console text.</summary>
    public async Task<string> WaitForConsoleAsync(string instanceId, Func<string, bool> done, string what, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string text;
        do
        {
            text = await ConsoleAsync(instanceId);
            if (done(text))
                return text;
            await Task.Delay(300);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"{what} did not appear on the console of {instanceId} in {seconds} s. Console:\n{text}");
    }

    /// <summary>Terminates every guest of the node, then stops the NC (which then removes its VPC namespaces).</summary>
    public async Task StopGuestsAndNcAsync()
    {
        if (Server is null)
            return;
        foreach (var status in (await Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances)
            if (status.State != "terminated")
                await Client.TerminateInstanceAsync(new InstanceRef { InstanceId = status.InstanceId });
        await StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopGuestsAndNcAsync();
        }
        catch (Exception)
        {
            // Fall through to killing whatever is left by its pid file.
        }
        try
        {
            await StopAsync();
            _channel?.Dispose();
        }
        finally
        {
            QemuLeftovers.Kill(Options.InstancesDir);
            foreach (var pid in VpcLab.Dnsmasqs(_dir.Path))
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            _dir.Dispose();
        }
    }
}
