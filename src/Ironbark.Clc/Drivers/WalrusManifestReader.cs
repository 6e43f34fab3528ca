using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Clc.Domain;

namespace Ironbark.Clc.Drivers;

/// <summary>
/// Reads image manifests from Walrus over S3 with the cloud's system credentials, the same ones the
/// NC fetches image bytes with; S3 failures become InvalidManifest here, once.
/// </summary>
public sealed class WalrusManifestReader : IDisposable
{
    private const int MaxManifestBytes = 64 * 1024;
    private readonly AmazonS3Client? _s3;

    public WalrusManifestReader(ClcOptions options)
    {
        if (options.WalrusUrl is null)
            return;
        _s3 = new AmazonS3Client(new BasicAWSCredentials(options.WalrusAccessKeyId, options.WalrusSecretAccessKey), new AmazonS3Config
        {
            ServiceURL = options.WalrusUrl, ForcePathStyle = true, AuthenticationRegion = options.Region, MaxErrorRetry = 2,
        });
    }

    /// <summary>The manifest at bucket/key with its owner's canonical id, after checking the object it names is there with the size it gives.</summary>
    public async Task<(ImageManifest Manifest, string OwnerCanonicalId)> ReadAsync(string bucket, string key, CancellationToken ct)
    {
        var s3 = _s3 ?? throw new Ec2Exception("InvalidManifest", "This cloud has no Walrus to read image manifests from.");
        var location = $"{bucket}/{key}";
        try
        {
            var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, ct);
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct);
            if (response.ContentLength > MaxManifestBytes)
                throw new Ec2Exception("InvalidManifest", $"The manifest {location} is larger than {MaxManifestBytes} bytes.");
            var manifest = await ImageManifest.ParseAsync(response.ResponseStream, location, ct);
            var image = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = manifest.Key }, ct);
            if (image.ContentLength != manifest.SizeBytes)
                throw new Ec2Exception("InvalidManifest", $"The image object {bucket}/{manifest.Key} has {image.ContentLength} bytes, the manifest says {manifest.SizeBytes}.");
            return (manifest, acl.Owner.Id);
        }
        catch (AmazonS3Exception e)
        {
            var why = e.StatusCode == HttpStatusCode.Forbidden
                ? "the cloud's system account may not read it (grant it READ and READ_ACP on the manifest, READ on the image object)"
                : $"{e.ErrorCode ?? e.StatusCode.ToString()}";
            throw new Ec2Exception("InvalidManifest", $"Cannot read the manifest {location} or its image from Walrus: {why}.");
        }
        catch (HttpRequestException e)
        {
            throw new Ec2Exception("InvalidManifest", $"Walrus is not reachable to read {location}: {e.Message}", 503);
        }
    }

    public void Dispose() => _s3?.Dispose();
}
