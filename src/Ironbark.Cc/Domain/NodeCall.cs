using Grpc.Core;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Domain;

/// <summary>A call to the node holding a known instance, with the node's refusals turned into cluster errors.</summary>
internal static class NodeCall
{
    /// <summary>
    /// Calls the node unless its last poll found it down (the CLC will retry later), and translates what
    /// goes wrong: the NC's own errors keep their code; no answer at all means the node is unavailable.
    /// </summary>
    public static async Task<T> RunAsync<T>(NodeRegistry registry, KnownInstance known,
        Func<NodeController.NodeControllerClient, Task<T>> call, CancellationToken ct)
    {
        var node = registry.Find(known.NodeUrl);
        if (node is null)
            throw CcException.NodeUnavailable(known.InstanceId, known.NodeUrl, "the node is no longer configured");
        if (!node.Up)
            throw CcException.NodeUnavailable(known.InstanceId, known.NodeUrl, node.Reason);
        try
        {
            return await call(registry.Client(known.NodeUrl));
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            throw CcException.FromNode(e, known.InstanceId, known.NodeUrl);
        }
    }
}
