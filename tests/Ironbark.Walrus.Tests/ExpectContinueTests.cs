using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A request sent with <c>Expect: 100-continue</c> that Walrus refuses is answered before the client sends its body
/// (Kestrel sends "100 Continue" only when the app first reads the body): the client sees the error, not 100.
/// </summary>
public abstract class ExpectContinueTests(WalrusFixture f)
{
    private const int Size = 100_000;

    /// <summary>Sends the head of a signed request with Expect: 100-continue, withholding its body.</summary>
    private async Task<(RawHttpConnection Connection, RawHttpConnection.Response? First)> SendHeadAsync(RawS3.Request request)
    {
        request.PayloadHash = "UNSIGNED-PAYLOAD";
        using var raw = f.Raw(f.Alice);
        var (message, _) = raw.SignV4(request);
        var head = new StringBuilder($"{request.Method.Method} {request.PathAndQuery} HTTP/1.1\r\nHost: {f.Host.Endpoint.Authority}\r\n");
        foreach (var (name, values) in message.Headers)
            head.Append($"{name}: {string.Join(",", values)}\r\n");
        head.Append($"Content-Length: {Size}\r\nExpect: 100-continue\r\n\r\n");
        var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        await connection.SendAsync(head.ToString());
        return (connection, await connection.ReadResponseAsync(request.Method.Method));
    }

    private async Task AssertRefusedBeforeBodyAsync(RawS3.Request request, int status, string code)
    {
        var (connection, first) = await SendHeadAsync(request);
        await using var _ = connection;
        Assert.NotNull(first);
        Assert.Equal(status, first.Status);
        Assert.Contains($"<Code>{code}</Code>", first.Body);
        Assert.True(first.Closes, "the refusal closes the connection the withheld body would otherwise follow on");
    }

    private static RawS3.Request Put(string path) => new(HttpMethod.Put, path);

    private async Task AssertNotStoredAsync(string bucket, string key) =>
        await S3Expect.ErrorAsync("NoSuchKey", System.Net.HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, key));

    [Fact]
    public async Task A_put_with_a_bad_signature_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        await AssertRefusedBeforeBodyAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Secret = "not-the-secret" }, 403, "SignatureDoesNotMatch");
        await AssertNotStoredAsync(bucket, "k");
    }

    [Fact]
    public async Task A_put_with_an_unknown_access_key_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        await AssertRefusedBeforeBodyAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { AccessKeyId = "AKIDUNKNOWN0000000000" }, 403, "InvalidAccessKeyId");
        await AssertNotStoredAsync(bucket, "k");
    }

    [Fact]
    public async Task A_put_into_a_missing_bucket_is_refused_before_the_body()
    {
        var bucket = "expect-missing-" + Guid.NewGuid().ToString("N")[..12];
        await AssertRefusedBeforeBodyAsync(Put($"/{bucket}/k"), 404, "NoSuchBucket");
        await S3Expect.ErrorAsync("NoSuchBucket", System.Net.HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task A_put_into_another_accounts_bucket_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        await AssertRefusedBeforeBodyAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { AccessKeyId = f.Bob.AccessKeyId, Secret = f.Bob.SecretAccessKey },
            403, "AccessDenied");
        await AssertNotStoredAsync(bucket, "k");
    }

    [Fact]
    public async Task A_put_with_an_invalid_canned_acl_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        var request = Put($"/{bucket}/k");
        request.Headers["x-amz-acl"] = "everyone-may-write";
        await AssertRefusedBeforeBodyAsync(request, 400, "InvalidArgument");
        await AssertNotStoredAsync(bucket, "k");
    }

    [Fact]
    public async Task An_upload_part_for_a_missing_upload_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        await AssertRefusedBeforeBodyAsync(Put($"/{bucket}/k?partNumber=1&uploadId=no-such-upload"), 404, "NoSuchUpload");
    }

    [Fact]
    public async Task An_upload_part_by_another_account_is_refused_before_the_body()
    {
        var bucket = await f.AliceBucketAsync("expect");
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "k" });
        await AssertRefusedBeforeBodyAsync(
            new RawS3.Request(HttpMethod.Put, $"/{bucket}/k?partNumber=1&uploadId={Uri.EscapeDataString(upload.UploadId)}")
            { AccessKeyId = f.Bob.AccessKeyId, Secret = f.Bob.SecretAccessKey }, 403, "AccessDenied");
        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = upload.UploadId });
        Assert.Empty(parts.Parts ?? []);
    }

    [Fact]
    public async Task A_browser_post_to_a_missing_bucket_is_refused_before_the_body()
    {
        var bucket = "expect-missing-" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        await connection.SendAsync($"POST /{bucket} HTTP/1.1\r\nHost: {f.Host.Endpoint.Authority}\r\n" +
            $"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: {Size}\r\nExpect: 100-continue\r\n\r\n");
        var first = await connection.ReadResponseAsync("POST");
        Assert.Equal(404, first?.Status);
        Assert.Contains("<Code>NoSuchBucket</Code>", first!.Body);
    }

    [Fact]
    public async Task An_allowed_put_gets_100_continue_then_200()
    {
        var bucket = await f.AliceBucketAsync("expect");
        var (connection, first) = await SendHeadAsync(Put($"/{bucket}/k"));
        await using var _ = connection;
        Assert.Equal(100, first?.Status);
        var body = new byte[Size];
        Random.Shared.NextBytes(body);
        await connection.SendAsync(body);
        var done = await connection.ReadResponseAsync("PUT");
        Assert.Equal(200, done?.Status);
        using var got = await f.AliceS3.GetObjectAsync(bucket, "k");
        using var copy = new MemoryStream();
        await got.ResponseStream.CopyToAsync(copy);
        Assert.Equal(body, copy.ToArray());
    }
}

public sealed class SqliteExpectContinueTests(SqliteWalrusFixture f) : ExpectContinueTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresExpectContinueTests(PostgresWalrusFixture f) : ExpectContinueTests(f), IClassFixture<PostgresWalrusFixture>;
