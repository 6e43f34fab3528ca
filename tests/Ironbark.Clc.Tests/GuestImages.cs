using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests;

/// <summary>Puts the test guest into Walrus with its manifests (readable by the system account) and registers it, as `ironbark image install` does.</summary>
public static class GuestImages
{
    public static async Task<(string Machine, string Kernel, string Ramdisk)> RegisterAsync(IAmazonS3 s3, IAmazonEC2 ec2, string systemCanonicalId)
    {
        var guest = await TestGuest.BuildAsync();
        var bucket = ClcFixture.Unique("guest");
        await s3.PutBucketAsync(bucket);
        var grant = new S3Grant { Grantee = new S3Grantee { CanonicalUser = systemCanonicalId }, Permission = S3Permission.READ };
        async Task<string> Register(string type, string path, string sha256, string? kernel = null, string? ramdisk = null)
        {
            var key = Path.GetFileName(path);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = path, Grants = [grant] });
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = key + ".manifest.xml",
                Grants = [grant, new S3Grant { Grantee = grant.Grantee, Permission = S3Permission.READ_ACP }],
                ContentBody = $"<imageManifest version=\"1\"><imageType>{type}</imageType><key>{key}</key><size>{new FileInfo(path).Length}</size><sha256>{sha256}</sha256></imageManifest>",
            });
            return (await ec2.RegisterImageAsync(new RegisterImageRequest
            {
                ImageLocation = $"{bucket}/{key}.manifest.xml", Name = ClcFixture.Unique("guest-" + type), KernelId = kernel, RamdiskId = ramdisk,
            })).ImageId;
        }
        var kernelId = await Register("kernel", guest.Kernel, guest.KernelSha256);
        var ramdiskId = await Register("ramdisk", guest.Ramdisk, guest.RamdiskSha256);
        return (await Register("machine", guest.Disk, guest.DiskSha256, kernelId, ramdiskId), kernelId, ramdiskId);
    }
}
