using System.Security.Cryptography;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Ironbark.Clc.Identity;
using ImageManifest = Ironbark.Clc.Domain.ImageManifest;

namespace Ironbark.Images;

/// <summary>
/// Uploads image files into an account's image bucket in Walrus, writes their manifests and registers
/// them through the public EC2 API, as any user of the cloud could: S3 and EC2 clients only.
/// </summary>
public sealed class ImageInstaller(IAmazonS3 s3, IAmazonEC2 ec2, string accountId, string accountCanonicalId, string systemCanonicalId, TextWriter progress)
    : IDisposable
{
    /// <summary>An installer acting as <paramref name="accountName"/> (with its first access key) against the cloud's announced endpoints.</summary>
    public static async Task<ImageInstaller> ForAccountAsync(CloudHome home, AccountStore accounts, string accountName, TextWriter progress, CancellationToken ct)
    {
        var account = await accounts.FindAccountAsync(accountName, ct) ?? throw new InvalidOperationException($"No account '{accountName}'.");
        var system = await accounts.FindAccountAsync(SystemCredentials.AccountName, ct)
                     ?? throw new InvalidOperationException("The cloud has no system account yet: run `ironbark init` or `ironbark up` first.");
        var keyId = (await accounts.ListAccessKeyIdsAsync(account.Id, ct)).FirstOrDefault()
                    ?? throw new InvalidOperationException($"The account '{accountName}' has no access key; create one with `ironbark admin create-access-key`.");
        var (key, _) = (await accounts.ResolveAsync(keyId, ct))!.Value;
        var endpoints = home.ReadEndpoints();
        var credentials = new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey);
        var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = endpoints.S3Url, ForcePathStyle = true, AuthenticationRegion = endpoints.Region });
        var ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = endpoints.Ec2Url, AuthenticationRegion = endpoints.Region });
        return new ImageInstaller(s3, ec2, account.Id, account.CanonicalId, system.CanonicalId, progress);
    }

    public string Bucket => $"ironbark-images-{accountId}";

    /// <summary>Installs the given files (any of kernel, ramdisk, disk); the disk is registered with the kernel and ramdisk of the same call.</summary>
    public async Task<InstalledImages> InstallAsync(ImageFiles files, string name, bool isPublic, CancellationToken ct)
    {
        // Refuse a name in use before uploading anything, not after.
        foreach (var (file, imageName) in new[] { (files.Kernel, $"{name}-kernel"), (files.Ramdisk, $"{name}-ramdisk"), (files.Disk, name) })
            if (file is not null && await FindImageAsync(imageName, ct) is { } existing)
                throw new InvalidOperationException($"InvalidAMIName.Duplicate: the account has an image named '{imageName}' already ({existing}).");
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
        }
        var kernel = files.Kernel is null ? null : await InstallOneAsync(files.Kernel, "kernel", $"{name}-kernel", null, null, isPublic, ct);
        var ramdisk = files.Ramdisk is null ? null : await InstallOneAsync(files.Ramdisk, "ramdisk", $"{name}-ramdisk", null, null, isPublic, ct);
        var machine = files.Disk is null ? null : await InstallOneAsync(files.Disk, "machine", name, kernel, ramdisk, isPublic, ct);
        return new InstalledImages(kernel, ramdisk, machine);
    }

    private async Task<string> InstallOneAsync(string file, string type, string imageName, string? kernelId, string? ramdiskId, bool isPublic, CancellationToken ct)
    {
        var key = $"{imageName}/{Path.GetFileName(file)}";
        var size = new FileInfo(file).Length;
        string sha256;
        await using (var stream = File.OpenRead(file))
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));

        var upload = new TransferUtilityUploadRequest { BucketName = Bucket, Key = key, FilePath = file };
        var shown = -1;
        upload.UploadProgressEvent += (_, e) =>
        {
            var percent = e.TotalBytes > 0 ? (int)(e.TransferredBytes * 100 / e.TotalBytes) : 100;
            if (Interlocked.Exchange(ref shown, percent) != percent)
                progress.Write($"\r  {Path.GetFileName(file),-24} [{new string('#', percent / 4),-25}] {percent,3}% of {size / (1024.0 * 1024):0.0} MiB");
        };
        using (var transfer = new TransferUtility(s3))
            await transfer.UploadAsync(upload, ct);
        progress.WriteLine();
        // The cloud's system account reads the bytes (the NC) and the manifest with its owner (the CLC).
        await s3.PutObjectAclAsync(Acl(key, readAcp: false), ct);
        var manifestKey = key + ".manifest.xml";
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = manifestKey, ContentType = "application/xml",
            ContentBody = new ImageManifest(type, key, size, sha256).ToXml().ToString(),
        }, ct);
        await s3.PutObjectAclAsync(Acl(manifestKey, readAcp: true), ct);

        var imageId = (await ec2.RegisterImageAsync(new RegisterImageRequest
        {
            ImageLocation = $"{Bucket}/{manifestKey}", Name = imageName, Architecture = ArchitectureValues.X86_64, KernelId = kernelId, RamdiskId = ramdiskId,
        }, ct)).ImageId;
        if (isPublic)
            await ec2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
            {
                ImageId = imageId, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
            }, ct);
        return imageId;
    }

    /// <summary>The id of the account's image of that name, if it has one.</summary>
    public async Task<string?> FindImageAsync(string name, CancellationToken ct) =>
        (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [new Amazon.EC2.Model.Filter("name", [name])] }, ct)).Images?.FirstOrDefault()?.ImageId;

    public void Dispose()
    {
        s3.Dispose();
        ec2.Dispose();
    }

    private PutObjectAclRequest Acl(string key, bool readAcp) => new()
    {
        BucketName = Bucket, Key = key,
        GrantFullControl = $"id=\"{accountCanonicalId}\"", GrantRead = $"id=\"{systemCanonicalId}\"",
        GrantReadACP = readAcp ? $"id=\"{systemCanonicalId}\"" : null,
    };
}

/// <summary>The files of an image install; any may be absent.</summary>
public sealed record ImageFiles(string? Kernel, string? Ramdisk, string? Disk);

/// <summary>The ids RegisterImage gave, for what was installed.</summary>
public sealed record InstalledImages(string? KernelId, string? RamdiskId, string? MachineId);
