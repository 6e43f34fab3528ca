namespace Ironbark.Clc.Domain;

/// <summary>
/// An instance as its zone's CC reports it: the state its node last saw (with the reason when it ended), the node
/// it is on and whether that node answers now, the metadata options the node enforces, and its primary interface as the
/// CC allocated it (null for an instance launched without a VPC interface).
/// </summary>
public sealed record InstanceReport(string InstanceId, string State, string Reason, string NodeId, bool NodeUp, InstanceMetadataOptions MetadataOptions,
    InterfaceAllocation? Network = null);
