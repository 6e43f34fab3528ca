namespace Ironbark.Cc.Domain;

/// <summary>The whole network view one node applies (nc.proto NetworkView), built by <see cref="NetworkViewBuilder"/>.</summary>
public sealed record NodeNetworkView(long Version, IReadOnlyList<SecurityGroupMembers> Groups, IReadOnlyList<VpcInterface> Interfaces,
    IReadOnlyList<TunnelEndpoint> Peers);

/// <summary>A group's definition and the private addresses of every interface of the zone in it.</summary>
public sealed record SecurityGroupMembers(SecurityGroupDefinition Group, IReadOnlyList<string> MemberIps);

/// <summary>Another node of the zone: its address on the node network and the tunnel ids of the VPCs that have interfaces there.</summary>
public sealed record TunnelEndpoint(string NodeId, string UnderlayIp, IReadOnlyList<uint> Vnis);
