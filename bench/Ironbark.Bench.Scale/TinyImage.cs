using System.Security.Cryptography;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3.Model;

namespace Ironbark.Bench.Scale;

/// <summary>
/// A few KiB of kernel and root disk, uploaded and registered the way `ironbark image install`
/// does it (docs/clc.md): objects in the tenant's image bucket readable by the cloud's system
/// account, an Ironbark manifest beside each, RegisterImage through EC2. The fake hypervisor never
/// looks inside; each NC still fetches and verifies the bytes once.
/// </summary>
public static class TinyImage
{
    public const int KernelBytes = 4 * 1024;
    public const int DiskBytes = 16 * 1024;

    /// <summary>Registers the kernel and the machine image; returns the machine image's id.</summary>
    public static async Task<string> RegisterAsync(ScaleCloud cloud, CancellationToken ct)
    {
        var bucket = $"ironbark-images-{cloud.Tenant.Id}";
        await cloud.S3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
        var kernelId = await RegisterOneAsync(cloud, bucket, "kernel", "scale-kernel", KernelBytes, null, ct);
        return await RegisterOneAsync(cloud, bucket, "machine", "scale-disk", DiskBytes, kernelId, ct);
    }

    private static async Task<string> RegisterOneAsync(ScaleCloud cloud, string bucket, string type, string name, int size, string? kernelId,
        CancellationToken ct)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        var key = $"{name}/{name}.img";
        await cloud.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) }, ct);
        await cloud.S3.PutObjectAclAsync(Acl(cloud, bucket, key, readAcp: false), ct);
        var manifestKey = key + ".manifest.xml";
        var manifest = new XElement("imageManifest", new XAttribute("version", "1"),
            new XElement("imageType", type), new XElement("key", key), new XElement("size", size),
            new XElement("sha256", Convert.ToHexStringLower(SHA256.HashData(bytes))));
        await cloud.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = manifestKey, ContentType = "application/xml", ContentBody = manifest.ToString(),
        }, ct);
        await cloud.S3.PutObjectAclAsync(Acl(cloud, bucket, manifestKey, readAcp: true), ct);
        return (await cloud.Ec2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = $"{bucket}/{manifestKey}", Name = name, Architecture = ArchitectureValues.X86_64, KernelId = kernelId,
        }, ct)).ImageId;
    }

    /// <summary>The system account reads the bytes (the NCs) and the manifest with its owner (the CLC).</summary>
    private static PutObjectAclRequest Acl(ScaleCloud cloud, string bucket, string key, bool readAcp) => new()
    {
        BucketName = bucket, Key = key,
        GrantFullControl = $"id=\"{cloud.Tenant.CanonicalId}\"", GrantRead = $"id=\"{cloud.SystemCanonicalId}\"",
        GrantReadACP = readAcp ? $"id=\"{cloud.SystemCanonicalId}\"" : null,
    };
}
