using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Ironbark.Walrus.Api;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Every S3 sub-resource with every method, on a bucket and on an object: each is served, answered as "not set", or
/// refused, and none reaches the plain GET, PUT, DELETE or POST of its bucket or object (which once deleted buckets
/// and overwrote objects for DeleteBucketWebsite and PutObjectLegalHold).
/// </summary>
public abstract class SubresourceRoutingTests(WalrusFixture f)
{
    /// <summary>The sub-resources of the S3 API reference (every query name that selects an operation).</summary>
    public static readonly string[] AwsSubresources =
    [
        "abac", "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "location", "logging", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
        "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
        "renameObject", "replication", "requestPayment", "restore", "retention", "select", "session", "tagging", "torrent", "uploadId",
        "uploads", "versioning", "versions", "website",
    ];

    private static readonly string[] Methods = ["GET", "PUT", "DELETE", "POST", "HEAD"];

    /// <summary>What AWS answers when the configuration is not set (the 200 ones name the root element).</summary>
    private static readonly Dictionary<string, (HttpStatusCode Status, string Code)> NotSetAnswers = new()
    {
        ["GET encryption"] = (HttpStatusCode.NotFound, "ServerSideEncryptionConfigurationNotFoundError"),
        ["GET website"] = (HttpStatusCode.NotFound, "NoSuchWebsiteConfiguration"),
        ["GET object-lock"] = (HttpStatusCode.NotFound, "ObjectLockConfigurationNotFoundError"),
        ["GET publicAccessBlock"] = (HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration"),
        ["GET ownershipControls"] = (HttpStatusCode.NotFound, "OwnershipControlsNotFoundError"),
        ["GET replication"] = (HttpStatusCode.NotFound, "ReplicationConfigurationNotFoundError"),
        ["GET logging"] = (HttpStatusCode.OK, "BucketLoggingStatus"),
        ["GET notification"] = (HttpStatusCode.OK, "NotificationConfiguration"),
        ["GET requestPayment"] = (HttpStatusCode.OK, "RequestPaymentConfiguration"),
        ["GET accelerate"] = (HttpStatusCode.OK, "AccelerateConfiguration"),
        ["DELETE encryption"] = (HttpStatusCode.NoContent, ""),
        ["DELETE website"] = (HttpStatusCode.NoContent, ""),
        ["DELETE publicAccessBlock"] = (HttpStatusCode.NoContent, ""),
        ["DELETE ownershipControls"] = (HttpStatusCode.NoContent, ""),
        ["DELETE replication"] = (HttpStatusCode.NoContent, ""),
    };

    private static readonly byte[] Original = Encoding.UTF8.GetBytes("the object's own bytes, which must survive every sub-resource");
    // What put-object-legal-hold sends; before the fix it replaced the object.
    private static readonly byte[] ConfigBody = Encoding.UTF8.GetBytes("<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>ON</Status></LegalHold>");

    [Fact]
    public async Task No_subresource_with_any_method_reaches_the_plain_bucket_or_object_operation()
    {
        var empty = await f.AliceBucketAsync("sub-b");
        var full = await f.AliceBucketAsync("sub-o");
        await f.AliceS3.PutObjectAsync(new() { BucketName = full, Key = "k", InputStream = new MemoryStream(Original) });
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        var failures = new List<string>();
        foreach (var subresource in AwsSubresources)
            foreach (var method in Methods)
                foreach (var target in new[] { S3Target.Bucket, S3Target.Object })
                {
                    var path = target == S3Target.Bucket ? "/" + empty : $"/{full}/k";
                    var body = method is "PUT" or "POST" ? ConfigBody : null;
                    var headers = body is null ? null : new Dictionary<string, string> { ["Content-Type"] = "application/xml" };
                    using var response = await raw.SendAsync(new HttpMethod(method), path, [(subresource, subresource == "uploadId" ? "no-such-upload" : null)], body, headers);
                    var text = await response.Content.ReadAsStringAsync();
                    var label = $"{method} {path}?{subresource} -> {(int)response.StatusCode} {Code(response, text)}";
                    var problem = await ProblemAsync(target, method, subresource, response, text, empty, full);
                    if (problem is not null)
                        failures.Add($"{label}: {problem}");
                }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>Why this answer is wrong, or null: the data must be intact, and the answer the one the route table promises.</summary>
    private async Task<string?> ProblemAsync(S3Target target, string method, string subresource, HttpResponseMessage response, string text,
        string empty, string full)
    {
        if (!await BucketExistsAsync(empty))
            return "the empty bucket was deleted";
        if (!(await S3Expect.ReadAsync(f.AliceS3, full, "k")).Equals(Encoding.UTF8.GetString(Original), StringComparison.Ordinal))
            return "the object's bytes changed";
        if (text.Contains("<ListBucketResult", StringComparison.Ordinal))
            return "answered with a bucket listing";
        if (text == Encoding.UTF8.GetString(Original))
            return "answered with the object's bytes";
        var code = Code(response, text);
        var route = S3Routes.All.FirstOrDefault(r => r.Target == target && r.Method == method && r.Selector == subresource);
        if (route is null)
            return (response.StatusCode, code) == (HttpStatusCode.MethodNotAllowed, "MethodNotAllowed") ? null : "expected 405 MethodNotAllowed";
        return route.Handling switch
        {
            S3Handling.NotImplemented when (response.StatusCode, code) != (HttpStatusCode.NotImplemented, "NotImplemented") => "expected 501 NotImplemented",
            S3Handling.NotSet when !NotSetAnswers.TryGetValue($"{method} {subresource}", out var answer) => "no expected answer in the test",
            S3Handling.NotSet when response.StatusCode != NotSetAnswers[$"{method} {subresource}"].Status
                || (NotSetAnswers[$"{method} {subresource}"].Code is { Length: > 0 } expected && code != expected) => $"expected {NotSetAnswers[$"{method} {subresource}"]}",
            S3Handling.Served when (int)response.StatusCode >= 500 => "a served operation failed with a 5xx",
            _ => null,
        };
    }

    private async Task<bool> BucketExistsAsync(string bucket)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var head = await raw.SendAsync(HttpMethod.Head, "/" + bucket);
        return head.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The error code (or for a 200, the root element) of an answer; HEAD errors carry it in x-amz-error-code.</summary>
    private static string Code(HttpResponseMessage response, string text)
    {
        if (response.Headers.TryGetValues("x-amz-error-code", out var values))
            return values.First();
        if (text.Length == 0 || !text.StartsWith('<'))
            return "";
        var root = XElement.Parse(text);
        return root.Name.LocalName == "Error" ? root.Element("Code")?.Value ?? "" : root.Name.LocalName;
    }

    [Fact]
    public async Task Not_set_configurations_are_answered_only_to_a_caller_authorized_for_the_bucket()
    {
        var bucket = await f.AliceBucketAsync("unset");
        using var bob = new RawS3Client(f.Host.Endpoint, f.Bob);
        using var anonymous = new RawS3Client(f.Host.Endpoint, null);
        foreach (var answer in NotSetAnswers.Keys)
        {
            var (method, subresource) = (answer.Split(' ')[0], answer.Split(' ')[1]);
            using (var response = await bob.SendAsync(new HttpMethod(method), "/" + bucket, [(subresource, null)]))
                await S3Assert.ErrorAsync(response, "AccessDenied", HttpStatusCode.Forbidden);
            using (var response = await anonymous.SendAsync(new HttpMethod(method), "/" + bucket, [(subresource, null)]))
                await S3Assert.ErrorAsync(response, "AccessDenied", HttpStatusCode.Forbidden);
        }
        using var alice = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var missing = await alice.SendAsync(HttpMethod.Get, "/" + WalrusFixture.NewBucketName("none"), [("encryption", null)]);
        await S3Assert.ErrorAsync(missing, "NoSuchBucket", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Request_payment_is_the_bucket_owner_and_the_not_found_errors_name_the_bucket()
    {
        var bucket = await f.AliceBucketAsync("pay");
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using (var payment = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("requestPayment", null)]))
            Assert.Equal("BucketOwner", XElement.Parse(await payment.Content.ReadAsStringAsync()).Elements().Single(e => e.Name.LocalName == "Payer").Value);
        using var lockConfig = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("object-lock", null)]);
        var error = await S3Assert.ErrorAsync(lockConfig, "ObjectLockConfigurationNotFoundError", HttpStatusCode.NotFound);
        Assert.Equal(bucket, error.Element("BucketName")?.Value);
    }

    [Fact]
    public async Task Two_subresources_in_one_request_are_refused()
    {
        var bucket = await f.AliceBucketAsync("two");
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Delete, "/" + bucket, [("website", null), ("policy", null)]);
        await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        Assert.True(await BucketExistsAsync(bucket));
    }
}

public sealed class SqliteSubresourceRoutingTests(SqliteWalrusFixture f) : SubresourceRoutingTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresSubresourceRoutingTests(PostgresWalrusFixture f) : SubresourceRoutingTests(f), IClassFixture<PostgresWalrusFixture>;
