using System.Text.RegularExpressions;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>Register, describe, share and deregister instance-store images (kernel aki-, ramdisk ari-, machine ami-).</summary>
public sealed partial class ImageService(ImageStore store, WalrusManifestReader manifests, TimeProvider time)
{
    private static readonly FilterSchema<Image> Filters = new(new Dictionary<string, Func<Image, IEnumerable<string?>>>
    {
        ["image-id"] = i => [i.ImageId],
        ["name"] = i => [i.Name],
        ["description"] = i => [i.Description],
        ["image-type"] = i => [i.ImageType],
        ["state"] = _ => ["available"],
        ["owner-id"] = i => [i.AccountId],
        ["is-public"] = i => [i.IsPublic ? "true" : "false"],
        ["architecture"] = i => [i.Architecture],
        ["kernel-id"] = i => [i.KernelId],
        ["ramdisk-id"] = i => [i.RamdiskId],
        ["manifest-location"] = i => [i.ImageLocation],
        ["root-device-type"] = _ => ["instance-store"],
    }, i => i.Tags);

    /// <summary>Registers the image a manifest in Walrus describes; the caller must own the manifest object.</summary>
    public async Task<Image> RegisterAsync(string accountId, string canonicalId, ImageRegistration registration, CancellationToken ct)
    {
        if (!ImageName().IsMatch(registration.Name))
            throw new Ec2Exception("InvalidAMIName.Malformed",
                "AMI names must be 3-128 characters long and may contain letters, digits, spaces and ( ) [ ] . / - ' @ _");
        if (registration.Architecture != "x86_64")
            throw Ec2Exception.InvalidParameterValue($"Value ({registration.Architecture}) for parameter architecture is invalid. Only 'x86_64' is supported.");
        var slash = registration.ImageLocation.IndexOf('/');
        if (slash <= 0 || slash == registration.ImageLocation.Length - 1)
            throw new Ec2Exception("InvalidManifest", $"The image location '{registration.ImageLocation}' is not of the form bucket/key.");
        var visible = await store.ListVisibleAsync(accountId, ct);
        if (registration.KernelId is { } kernel && visible.All(i => i.ImageId != kernel || i.ImageType != "kernel"))
            throw new Ec2Exception("InvalidAKIID.NotFound", $"The kernel image id '[{kernel}]' does not exist");
        if (registration.RamdiskId is { } ramdisk && visible.All(i => i.ImageId != ramdisk || i.ImageType != "ramdisk"))
            throw new Ec2Exception("InvalidARIID.NotFound", $"The ramdisk image id '[{ramdisk}]' does not exist");

        var bucket = registration.ImageLocation[..slash];
        var (manifest, owner) = await manifests.ReadAsync(bucket, registration.ImageLocation[(slash + 1)..], ct);
        if (owner != canonicalId)
            throw new Ec2Exception("UnauthorizedOperation", $"The manifest {registration.ImageLocation} belongs to another account.", 403);
        if (manifest.ImageType != "machine" && (registration.KernelId ?? registration.RamdiskId) is not null)
            throw Ec2Exception.InvalidParameterValue($"A {manifest.ImageType} image takes no KernelId or RamdiskId.");

        var image = new Image
        {
            ImageId = ResourceId.New(Image.PrefixFor(manifest.ImageType)), AccountId = accountId, ImageType = manifest.ImageType,
            Name = registration.Name, Description = registration.Description, Architecture = registration.Architecture,
            ImageLocation = registration.ImageLocation, KernelId = registration.KernelId, RamdiskId = registration.RamdiskId,
            ObjectBucket = bucket, ObjectKey = manifest.Key, SizeBytes = manifest.SizeBytes, Sha256 = manifest.Sha256,
            CreatedMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (!await store.TryInsertAsync(image, ct))
            throw new Ec2Exception("InvalidAMIName.Duplicate", $"AMI name {registration.Name} is already in use by AMI of this account");
        return image;
    }

    /// <summary>The images the account sees, narrowed by ids (each must be visible), owners, who may launch them and filters.</summary>
    public async Task<IReadOnlyList<Image>> DescribeAsync(string accountId, IReadOnlyList<string> imageIds, IReadOnlyList<string> owners,
        IReadOnlyList<string> executableBy, IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        foreach (var id in imageIds)
            CheckId(id);
        IEnumerable<Image> images = await store.ListVisibleAsync(accountId, ct);
        if (imageIds.Count > 0)
        {
            var all = images.ToList();
            foreach (var id in imageIds.Where(id => all.All(i => i.ImageId != id)))
                throw NotFound(id);
            images = all.Where(i => imageIds.Contains(i.ImageId));
        }
        if (owners.Count > 0)
            images = images.Where(i => owners.Any(o => o == i.AccountId || (o == "self" && i.AccountId == accountId)));
        if (executableBy.Count > 0)
            images = images.Where(i => executableBy.Any(e => e switch
            {
                "all" => i.IsPublic,
                "self" => true,
                _ => i.IsPublic || i.LaunchAccountIds.Contains(e) || i.AccountId == e,
            }));
        return Filters.Apply(images, filters);
    }

    /// <summary>An image the caller owns (UnauthorizedOperation when it only sees it, NotFound when not even that).</summary>
    public async Task<Image> OwnedAsync(string accountId, string imageId, CancellationToken ct)
    {
        CheckId(imageId);
        var image = (await store.ListVisibleAsync(accountId, ct)).FirstOrDefault(i => i.ImageId == imageId) ?? throw NotFound(imageId);
        return image.AccountId == accountId
            ? image
            : throw new Ec2Exception("UnauthorizedOperation", $"You are not authorized to change image {imageId}: it belongs to another account.", 403);
    }

    public async Task DeregisterAsync(string accountId, string imageId, CancellationToken ct)
    {
        await OwnedAsync(accountId, imageId, ct);
        if (!await store.DeleteAsync(accountId, imageId, ct))
            throw NotFound(imageId);
    }

    /// <summary>Changes the description and launch permissions (accounts added and removed; "all" makes it public).</summary>
    public async Task<Image> ModifyAsync(string accountId, string imageId, ImageAttributeChange change, CancellationToken ct)
    {
        var image = await OwnedAsync(accountId, imageId, ct);
        foreach (var user in change.AddUserIds.Concat(change.RemoveUserIds))
            if (user.Length != 12 || !user.All(char.IsAsciiDigit))
                throw Ec2Exception.InvalidParameterValue($"Value ({user}) for parameter UserId is invalid. Expected a 12-digit account id.");
        if (change.Description is { Length: > 255 })
            throw Ec2Exception.InvalidParameterValue("Value for parameter Description is invalid. Length exceeds maximum of 255 characters.");
        image.Description = change.Description ?? image.Description;
        image.IsPublic = change.AddAll || (image.IsPublic && !change.RemoveAll);
        image.LaunchAccountIds = image.LaunchAccountIds.Union(change.AddUserIds).Except(change.RemoveUserIds).Where(a => a != accountId).ToList();
        if (!await store.UpdateAttributesAsync(image, ct))
            throw NotFound(imageId);
        return image;
    }

    private static void CheckId(string imageId)
    {
        if (!ResourceId.IsValid(imageId, Image.MachinePrefix) && !ResourceId.IsValid(imageId, Image.KernelPrefix) && !ResourceId.IsValid(imageId, Image.RamdiskPrefix))
            throw new Ec2Exception("InvalidAMIID.Malformed", $"Invalid id: \"{imageId}\" (expecting \"ami-...\")");
    }

    private static Ec2Exception NotFound(string imageId) => new("InvalidAMIID.NotFound", $"The image id '[{imageId}]' does not exist");

    [GeneratedRegex(@"^[A-Za-z0-9 ()\[\]./\-'@_]{3,128}$")]
    private static partial Regex ImageName();
}
