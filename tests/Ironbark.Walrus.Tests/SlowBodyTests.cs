using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A body parsed in memory that trickles in is cut off with RequestTimeout once InMemoryBodyTimeout has passed
/// (2 s here), instead of holding the request open for as long as the sender likes.
/// </summary>
public sealed class SlowBodyTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private WalrusHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await WalrusHost.StartAsync(configure: o => new WalrusOptions { DataDir = o.DataDir, Url = o.Url, InMemoryBodyTimeout = Timeout });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("form")]
    [InlineData("delete")]
    public async Task A_trickling_body_is_cut_off_with_RequestTimeout(string kind)
    {
        var alice = await _host.CreateAccountAsync("alice");
        using var s3 = _host.Client(alice);
        var bucket = WalrusFixture.NewBucketName("slow");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicReadWrite });

        var host = _host.Endpoint.Authority;
        var (target, type, start) = kind == "form"
            ? ($"/{bucket}", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n")
            : ($"/{bucket}?delete", "application/xml", "<Delete><Object><Key>");
        await using var connection = await RawHttpConnection.OpenAsync(_host.Endpoint);
        await connection.SendAsync($"POST {target} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {type}\r\nContent-Length: 100000\r\n\r\n{start}");
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await connection.SendAsync("k"u8.ToArray(), stop.Token);
                    await Task.Delay(100, stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
            }
        });
        var clock = Stopwatch.StartNew();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var refused = await connection.ReadResponseAsync("POST", wait.Token);
        await stop.CancelAsync();
        await trickle;

        Assert.Equal(400, refused?.Status);
        Assert.Contains("<Code>RequestTimeout</Code>", refused!.Body);
        Assert.True(refused.Closes, "the unread rest of the body closes the connection");
        Assert.InRange(clock.Elapsed, Timeout - TimeSpan.FromMilliseconds(500), Timeout + TimeSpan.FromSeconds(8));
    }
}
