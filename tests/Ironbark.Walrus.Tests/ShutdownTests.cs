using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Amazon.S3;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus.Tests;

/// <summary>Stopping Walrus while a client is still uploading: a bounded wait, a quiet log, nothing stored.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task A_stop_with_an_upload_in_flight_waits_only_the_shutdown_timeout_and_stores_nothing()
    {
        var logs = new LogRecorder();
        await using var host = await WalrusHost.StartAsync(configure: o => new WalrusOptions
            { DataDir = o.DataDir, Url = o.Url, ShutdownTimeout = TimeSpan.FromSeconds(1) }, logging: b => b.AddProvider(logs));
        var key = await host.CreateAccountAsync("carol");
        using (var s3 = host.Client(key))
            await s3.PutBucketAsync("uploads");

        // A PUT that announces 1 MiB, sends 64 KiB and then stalls, as a slow client would.
        using var raw = new RawS3(host.Endpoint, key.AccessKeyId, key.SecretAccessKey);
        var request = new RawS3.Request(HttpMethod.Put, "/uploads/big") { PayloadHash = "UNSIGNED-PAYLOAD" };
        var (message, _) = raw.SignV4(request);
        var body = new Pipe();
        message.Content = new StreamContent(body.Reader.AsStream());
        message.Content.Headers.ContentLength = 1024 * 1024;
        var sending = raw.SendAsync(message);
        await body.Writer.WriteAsync(new byte[16 * 1024]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var tmp = Path.Combine(host.DataDir, "walrus", "tmp");
        await S3Expect.EventuallyAsync(() => Task.FromResult(Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Any()), "the upload has started");

        var stopwatch = Stopwatch.StartNew();
        await host.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"stop took {stopwatch.Elapsed}");
        // The client, still waiting to send the rest, finds its connection gone once it gives up.
        await body.Writer.CompleteAsync(new IOException("the client gives up"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));

        await host.RestartAsync();
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(host.DataDir, "walrus", "blobs"), "*", SearchOption.AllDirectories));
        using (var s3 = host.Client(key))
            await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => s3.GetObjectAsync("uploads", "big"));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
