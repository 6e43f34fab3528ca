using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>User metadata with non-ASCII characters: S3 takes header values as UTF-8 and answers them the same way.</summary>
public abstract class MetadataEncodingTests(WalrusFixture f)
{
    private const string Note = "café – naïve ☕ 日本";

    [Fact]
    public async Task Utf8_metadata_round_trips_through_raw_signed_requests()
    {
        var bucket = await f.AliceBucketAsync("meta");
        using var raw = f.Raw(f.Alice);
        var put = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = "x"u8.ToArray() };
        put.Headers["x-amz-meta-note"] = Note;
        using (var response = await raw.SendAsync(put))
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        using var get = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(Note, get.Headers.GetValues("x-amz-meta-note").Single());
    }

    /// <summary>The SDK's HttpClient refuses non-ASCII header values unless told to send UTF-8, as a .NET user of such metadata does.</summary>
    [Fact]
    public async Task Utf8_metadata_round_trips_through_the_sdk()
    {
        var bucket = await f.AliceBucketAsync("meta");
        using var s3 = f.Host.Client(f.Alice, c => c.HttpClientFactory = new Utf8HttpClientFactory());
        var put = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" };
        put.Metadata["note"] = Note;
        await s3.PutObjectAsync(put);

        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal(Note, head.Metadata["note"]);
        using var get = await s3.GetObjectAsync(bucket, "k");
        Assert.Equal(Note, get.Metadata["note"]);
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.Equal(Note, (await s3.GetObjectMetadataAsync(bucket, "copy")).Metadata["note"]);
    }

    private sealed class Utf8HttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        });

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }
}

public sealed class SqliteMetadataEncodingTests(SqliteWalrusFixture f) : MetadataEncodingTests(f), IClassFixture<SqliteWalrusFixture>;
