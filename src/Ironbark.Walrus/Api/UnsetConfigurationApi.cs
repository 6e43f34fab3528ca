using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// Bucket configurations Walrus has no way to set (website, object lock, replication…): reading one
/// answers what AWS answers for a bucket where it is not set, and deleting one is the no-op AWS makes of it. Both
/// only after the caller is authorized for the bucket, as for the configurations Walrus does keep.
/// </summary>
public sealed class UnsetConfigurationApi(BucketService buckets)
{
    public Task GetWebsiteAsync(S3Request r) => NotFoundAsync(r, "s3:GetBucketWebsite",
        "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration");

    public Task GetReplicationAsync(S3Request r) => NotFoundAsync(r, "s3:GetReplicationConfiguration",
        "ReplicationConfigurationNotFoundError", "The replication configuration was not found");

    public Task GetLoggingAsync(S3Request r) => EmptyAsync(r, "s3:GetBucketLogging", "BucketLoggingStatus");

    public Task GetNotificationAsync(S3Request r) => EmptyAsync(r, "s3:GetBucketNotification", "NotificationConfiguration");

    public Task GetAccelerateAsync(S3Request r) => EmptyAsync(r, "s3:GetAccelerateConfiguration", "AccelerateConfiguration");

    public async Task GetRequestPaymentAsync(S3Request r)
    {
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketRequestPayment"), r.Aborted);
        await S3Xml.WriteAsync(r.Response, "RequestPaymentConfiguration", w => w.Element("Payer", "BucketOwner"));
    }

    /// <summary>AWS answers 204 to deleting a website, replication, public access block or ownership configuration that is not set.</summary>
    public async Task DeleteAsync(S3Request r, string action)
    {
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config(action), r.Aborted);
        r.Response.StatusCode = 204;
    }

    private async Task NotFoundAsync(S3Request r, string action, string code, string message)
    {
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config(action), r.Aborted);
        throw S3Errors.NoSuchConfiguration(code, message).With("BucketName", r.Bucket);
    }

    private async Task EmptyAsync(S3Request r, string action, string root)
    {
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config(action), r.Aborted);
        await S3Xml.WriteAsync(r.Response, root, _ => { });
    }
}
