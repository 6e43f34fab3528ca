using Grpc.Core;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Tests;

/// <summary>Answers as a Node Controller would, whatever certificate it presents, and counts what reached it.</summary>
public sealed class ImpostorNode : NodeController.NodeControllerBase
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override Task<NodeDescription> DescribeNode(DescribeNodeRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new NodeDescription { NodeId = "impostor", CoresTotal = 64, CoresFree = 64, MemoryMibTotal = 65536, MemoryMibFree = 65536 });
    }

    public override Task<DescribeInstancesResponse> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new DescribeInstancesResponse());
    }
}
