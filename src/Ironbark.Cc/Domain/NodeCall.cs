namespace Ironbark.Cc.Domain;

/// <summary>A call to the node holding a known instance, with a node that does not answer turned into a cluster error.</summary>
internal static class NodeCall
{
    /// <summary>
    /// Calls the node unless its last poll found it down (the CLC will retry later). The node's own refusals
    /// keep their code (the node client throws them as <see cref="CcException"/>); no answer at all means the
    /// node is unavailable.
    /// </summary>
    public static async Task<T> RunAsync<T>(NodeRegistry registry, KnownInstance known, Func<Task<T>> call)
    {
        var node = registry.Find(known.NodeUrl);
        if (node is null)
            throw CcException.NodeUnavailable(known.InstanceId, known.NodeUrl, "the node is no longer configured");
        if (!node.Up)
            throw CcException.NodeUnavailable(known.InstanceId, known.NodeUrl, node.Reason);
        try
        {
            return await call();
        }
        catch (NodeUnavailableException e)
        {
            throw CcException.NodeUnavailable(known.InstanceId, known.NodeUrl, e.Message);
        }
    }
}
