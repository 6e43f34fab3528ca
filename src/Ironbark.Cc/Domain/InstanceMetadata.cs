namespace Ironbark.Cc.Domain;

/// <summary>Everything the node's metadata service answers for an instance; the CC hands it on as it came.</summary>
public sealed record InstanceMetadata
{
    public byte[] UserData { get; init; } = [];
    public string PublicKey { get; init; } = "";
    public string KeyName { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string InstanceType { get; init; } = "";
    public string Hostname { get; init; } = "";
    public string AvailabilityZone { get; init; } = "";
    public string ReservationId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string KernelId { get; init; } = "";
    public string RamdiskId { get; init; } = "";
    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    // By content: a retried launch carries copies of the bytes and the list, and must still count as the same launch.
    public bool Equals(InstanceMetadata? other) =>
        other is not null && Text == other.Text && UserData.AsSpan().SequenceEqual(other.UserData) && SecurityGroups.SequenceEqual(other.SecurityGroups);

    public override int GetHashCode() => Text.GetHashCode();

    private (string, string, string, string, string, string, string, string, string, string) Text =>
        (PublicKey, KeyName, ImageId, InstanceType, Hostname, AvailabilityZone, ReservationId, AccountId, KernelId, RamdiskId);
}
