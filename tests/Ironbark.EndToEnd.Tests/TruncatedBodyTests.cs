using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// A PUT whose body ends before its Content-Length, sent over a raw socket with a presigned URL
/// (so the request is authorised and reaches the body): nothing is stored, and Walrus keeps serving.
/// </summary>
public sealed class TruncatedBodyTests(CloudFixture f) : IClassFixture<CloudFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Body_cut_short_stores_nothing_and_the_server_keeps_serving(bool halfClose)
    {
        var cloud = f.Cloud;
        using var s3 = cloud.Admin.S3Client();
        var bucket = TestData.BucketName("cut");
        await s3.PutBucketAsync(bucket);
        var url = new Uri(await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "partial", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        }));

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, url.Port);
            var head = $"PUT {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Length: 1000\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head));
            await socket.SendAsync(new byte[10]);
            if (halfClose)
            {
                // Tell the server the body is over. Kestrel takes the FIN for the end of the connection and
                // resets it, so there may be no answer at all; if there is one, it must not be a success.
                socket.Shutdown(SocketShutdown.Send);
                var answer = await ReadAllAsync(socket);
                Assert.True(answer == "" || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
            }
        }

        // Whatever the server was doing with the body is over once its temp file is gone.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Directory.EnumerateFiles(cloud.WalrusTmp, "*", SearchOption.AllDirectories).Any())
            await Task.Delay(50, timeout.Token);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "partial"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "whole", ContentBody = "still serving" });
        using var get = await s3.GetObjectAsync(bucket, "whole");
        Assert.Equal("still serving", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    private static async Task<string> ReadAllAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The server aborted the connection: what came before the reset is the answer.
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
