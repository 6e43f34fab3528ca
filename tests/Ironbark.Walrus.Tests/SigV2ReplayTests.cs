using System.Net;
using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// SigV2 signs sub-resources by their exact names; Walrus routes by the same exact names, from one parsed view of the
/// query. A signed request replayed with a sub-resource in another case (?POLICY, ?VERSIONID=…) once became another
/// operation under the same signature: it is refused now, before it can act.
/// </summary>
public abstract class SigV2ReplayTests(WalrusFixture f)
{
    /// <summary>Every sub-resource and operation parameter, from the S3 reference.</summary>
    private static readonly string[] Names =
    [
        .. SubresourceRoutingTests.AwsSubresources, "versionId", "partNumber", "list-type", "select-type", "storageClass",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
    ];

    public static IEnumerable<string> Variants(string name) =>
        new[] { name.ToUpperInvariant(), name.ToLowerInvariant(), char.ToUpperInvariant(name[0]) + name[1..], Swap(name) }
            .Where(v => v != name).Distinct(StringComparer.Ordinal);

    private static string Swap(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));

    [Fact]
    public async Task Every_sub_resource_in_another_case_is_refused_under_header_and_query_signatures()
    {
        var bucket = await f.AliceBucketAsync("v2case");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "kept");
        using var raw = f.Raw(f.Alice);
        using var http = new HttpClient();
        var failures = new List<string>();
        foreach (var name in Names)
            foreach (var variant in Variants(name))
                foreach (var path in new[] { "/" + bucket, $"/{bucket}/k" })
                    foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
                    {
                        var sent = $"{path}?{variant}=1";
                        // The signature covers the request without the appended name, as a captured request would.
                        using var header = await raw.SendAsync(raw.SignV2(method, sent, resource: path));
                        using var query = await http.SendAsync(new HttpRequestMessage(method, raw.PresignV2(method.Method, sent, DateTimeOffset.UtcNow.AddMinutes(5), path)));
                        foreach (var (auth, response) in new[] { ("header", header), ("query", query) })
                            if (response.StatusCode != HttpStatusCode.BadRequest || !(await response.Content.ReadAsStringAsync()).Contains("<Code>InvalidArgument</Code>"))
                                failures.Add($"{method} {sent} ({auth}) -> {(int)response.StatusCode}");
                    }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal("kept", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task Signed_sub_resources_in_their_own_case_are_covered_by_the_signature()
    {
        var bucket = await f.AliceBucketAsync("v2exact");
        using var raw = f.Raw(f.Alice);
        foreach (var name in new[] { "policy", "acl", "versioning", "cors", "lifecycle", "tagging", "uploads", "versions", "delete" })
        {
            using var replay = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}?{name}", resource: "/" + bucket));
            await S3Assert.ErrorAsync(replay, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task A_signed_create_bucket_replayed_as_put_bucket_policy_does_not_make_the_bucket_public()
    {
        var bucket = WalrusFixture.NewBucketName("v2pol");
        using var raw = f.Raw(f.Alice);
        var date = DateTimeOffset.UtcNow;
        using (var create = await raw.SendAsync(raw.SignV2(HttpMethod.Put, "/" + bucket, time: date)))
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "secret", "private bytes");

        var policy = Encoding.UTF8.GetBytes($$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}""");
        foreach (var variant in Variants("policy"))
        {
            using var replay = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}?{variant}", policy, resource: "/" + bucket, time: date));
            await S3Assert.ErrorAsync(replay, "InvalidArgument", HttpStatusCode.BadRequest);
        }
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "secret"));
        using var alice = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var stored = await alice.SendAsync(HttpMethod.Get, "/" + bucket, [("policy", null)]);
        await S3Expect.RawErrorAsync(stored, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
    }

    [Fact]
    public async Task A_signed_delete_replayed_with_a_version_id_in_another_case_keeps_the_version()
    {
        var bucket = await f.AliceBucketAsync("v2ver");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled },
        });
        var first = (await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "first" })).VersionId;
        using var raw = f.Raw(f.Alice);
        using var http = new HttpClient();
        foreach (var variant in Variants("versionId"))
        {
            using var header = await raw.SendAsync(raw.SignV2(HttpMethod.Delete, $"/{bucket}/doc?{variant}={first}", resource: $"/{bucket}/doc"));
            await S3Assert.ErrorAsync(header, "InvalidArgument", HttpStatusCode.BadRequest);
            var url = raw.PresignV2("DELETE", $"/{bucket}/doc?{variant}={first}", DateTimeOffset.UtcNow.AddMinutes(5), $"/{bucket}/doc");
            using var query = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, url));
            await S3Assert.ErrorAsync(query, "InvalidArgument", HttpStatusCode.BadRequest);
        }
        Assert.Equal("first", await S3Expect.ReadAsync(f.AliceS3, bucket, "doc", first));
        var versions = await f.AliceS3.ListVersionsAsync(bucket);
        Assert.Contains(versions.Versions, v => v.VersionId == first && v.IsDeleteMarker != true);
        Assert.DoesNotContain(versions.Versions, v => v.IsDeleteMarker == true);
    }
}

public sealed class SqliteSigV2ReplayTests(SqliteWalrusFixture f) : SigV2ReplayTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresSigV2ReplayTests(PostgresWalrusFixture f) : SigV2ReplayTests(f), IClassFixture<PostgresWalrusFixture>;
