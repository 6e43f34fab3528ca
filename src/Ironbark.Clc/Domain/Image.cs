namespace Ironbark.Clc.Domain;

/// <summary>
/// A registered instance-store image: a machine (ami-), kernel (aki-) or ramdisk (ari-) image whose
/// bytes are one Walrus object named by its manifest, with the size and SHA-256 the NC verifies.
/// </summary>
public sealed class Image
{
    public const string MachinePrefix = "ami";
    public const string KernelPrefix = "aki";
    public const string RamdiskPrefix = "ari";

    public string ImageId { get; init; } = "";
    public string AccountId { get; init; } = "";
    /// <summary>"machine", "kernel" or "ramdisk".</summary>
    public string ImageType { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; set; }
    public string Architecture { get; init; } = "";
    /// <summary>"bucket/key" of the manifest, as given to RegisterImage.</summary>
    public string ImageLocation { get; init; } = "";
    public string? KernelId { get; init; }
    public string? RamdiskId { get; init; }
    public string ObjectBucket { get; init; } = "";
    public string ObjectKey { get; init; } = "";
    public long SizeBytes { get; init; }
    public string Sha256 { get; init; } = "";
    public bool IsPublic { get; set; }
    public long CreatedMs { get; init; }
    /// <summary>Accounts other than the owner that may launch it.</summary>
    public IReadOnlyList<string> LaunchAccountIds { get; set; } = [];
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    public static string PrefixFor(string imageType) => imageType switch
    {
        "kernel" => KernelPrefix,
        "ramdisk" => RamdiskPrefix,
        _ => MachinePrefix,
    };
}
