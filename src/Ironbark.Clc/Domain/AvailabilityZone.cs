namespace Ironbark.Clc.Domain;

/// <summary>One availability zone of the region (a cluster): its name, its EC2 zone id (REGION-azN) and its state.</summary>
public sealed record AvailabilityZone(string Name, string Id, string State, string Region);
