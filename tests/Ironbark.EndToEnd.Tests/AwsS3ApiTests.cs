using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>`aws s3api` calls of the Debian aws CLI against `ironbark up`: the JSON a script would read.</summary>
public sealed class AwsS3ApiTests(CloudFixture f) : IClassFixture<CloudFixture>, IDisposable
{
    private readonly AwsCli _aws = f.Cloud.AdminCli;
    private readonly TempDir _work = new();

    [Fact]
    public async Task Put_object_with_metadata_then_head_and_get_it()
    {
        var bucket = await NewBucketAsync("meta");
        var body = Encoding.UTF8.GetBytes("metadata travels with the object\n");
        await File.WriteAllBytesAsync(_work.Combine("body.txt"), body);

        var put = await _aws.JsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "notes/one.txt", "--body", _work.Combine("body.txt"),
            "--content-type", "text/plain; charset=utf-8", "--metadata", "colour=blue,owner=walrus", "--cache-control", "max-age=60");
        Assert.Equal($"\"{TestData.Md5Hex(body)}\"", put.GetProperty("ETag").GetString());

        var head = await _aws.JsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "notes/one.txt");
        Assert.Equal(body.Length, head.GetProperty("ContentLength").GetInt64());
        Assert.Equal("text/plain; charset=utf-8", head.GetProperty("ContentType").GetString());
        Assert.Equal("max-age=60", head.GetProperty("CacheControl").GetString());
        Assert.Equal("blue", head.GetProperty("Metadata").GetProperty("colour").GetString());
        Assert.Equal("walrus", head.GetProperty("Metadata").GetProperty("owner").GetString());

        var get = await _aws.JsonAsync("s3api", "get-object", "--bucket", bucket, "--key", "notes/one.txt", _work.Combine("out.txt"));
        Assert.Equal(put.GetProperty("ETag").GetString(), get.GetProperty("ETag").GetString());
        Assert.Equal(body, await File.ReadAllBytesAsync(_work.Combine("out.txt")));

        var missing = await _aws.FailsAsync("s3api", "head-object", "--bucket", bucket, "--key", "notes/none.txt");
        Assert.Contains("404", missing);
    }

    [Fact]
    public async Task List_objects_v2_with_prefix_and_delimiter()
    {
        var bucket = await NewBucketAsync("list");
        await PutAsync(bucket, "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/readme.txt", "docs/x.txt");

        var listing = await _aws.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "photos/", "--delimiter", "/");
        Assert.Equal(["photos/2024/", "photos/2025/"], Strings(listing, "CommonPrefixes", "Prefix"));
        Assert.Equal(["photos/readme.txt"], Strings(listing, "Contents", "Key"));

        // The CLI pages by itself: two keys per page must still yield all five.
        var all = await _aws.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--page-size", "2");
        Assert.Equal(["docs/x.txt", "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/readme.txt"], Strings(all, "Contents", "Key"));
    }

    [Fact]
    public async Task Get_object_acl_shows_the_owner_with_full_control()
    {
        var bucket = await NewBucketAsync("acl");
        await File.WriteAllTextAsync(_work.Combine("x"), "x");
        await _aws.OkAsync("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", _work.Combine("x"));
        var canonicalId = (await f.Cloud.RunCommandAsync("admin", "list-accounts")).Stdout
            .Split('\n').Select(l => l.Split('\t')).First(c => c[0] == "admin")[2];

        var acl = await _aws.JsonAsync("s3api", "get-object-acl", "--bucket", bucket, "--key", "k");
        Assert.Equal(canonicalId, acl.GetProperty("Owner").GetProperty("ID").GetString());
        var grant = Assert.Single(acl.GetProperty("Grants").EnumerateArray());
        Assert.Equal("FULL_CONTROL", grant.GetProperty("Permission").GetString());
        Assert.Equal(canonicalId, grant.GetProperty("Grantee").GetProperty("ID").GetString());

        await _aws.OkAsync("s3api", "put-object-acl", "--bucket", bucket, "--key", "k", "--acl", "public-read");
        var open = await _aws.JsonAsync("s3api", "get-object-acl", "--bucket", bucket, "--key", "k");
        Assert.Contains(open.GetProperty("Grants").EnumerateArray(), g =>
            g.GetProperty("Permission").GetString() == "READ" &&
            g.GetProperty("Grantee").TryGetProperty("URI", out var uri) && uri.GetString() == "http://acs.amazonaws.com/groups/global/AllUsers");
    }

    [Fact]
    public async Task Versioning_keeps_every_version_and_delete_objects_removes_many()
    {
        var bucket = await NewBucketAsync("ver");
        await _aws.OkAsync("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled");
        Assert.Equal("Enabled", (await _aws.JsonAsync("s3api", "get-bucket-versioning", "--bucket", bucket)).GetProperty("Status").GetString());

        await File.WriteAllTextAsync(_work.Combine("v1"), "first");
        await File.WriteAllTextAsync(_work.Combine("v2"), "second");
        var v1 = (await _aws.JsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", _work.Combine("v1"))).GetProperty("VersionId").GetString();
        var v2 = (await _aws.JsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", _work.Combine("v2"))).GetProperty("VersionId").GetString();
        Assert.NotEqual(v1, v2);
        var versions = await _aws.JsonAsync("s3api", "list-object-versions", "--bucket", bucket);
        Assert.Equal(new[] { v1, v2 }.Order(), Strings(versions, "Versions", "VersionId").Order());
        await _aws.OkAsync("s3api", "get-object", "--bucket", bucket, "--key", "doc", "--version-id", v1!, _work.Combine("old"));
        Assert.Equal("first", await File.ReadAllTextAsync(_work.Combine("old")));

        await PutAsync(bucket, "a", "b", "c");
        var deleted = await _aws.JsonAsync("s3api", "delete-objects", "--bucket", bucket, "--delete", """{"Objects":[{"Key":"a"},{"Key":"b"},{"Key":"nope"}]}""");
        Assert.Equal(["a", "b", "nope"], Strings(deleted, "Deleted", "Key").Order());
        Assert.False(deleted.TryGetProperty("Errors", out _));
        var left = await _aws.JsonAsync("s3api", "list-objects-v2", "--bucket", bucket);
        Assert.Equal(["c", "doc"], Strings(left, "Contents", "Key"));
    }

    /// <summary>
    /// The configuration calls Walrus does not implement never reach the plain bucket or object operation: once
    /// delete-bucket-website deleted the bucket, put-object-legal-hold overwrote the object and get-object-retention
    /// returned its bytes. Each is answered as AWS answers a bucket where that configuration is not set, or NotImplemented.
    /// </summary>
    [Fact]
    public async Task Unimplemented_configuration_calls_keep_buckets_and_objects_and_answer_as_aws()
    {
        var empty = await NewBucketAsync("unset");
        await _aws.OkAsync("s3api", "delete-bucket-website", "--bucket", empty);
        await _aws.OkAsync("s3api", "delete-bucket-encryption", "--bucket", empty);
        await _aws.OkAsync("s3api", "head-bucket", "--bucket", empty);

        foreach (var (command, code) in new[]
        {
            ("get-object-lock-configuration", "ObjectLockConfigurationNotFoundError"),
            ("get-bucket-encryption", "ServerSideEncryptionConfigurationNotFoundError"),
            ("get-public-access-block", "NoSuchPublicAccessBlockConfiguration"),
            ("get-bucket-ownership-controls", "OwnershipControlsNotFoundError"),
            ("get-bucket-website", "NoSuchWebsiteConfiguration"),
            ("get-bucket-replication", "ReplicationConfigurationNotFoundError"),
        })
            Assert.Contains($"({code})", await _aws.FailsAsync("s3api", command, "--bucket", empty));
        Assert.Equal("BucketOwner", (await _aws.JsonAsync("s3api", "get-bucket-request-payment", "--bucket", empty)).GetProperty("Payer").GetString());
        Assert.False((await _aws.JsonAsync("s3api", "get-bucket-logging", "--bucket", empty)).TryGetProperty("LoggingEnabled", out _));
        Assert.False((await _aws.JsonAsync("s3api", "get-bucket-notification-configuration", "--bucket", empty)).TryGetProperty("TopicConfigurations", out _));

        await PutAsync(empty, "kept");
        // Object Lock calls on a bucket without Object Lock: InvalidRequest, as on AWS, and the object is untouched.
        Assert.Contains("(InvalidRequest)", await _aws.FailsAsync("s3api", "put-object-legal-hold", "--bucket", empty, "--key", "kept", "--legal-hold", "Status=ON"));
        Assert.Contains("(InvalidRequest)", await _aws.FailsAsync("s3api", "get-object-legal-hold", "--bucket", empty, "--key", "kept"));
        Assert.Contains("(InvalidRequest)", await _aws.FailsAsync("s3api", "get-object-retention", "--bucket", empty, "--key", "kept"));
        // GetObjectAttributes is served (issue 14): it reads the object and changes nothing.
        Assert.True((await _aws.JsonAsync("s3api", "get-object-attributes", "--bucket", empty, "--key", "kept", "--object-attributes", "ETag")).TryGetProperty("ETag", out _));
        using var s3 = f.Cloud.Admin.S3Client();
        using var get = await s3.GetObjectAsync(empty, "kept");
        Assert.Equal("kept", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    private async Task<string> NewBucketAsync(string hint)
    {
        var bucket = TestData.BucketName(hint);
        Assert.Equal(bucket, (await _aws.JsonAsync("s3api", "create-bucket", "--bucket", bucket)).GetProperty("Location").GetString()?.Trim('/'));
        return bucket;
    }

    /// <summary>Set-up only, through the SDK: the CLI is what these tests check, and every CLI start costs a second.</summary>
    private async Task PutAsync(string bucket, params string[] keys)
    {
        using var s3 = f.Cloud.Admin.S3Client();
        foreach (var key in keys)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
    }

    private static string[] Strings(JsonElement json, string array, string property) =>
        json.TryGetProperty(array, out var items) ? items.EnumerateArray().Select(i => i.GetProperty(property).GetString()!).ToArray() : [];

    public void Dispose() => _work.Dispose();
}
