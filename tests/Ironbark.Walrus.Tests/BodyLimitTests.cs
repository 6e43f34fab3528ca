using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;
using Ironbark.Walrus.Api;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Bodies Walrus parses in memory are bounded while they are read: a browser POST's fields (AWS's 20 KiB before the
/// file; once one 100 MiB field was read whole), XML and JSON configurations, and a body that trickles in.
/// </summary>
public abstract class BodyLimitTests(WalrusFixture f)
{
    private const string Boundary = "----walrus-limit";

    [Fact]
    public async Task A_100_MiB_form_field_is_refused_after_20_KiB_without_the_server_holding_it()
    {
        // The bucket exists: a POST to a missing one is refused before its form is read (NoSuchBucket).
        var bucket = await f.AliceBucketAsync("form-limit");
        const long fieldBytes = 100L * 1024 * 1024;
        var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n--{Boundary}--\r\n");
        var host = f.Host.Endpoint.Authority;
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await connection.SendAsync($"POST /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary={Boundary}\r\n" +
            $"Content-Length: {head.Length + fieldBytes + tail.Length}\r\n\r\n");
        using var stop = new CancellationTokenSource();
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            var chunk = Enumerable.Repeat((byte)'k', 64 * 1024).ToArray();
            try
            {
                await connection.SendAsync(head, stop.Token);
                for (; sent < fieldBytes && !stop.IsCancellationRequested; sent += chunk.Length)
                    await connection.SendAsync(chunk, stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The server closed the connection after refusing, or the test stopped sending.
            }
        });
        var refused = await connection.ReadResponseAsync("POST");
        await stop.CancelAsync();
        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(400, refused?.Status);
        Assert.Contains("<Code>MaxPostPreDataLengthExceeded</Code>", refused!.Body);
        Assert.Contains($"<MaxPostPreDataLengthBytes>{PostObjectApi.MaxPreDataBytes}</MaxPostPreDataLengthBytes>", refused.Body);
        // Read whole, the field cost 400 MB of strings; refused while reading, the whole process (server and this test)
        // allocates a few MB whatever is sent.
        Assert.True(allocated < 48L * 1024 * 1024, $"{allocated} bytes allocated while a 100 MiB field was sent");
        Assert.True(refused.Closes || sent < fieldBytes, "the rest of the field is neither waited for nor left on the connection");
    }

    [Fact]
    public async Task Many_small_fields_count_towards_the_same_20_KiB()
    {
        var bucket = await f.AliceBucketAsync("fields");
        var form = new StringBuilder();
        for (var i = 0; i < 400; i++)
            form.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"x-amz-meta-f{i}\"\r\n\r\n{new string('v', 60)}\r\n");
        form.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n--{Boundary}--\r\n");
        using var response = await PostFormAsync(bucket, Encoding.ASCII.GetBytes(form.ToString()));
        await S3Assert.ErrorAsync(response, "MaxPostPreDataLengthExceeded", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Oversized_configuration_bodies_are_refused_with_the_aws_codes()
    {
        var bucket = await f.AliceBucketAsync("big");
        using var raw = f.Raw(f.Alice);
        var bigXml = Encoding.UTF8.GetBytes("<VersioningConfiguration><Status>Enabled</Status>" + new string(' ', S3BodyLimits.Configuration) + "</VersioningConfiguration>");
        using (var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?versioning", bigXml))
            await S3Assert.ErrorAsync(response, "MaxMessageLengthExceeded", HttpStatusCode.BadRequest);
        var bigPolicy = Encoding.UTF8.GetBytes($$"""{"Version":"2012-10-17","Statement":[],"Id":"{{new string('p', S3BodyLimits.BucketPolicy)}}"}""");
        using (var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?policy", bigPolicy))
            await S3Assert.ErrorAsync(response, "MalformedPolicy", HttpStatusCode.BadRequest);
        var bigDelete = Encoding.UTF8.GetBytes("<Delete>" + string.Concat(Enumerable.Repeat($"<Object><Key>{new string('k', 1024)}</Key></Object>", 2100)) + "</Delete>");
        using (var response = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", bigDelete))
            await S3Assert.ErrorAsync(response, "MaxMessageLengthExceeded", HttpStatusCode.BadRequest);
        using var anonymous = new RawS3Client(f.Host.Endpoint, null);
        using (var response = await anonymous.SendAsync(HttpMethod.Put, "/" + WalrusFixture.NewBucketName("anon"), body: new byte[S3BodyLimits.Configuration]))
            await S3Assert.ErrorAsync(response, "AccessDenied", HttpStatusCode.Forbidden);
        var versioning = await f.AliceS3.GetBucketVersioningAsync(bucket);
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig?.Status);
    }

    private async Task<HttpResponseMessage> PostFormAsync(string bucket, byte[] form)
    {
        using var http = new HttpClient();
        var content = new ByteArrayContent(form);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        return await http.PostAsync(new Uri(f.Host.Endpoint, "/" + bucket), content);
    }
}

public sealed class SqliteBodyLimitTests(SqliteWalrusFixture f) : BodyLimitTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBodyLimitTests(PostgresWalrusFixture f) : BodyLimitTests(f), IClassFixture<PostgresWalrusFixture>;
