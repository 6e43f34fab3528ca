using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Drivers;

/// <summary>
/// The CC's calls to its Node Controllers: gRPC over mutual TLS as the CC's "cc" certificate, trusting only the
/// cloud CA and only servers whose certificate names the role nc. The NC's messages become the CC's records here,
/// and failed calls its errors, once: a refusal the node answered keeps its code and kind (<see cref="CcException"/>),
/// a call that got no answer is a <see cref="NodeUnavailableException"/>, and a call given up by its caller an
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private readonly CcOptions _options;
    private readonly Dictionary<string, (GrpcChannel Channel, NodeController.NodeControllerClient Client)> _nodes = new(StringComparer.Ordinal);

    public NodeClient(CcOptions options, X509Certificate2 certificate, X509Certificate2 ca)
    {
        _options = options;
        foreach (var url in options.Nodes.Distinct(StringComparer.Ordinal))
        {
            var handler = MutualTls.ClientHandler(certificate, ca, ComponentRole.Nc);
            handler.ConnectTimeout = options.PollTimeout;
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            _nodes[url] = (channel, new NodeController.NodeControllerClient(channel));
        }
    }

    /// <summary>The node's instances and then its capacity, both within the poll timeout.</summary>
    public Task<NodeReport> PollAsync(string url, CancellationToken ct) =>
        CallAsync(url, async c =>
        {
            var deadline = DateTime.UtcNow.Add(_options.PollTimeout);
            // The capacity answer names the instances it counts, so which of the two is read first does not matter.
            var listed = await c.DescribeInstancesAsync(new DescribeInstancesRequest(), deadline: deadline, cancellationToken: ct);
            var node = await c.DescribeNodeAsync(new DescribeNodeRequest(), deadline: deadline, cancellationToken: ct);
            return NodeMessages.Report(node, listed.Instances);
        }, ct);

    /// <summary>Launches on the node within the launch timeout (the node may download the images first, then starts QEMU).</summary>
    public Task<InstanceReport> RunInstanceAsync(string url, InstanceLaunch launch, CancellationToken ct) =>
        CallAsync(url, async c => NodeMessages.Report(await c.RunInstanceAsync(NodeMessages.Request(launch),
            deadline: DateTime.UtcNow.Add(_options.LaunchTimeout), cancellationToken: ct)), ct);

    public Task<InstanceReport> TerminateInstanceAsync(string url, string instanceId, CancellationToken ct) =>
        CallAsync(url, async c => NodeMessages.Report(await c.TerminateInstanceAsync(new InstanceRef { InstanceId = instanceId },
            deadline: CallDeadline, cancellationToken: ct)), ct);

    public Task<InstanceReport> RebootInstanceAsync(string url, string instanceId, CancellationToken ct) =>
        CallAsync(url, async c => NodeMessages.Report(await c.RebootInstanceAsync(new InstanceRef { InstanceId = instanceId },
            deadline: CallDeadline, cancellationToken: ct)), ct);

    public Task<InstanceReport> ModifyInstanceMetadataOptionsAsync(string url, string instanceId, InstanceMetadataOptions? options, CancellationToken ct) =>
        CallAsync(url, async c => NodeMessages.Report(await c.ModifyInstanceMetadataOptionsAsync(
            new ModifyInstanceMetadataOptionsRequest { InstanceId = instanceId, MetadataOptions = NodeMessages.Options(options) },
            deadline: CallDeadline, cancellationToken: ct)), ct);

    public Task<InstanceConsole> GetConsoleOutputAsync(string url, string instanceId, CancellationToken ct) =>
        CallAsync(url, async c => NodeMessages.Console(await c.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId },
            deadline: CallDeadline, cancellationToken: ct)), ct);

    /// <summary>Has the node apply its whole network view, within the poll timeout; returns the version in force there.</summary>
    public Task<long> ApplyNetworkViewAsync(string url, NodeNetworkView view, CancellationToken ct) =>
        CallAsync(url, async c => (await c.ApplyNetworkViewAsync(NodeNetworkMessages.View(view), deadline: DateTime.UtcNow.Add(_options.PollTimeout),
            cancellationToken: ct)).Version, ct);

    private DateTime CallDeadline => DateTime.UtcNow.Add(_options.NodeCallTimeout);

    private async Task<T> CallAsync<T>(string url, Func<NodeController.NodeControllerClient, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(_nodes[url].Client);
        }
        catch (RpcException e) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException($"The call to node {url} was cancelled.", e, ct);
        }
        catch (RpcException e)
        {
            var failure = ErrorCodec.Decode(e);
            if (failure.Code is { } code)
                throw new CcException(code, failure.Message, failure.Kind);
            var cause = e.Status.DebugException?.GetBaseException().Message;
            throw new NodeUnavailableException($"{e.StatusCode}: {e.Status.Detail}" + (cause is null ? "" : $" ({cause})"));
        }
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _nodes.Values)
            channel.Dispose();
    }
}
