using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A PUT refused before its body is read (403) must not leave that body on a keep-alive connection, where it was once
/// parsed as the next request (with boto3, every call after a refused PUT failed with SignatureDoesNotMatch).
/// </summary>
public abstract class KeepAliveAfterRefusalTests(WalrusFixture f)
{
    private async Task<(string Bucket, string Host)> PublicObjectAsync()
    {
        var bucket = await f.AliceBucketAsync("keep");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public", ContentBody = "public bytes", CannedACL = S3CannedACL.PublicRead });
        return (bucket, f.Host.Endpoint.Authority);
    }

    private static string Get(string host, string path) => $"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n";

    [Theory]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData(1024 * 1024 - 1)]
    public async Task After_a_refused_put_with_its_body_the_next_request_on_the_socket_gets_its_own_answer(int size)
    {
        var (bucket, host) = await PublicObjectAsync();
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        // The body looks like a request, as a body parsed in its place would.
        var body = Encoding.ASCII.GetBytes(Get(host, $"/{bucket}/nothing-here").PadRight(size, 'x'))[..size];
        await connection.SendAsync($"PUT /{bucket}/anonymous HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n\r\n");
        await connection.SendAsync(body);
        var refused = await connection.ReadResponseAsync("PUT");
        Assert.Equal(403, refused?.Status);
        Assert.Contains("<Code>AccessDenied</Code>", refused!.Body);
        Assert.False(refused.Closes, "a small body is drained and the connection kept");

        await connection.SendAsync(Get(host, $"/{bucket}/public"));
        var next = await connection.ReadResponseAsync();
        Assert.Equal((200, "public bytes"), (next?.Status, next?.Body));
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task A_refused_put_that_waits_for_100_continue_closes_the_connection()
    {
        var (bucket, host) = await PublicObjectAsync();
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        await connection.SendAsync($"PUT /{bucket}/anonymous HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
        var refused = await connection.ReadResponseAsync("PUT");
        Assert.Equal(403, refused?.Status);
        // The client is told to send nothing more here: the body it still owes would be read as the next request
        // (clients open a new connection; Kestrel ends this one once the body it was promised stops coming).
        Assert.True(refused!.Closes, "Connection: close on the refusal");
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task A_refused_put_with_a_body_larger_than_the_drain_limit_closes_the_connection()
    {
        var (bucket, host) = await PublicObjectAsync();
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        const int size = 8 * 1024 * 1024;
        await connection.SendAsync($"PUT /{bucket}/anonymous HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n\r\n");
        // Send what the server will take; it stops reading once it has decided to close.
        var sending = Task.Run(async () =>
        {
            try
            {
                await connection.SendAsync(new byte[size]);
            }
            catch (IOException)
            {
            }
        });
        var refused = await connection.ReadResponseAsync("PUT");
        Assert.Equal(403, refused?.Status);
        Assert.True(refused!.Closes, "Connection: close on the refusal");
        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        await AssertNotStoredAsync(bucket);
    }

    private async Task AssertNotStoredAsync(string bucket) =>
        await S3Expect.ErrorAsync("NoSuchKey", System.Net.HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "anonymous"));
}

public sealed class SqliteKeepAliveAfterRefusalTests(SqliteWalrusFixture f) : KeepAliveAfterRefusalTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresKeepAliveAfterRefusalTests(PostgresWalrusFixture f) : KeepAliveAfterRefusalTests(f), IClassFixture<PostgresWalrusFixture>;
