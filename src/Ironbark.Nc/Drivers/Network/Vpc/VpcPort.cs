namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>One VM's interface on the node's bridge of its VPC, with the groups and public address in force.</summary>
internal sealed record VpcPort(string InstanceId, string Tap, string Mac, string PrivateIp, IReadOnlyList<string> Groups, string? PublicIp);
