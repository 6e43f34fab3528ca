using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;

namespace Ironbark.Clc.Tests;

/// <summary>RegisterImage over manifests in a real Walrus, DescribeImages, sharing, attributes and DeregisterImage.</summary>
public abstract class ImageTests(ClcFixture f)
{
    /// <summary>Uploads bytes and their manifest into a new bucket of the account, readable by the system account as `ironbark image install` leaves them.</summary>
    private async Task<string> UploadAsync(IAmazonS3 s3, string type, byte[]? bytes = null, string? manifest = null, bool grant = true, long? size = null)
    {
        var bucket = ClcFixture.Unique("images");
        await s3.PutBucketAsync(bucket);
        bytes ??= RandomNumberGenerator.GetBytes(4096);
        List<S3Grant> Grants(params S3Permission[] permissions) => grant
            ? [.. permissions.Select(p => new S3Grant { Grantee = new S3Grantee { CanonicalUser = f.SystemCanonicalId }, Permission = p })]
            : [];
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "image.img", InputStream = new MemoryStream(bytes), Grants = Grants(S3Permission.READ) });
        manifest ??= $"""
            <imageManifest version="1"><imageType>{type}</imageType><key>image.img</key><size>{size ?? bytes.Length}</size>
            <sha256>{Convert.ToHexStringLower(SHA256.HashData(bytes))}</sha256></imageManifest>
            """;
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "image.manifest.xml", ContentBody = manifest, Grants = Grants(S3Permission.READ, S3Permission.READ_ACP),
        });
        return $"{bucket}/image.manifest.xml";
    }

    private async Task<string> RegisterAsync(IAmazonEC2 ec2, string location, string? kernel = null, string? ramdisk = null, string? name = null) =>
        (await ec2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = location, Name = name ?? ClcFixture.Unique("image"), Architecture = ArchitectureValues.X86_64, KernelId = kernel, RamdiskId = ramdisk,
        })).ImageId;

    private async Task<(string Kernel, string Ramdisk, string Machine)> RegisterSetAsync()
    {
        var kernel = await RegisterAsync(f.AliceEc2, await UploadAsync(f.AliceS3, "kernel"));
        var ramdisk = await RegisterAsync(f.AliceEc2, await UploadAsync(f.AliceS3, "ramdisk"));
        return (kernel, ramdisk, await RegisterAsync(f.AliceEc2, await UploadAsync(f.AliceS3, "machine"), kernel, ramdisk));
    }

    private static async Task<List<Amazon.EC2.Model.Image>> DescribeAsync(IAmazonEC2 ec2, DescribeImagesRequest request) =>
        (await ec2.DescribeImagesAsync(request)).Images ?? [];

    [Fact]
    public async Task Kernel_ramdisk_and_machine_images_are_registered_and_described_with_filters()
    {
        var location = await UploadAsync(f.AliceS3, "machine");
        var (kernel, ramdisk, _) = await RegisterSetAsync();
        var name = ClcFixture.Unique("debian");
        var machine = (await f.AliceEc2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = location, Name = name, Description = "test guest", KernelId = kernel, RamdiskId = ramdisk,
        })).ImageId;
        Assert.Matches("^aki-[0-9a-f]{17}$", kernel);
        Assert.Matches("^ari-[0-9a-f]{17}$", ramdisk);
        Assert.Matches("^ami-[0-9a-f]{17}$", machine);

        var image = Assert.Single(await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { ImageIds = [machine] }));
        Assert.Equal((name, "test guest", location, ImageState.Available, f.AliceAccountId, false), (image.Name, image.Description, image.ImageLocation, image.State, image.OwnerId, image.Public));
        Assert.Equal((ImageTypeValues.Machine, ArchitectureValues.X86_64, kernel, ramdisk, DeviceType.InstanceStore),
            (image.ImageType, image.Architecture, image.KernelId, image.RamdiskId, image.RootDeviceType));
        Assert.Equal(ImageTypeValues.Kernel, Assert.Single(await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { ImageIds = [kernel] })).ImageType);

        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [machine], Tags = [new Tag("os", name)] });
        foreach (var filter in new[]
                 {
                     new Filter("name", [name]), new Filter("image-id", [machine]),
                     new Filter("tag:os", [name]), new Filter("tag-key", ["os"]),
                 })
            Assert.Equal(machine, Assert.Single(await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { Filters = [filter] })).ImageId);
        // The set registered with these also uses them: two machine images each.
        foreach (var filter in new[] { new Filter("kernel-id", [kernel]), new Filter("ramdisk-id", [ramdisk]) })
        {
            var matching = (await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { Filters = [filter] })).Select(i => i.ImageId).ToList();
            Assert.Equal(2, matching.Count);
            Assert.Contains(machine, matching);
        }
        var own = await DescribeAsync(f.AliceEc2, new DescribeImagesRequest
        {
            Owners = ["self"],
            Filters = [new Filter("image-type", ["machine"]), new Filter("state", ["available"]), new Filter("is-public", ["false"]),
                new Filter("architecture", ["x86_64"]), new Filter("owner-id", [f.AliceAccountId]), new Filter("kernel-id", [kernel])],
        });
        Assert.Equal([machine], own.Select(i => i.ImageId).Order().Where(i => i == machine));
        Assert.Contains(own, i => i.ImageId == machine && i.Tags.Single().Value == name);
        Assert.Equal(ImageTypeValues.Kernel, Assert.Single(await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { ImageIds = [kernel], Owners = [f.AliceAccountId] })).ImageType);

        // Bob sees none of them.
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.BobEc2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [machine] }));
        Assert.DoesNotContain(await DescribeAsync(f.BobEc2, new DescribeImagesRequest()), i => i.ImageId == machine || i.ImageId == kernel);
    }

    [Fact]
    public async Task Launch_permissions_share_an_image_with_an_account_or_everyone_and_only_the_owner_changes_it()
    {
        var (kernel, _, machine) = await RegisterSetAsync();
        await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = machine, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { UserId = f.BobAccountId }] },
        });
        var permissions = await f.AliceEc2.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = machine, Attribute = "launchPermission" });
        Assert.Equal(f.BobAccountId, Assert.Single(permissions.ImageAttribute.LaunchPermissions).UserId);
        var shared = Assert.Single(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { ExecutableUsers = ["self"], Filters = [new Filter("image-id", [machine])] }));
        Assert.Equal(f.AliceAccountId, shared.OwnerId);
        Assert.Null(shared.Tags);
        Assert.Empty(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { ExecutableUsers = ["all"], Filters = [new Filter("image-id", [machine])] }));
        Assert.Empty(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { Owners = ["self"], Filters = [new Filter("image-id", [machine])] }));

        // Bob may launch it, but not change, deregister, tag or inspect its permissions.
        await Ec2Assert.FailsAsync("UnauthorizedOperation", HttpStatusCode.Forbidden, () => f.BobEc2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = machine }));
        await Ec2Assert.FailsAsync("UnauthorizedOperation", HttpStatusCode.Forbidden, () => f.BobEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = machine, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
        }));
        await Ec2Assert.FailsAsync("UnauthorizedOperation", HttpStatusCode.Forbidden, () => f.BobEc2.DescribeImageAttributeAsync(new DescribeImageAttributeRequest
        {
            ImageId = machine, Attribute = "launchPermission",
        }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.BobEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [machine], Tags = [new Tag("k", "v")] }));

        await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = machine, LaunchPermission = new LaunchPermissionModifications { Remove = [new LaunchPermission { UserId = f.BobAccountId }] },
        });
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.BobEc2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [machine] }));

        // Public: everyone sees it; a public kernel is usable in another account's registration.
        await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = kernel, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
        });
        var publicKernel = Assert.Single(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { ExecutableUsers = ["all"], Filters = [new Filter("image-id", [kernel])] }));
        Assert.True(publicKernel.Public);
        Assert.Equal(PermissionGroup.All, Assert.Single((await f.AliceEc2.DescribeImageAttributeAsync(new DescribeImageAttributeRequest
        {
            ImageId = kernel, Attribute = "launchPermission",
        })).ImageAttribute.LaunchPermissions).Group);
        var bobs = await RegisterAsync(f.BobEc2, await UploadAsync(f.BobS3, "machine"), kernel);
        Assert.Equal(kernel, Assert.Single(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { ImageIds = [bobs] })).KernelId);
        await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = kernel, LaunchPermission = new LaunchPermissionModifications { Remove = [new LaunchPermission { Group = PermissionGroup.All }] },
        });
        Assert.Empty(await DescribeAsync(f.BobEc2, new DescribeImagesRequest { Filters = [new Filter("image-id", [kernel])] }));
    }

    [Fact]
    public async Task Description_is_changed_and_deregistering_removes_the_image_and_its_tags()
    {
        var (_, _, machine) = await RegisterSetAsync();
        await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = machine, Description = "now described" });
        var attribute = await f.AliceEc2.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = machine, Attribute = "description" });
        Assert.Equal("now described", attribute.ImageAttribute.Description);
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [machine], Tags = [new Tag("k", "v")] });
        var tag = Assert.Single((await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [machine])] })).Tags);
        Assert.Equal(ResourceType.Image, tag.ResourceType);

        await f.AliceEc2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = machine });
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [machine] }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = machine }));
        Assert.Null((await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [machine])] })).Tags);
    }

    [Fact]
    public async Task Bad_manifests_unknown_kernels_and_ids_and_foreign_manifests_are_refused_and_nothing_is_registered()
    {
        var before = (await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { Owners = ["self"] })).Count;
        Task<AmazonEC2Exception> Refused(string code, string location) =>
            Ec2Assert.FailsAsync(code, () => f.AliceEc2.RegisterImageAsync(new RegisterImageRequest { ImageLocation = location, Name = ClcFixture.Unique("bad") }));

        var good = await UploadAsync(f.AliceS3, "machine");
        var bucket = good.Split('/')[0];
        await Refused("InvalidManifest", $"{bucket}/no-such-manifest.xml");
        await Refused("InvalidManifest", "no-such-bucket-at-all/m.xml");
        await Refused("InvalidManifest", "no-slash");
        await Refused("InvalidManifest", await UploadAsync(f.AliceS3, "machine", manifest: "<not xml"));
        await Refused("InvalidManifest", await UploadAsync(f.AliceS3, "machine", manifest: "<imageManifest version=\"1\"><imageType>floppy</imageType></imageManifest>"));
        await Refused("InvalidManifest", await UploadAsync(f.AliceS3, "machine", size: 12345));
        var e = await Refused("InvalidManifest", await UploadAsync(f.AliceS3, "machine", grant: false));
        Assert.Contains("system account", e.Message);

        // Bob cannot register Alice's manifest, even though the cloud can read it.
        await Ec2Assert.FailsAsync("UnauthorizedOperation", HttpStatusCode.Forbidden, () => f.BobEc2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = good, Name = ClcFixture.Unique("stolen"),
        }));

        var (kernel, ramdisk, _) = await RegisterSetAsync();
        await Ec2Assert.FailsAsync("InvalidAKIID.NotFound", () => RegisterAsync(f.AliceEc2, good, kernel: "aki-0123456789abcdef0"));
        await Ec2Assert.FailsAsync("InvalidAKIID.NotFound", () => RegisterAsync(f.AliceEc2, good, kernel: ramdisk));
        await Ec2Assert.FailsAsync("InvalidARIID.NotFound", () => RegisterAsync(f.AliceEc2, good, kernel, ramdisk: "ari-0123456789abcdef0"));
        var bobs = await UploadAsync(f.BobS3, "machine");
        await Ec2Assert.FailsAsync("InvalidAKIID.NotFound", () => RegisterAsync(f.BobEc2, bobs, kernel));
        await Ec2Assert.FailsAsync("InvalidAMIName.Malformed", () => RegisterAsync(f.AliceEc2, good, name: "x"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = good, Name = ClcFixture.Unique("arm"), Architecture = ArchitectureValues.Arm64,
        }));
        var name = ClcFixture.Unique("dup");
        await RegisterAsync(f.AliceEc2, good, name: name);
        await Ec2Assert.FailsAsync("InvalidAMIName.Duplicate", () => RegisterAsync(f.AliceEc2, good, name: name));
        Assert.Equal(before + 4, (await DescribeAsync(f.AliceEc2, new DescribeImagesRequest { Owners = ["self"] })).Count);

        await Ec2Assert.FailsAsync("InvalidAMIID.Malformed", () => f.AliceEc2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = ["ami-xyz"] }));
        await Ec2Assert.FailsAsync("InvalidAMIID.Malformed", () => f.AliceEc2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = "emi-12345678" }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = ["ami-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = "ami-0123456789abcdef0", Description = "x",
        }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = kernel, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { UserId = "bob" }] },
        }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeImageAttributeAsync(new DescribeImageAttributeRequest
        {
            ImageId = kernel, Attribute = "blockDeviceMapping",
        }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("colour", ["x"])] }));
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteImageTests(SqliteClcFixture f) : ImageTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresImageTests(PostgresClcFixture f) : ImageTests(f);
