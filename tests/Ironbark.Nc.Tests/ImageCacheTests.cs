using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Domain;
using Ironbark.Nc.Images;
using Ironbark.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ironbark.Nc.Tests;

/// <summary>The image cache against a real Walrus: one download per image, digests enforced, LRU eviction.</summary>
public sealed class ImageCacheTests : IAsyncLifetime
{
    private const string Bucket = "cache-images";
    private readonly TempDir _dir = new();
    private readonly GetCounter _counter = new();
    private WalrusHost _walrus = null!;
    private AmazonS3Client _s3 = null!;

    public async Task InitializeAsync()
    {
        _walrus = await WalrusHost.StartAsync();
        var key = await _walrus.CreateAccountAsync("node");
        _s3 = _walrus.Client(key, c => c.HttpClientFactory = _counter);
        await _s3.PutBucketAsync(Bucket);
    }

    public async Task DisposeAsync()
    {
        _s3.Dispose();
        await _walrus.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<ImageRef> UploadAsync(string key, int bytes)
    {
        var data = RandomNumberGenerator.GetBytes(bytes);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(data) });
        return new ImageRef { Id = key, Bucket = Bucket, Key = key, Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)), Size = bytes };
    }

    private ImageCache Cache(long limit) => new(_s3, _dir.Combine("images"), limit, NullLogger<ImageCache>.Instance);

    [Fact]
    public async Task Concurrent_launches_of_one_image_share_one_download()
    {
        var image = await UploadAsync("shared", 3 * 1024 * 1024);
        var cache = Cache(long.MaxValue);
        _counter.Reset();
        var paths = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => cache.GetAsync(image, () => new HashSet<string>(), CancellationToken.None)));
        Assert.Single(paths.Distinct());
        Assert.Equal(1, _counter.Gets);
        Assert.Equal(image.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(paths[0]))));
        Assert.Empty(Directory.EnumerateFiles(_dir.Combine("images", "tmp")));

        // Cached: a later launch downloads nothing.
        await cache.GetAsync(image, () => new HashSet<string>(), CancellationToken.None);
        Assert.Equal(1, _counter.Gets);
    }

    [Fact]
    public async Task A_download_that_does_not_match_its_digest_is_never_used()
    {
        var image = await UploadAsync("tampered", 64 * 1024);
        image.Sha256 = new string('c', 64);
        var cache = Cache(long.MaxValue);
        var error = await Assert.ThrowsAsync<NcException>(() => cache.GetAsync(image, () => new HashSet<string>(), CancellationToken.None));
        Assert.Equal("InvalidImage.DigestMismatch", error.Code);
        Assert.Empty(Directory.EnumerateFiles(_dir.Combine("images")));
        Assert.Empty(Directory.EnumerateFiles(_dir.Combine("images", "tmp")));
    }

    [Fact]
    public async Task Least_recently_used_images_not_in_use_are_evicted_beyond_the_limit()
    {
        var mib = 1024 * 1024;
        var a = await UploadAsync("a", mib);
        var b = await UploadAsync("b", mib);
        var c = await UploadAsync("c", mib);
        var cache = Cache(2 * mib + mib / 2);
        var none = () => (IReadOnlySet<string>)new HashSet<string>();
        var pathA = await cache.GetAsync(a, none, CancellationToken.None);
        await Task.Delay(20);
        var pathB = await cache.GetAsync(b, none, CancellationToken.None);
        await Task.Delay(20);
        // A is in use by an instance: B, the least recently used one that is free, goes.
        var pathC = await cache.GetAsync(c, () => new HashSet<string> { pathA }, CancellationToken.None);
        Assert.True(File.Exists(pathA));
        Assert.False(File.Exists(pathB));
        Assert.True(File.Exists(pathC));

        // Nothing in use: the oldest (A) goes next.
        await cache.GetAsync(b, none, CancellationToken.None);
        Assert.False(File.Exists(pathA));
        Assert.True(File.Exists(pathC));
    }

    /// <summary>Counts the GET requests the S3 client really sends to Walrus.</summary>
    private sealed class GetCounter : HttpClientFactory
    {
        private int _gets;
        public int Gets => Volatile.Read(ref _gets);
        public void Reset() => Interlocked.Exchange(ref _gets, 0);

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Counting(this) { InnerHandler = new HttpClientHandler() });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        private sealed class Counting(GetCounter owner) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.Method == HttpMethod.Get)
                    Interlocked.Increment(ref owner._gets);
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
