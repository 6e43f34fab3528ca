using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>ListObjects v1, ListObjectsV2 and ListObjectVersions: prefixes, delimiters, pagination and URL encoding.</summary>
public abstract class ListingTests(WalrusFixture f)
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>25 keys, in S3's (UTF-8 byte) order.</summary>
    private static readonly string[] Keys =
    [
        "a", "b", "c", "dir/0", "dir/1", "dir/2", "dir/3", "dir/4", "dir/5", "dir/6", "dir/7", "dir/8", "dir/9",
        "dir2/sub/1", "dir2/sub/2", "dir2/z", "e", "f g", "x/1", "x/2", "y", "z%", "z+plus", "zz", "ü-unicode",
    ];

    /// <summary>What a "/" delimiter rolls the keys up to at the top level.</summary>
    private static readonly string[] TopLevel = ["a", "b", "c", "dir/", "dir2/", "e", "f g", "x/", "y", "z%", "z+plus", "zz", "ü-unicode"];

    private async Task<string> PopulatedBucketAsync()
    {
        var bucket = await f.AliceBucketAsync("list");
        await Task.WhenAll(Keys.Select(k => f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k })));
        return bucket;
    }

    [Fact]
    public void The_expected_order_is_byte_order()
    {
        Assert.Equal(Keys.OrderBy(k => k, StringComparer.Ordinal), Keys);
        Assert.Equal(25, Keys.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/")]
    public async Task V2_pages_with_max_keys_7_cover_every_key_once(string? delimiter)
    {
        var bucket = await PopulatedBucketAsync();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket, MaxKeys = 7, ContinuationToken = token, Delimiter = delimiter,
            });
            pages++;
            var entries = (page.S3Objects ?? []).Select(o => o.Key).Concat(page.CommonPrefixes ?? []).ToList();
            Assert.Equal(entries.Count, page.KeyCount);
            Assert.True(entries.Count <= 7);
            Assert.Equal(page.IsTruncated, page.NextContinuationToken is not null);
            seen.AddRange(entries);
            token = page.NextContinuationToken;
        } while (token is not null);
        var expected = delimiter is null ? Keys : TopLevel;
        Assert.Equal(expected, seen.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, seen.Count);
        Assert.Equal((expected.Length + 6) / 7, pages);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/")]
    public async Task V1_pages_with_markers_cover_every_key_once(string? delimiter)
    {
        var bucket = await PopulatedBucketAsync();
        var seen = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await f.AliceS3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 7, Marker = marker, Delimiter = delimiter });
            var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            seen.AddRange(keys.Concat(page.CommonPrefixes ?? []));
            if (page.IsTruncated != true)
                break;
            // S3 sends NextMarker only with a delimiter; otherwise the last key is the marker.
            marker = delimiter is null ? keys[^1] : page.NextMarker;
            Assert.NotNull(marker);
        }
        Assert.Equal(delimiter is null ? Keys : TopLevel, seen.Order(StringComparer.Ordinal));
        Assert.Equal((delimiter is null ? Keys : TopLevel).Length, seen.Count);
    }

    [Fact]
    public async Task Prefix_delimiter_and_start_after()
    {
        var bucket = await PopulatedBucketAsync();
        var dir2 = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "dir2/", Delimiter = "/" });
        Assert.Equal(["dir2/z"], dir2.S3Objects.Select(o => o.Key));
        Assert.Equal(["dir2/sub/"], dir2.CommonPrefixes);
        Assert.Equal("dir2/", dir2.Prefix);

        var dir = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "dir/", StartAfter = "dir/6" });
        Assert.Equal(["dir/7", "dir/8", "dir/9"], dir.S3Objects.Select(o => o.Key));
        Assert.Equal(15, dir.S3Objects.Sum(o => o.Size));
        Assert.Equal("dir/6", dir.StartAfter);

        // A marker that is a common prefix skips everything under it.
        var after = await f.AliceS3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/", Marker = "dir/", MaxKeys = 2 });
        Assert.Equal(["dir2/", "e"], (after.S3Objects ?? []).Select(o => o.Key).Concat(after.CommonPrefixes ?? []).Order(StringComparer.Ordinal));
        Assert.Equal("e", after.NextMarker);

        foreach (var (prefix, expected) in new[] { ("z+", "z+plus"), ("ü", "ü-unicode"), ("f ", "f g"), ("z%", "z%") })
        {
            var page = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
            Assert.Equal(expected, Assert.Single(page.S3Objects).Key);
        }

        var nothing = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "nope" });
        Assert.Empty(nothing.S3Objects ?? []);
        Assert.False(nothing.IsTruncated);
        Assert.Equal(0, nothing.KeyCount);
    }

    [Fact]
    public async Task Url_encoding_of_keys_with_spaces_and_unicode()
    {
        var bucket = await PopulatedBucketAsync();
        using var raw = f.Raw(f.Alice);
        foreach (var listType in new[] { "list-type=2&", "" })
        {
            using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?{listType}encoding-type=url&prefix=f%20g");
            var xml = XElement.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("url", xml.Element(S3 + "EncodingType")?.Value);
            Assert.Equal("f%20g", xml.Element(S3 + "Prefix")?.Value);
            Assert.Equal(["f%20g"], xml.Elements(S3 + "Contents").Select(c => c.Element(S3 + "Key")!.Value));
        }
        using var all = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url&start-after=zz");
        var keys = XElement.Parse(await all.Content.ReadAsStringAsync()).Elements(S3 + "Contents").Select(c => c.Element(S3 + "Key")!.Value);
        Assert.Equal(["%C3%BC-unicode"], keys);

        // The .NET SDK hands the encoded keys over as they came; decoded, they are the stored keys.
        var sdk = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url, StartAfter = "e" });
        Assert.Equal(["f%20g", "x/1", "x/2", "y", "z%25", "z%2Bplus", "zz", "%C3%BC-unicode"], sdk.S3Objects.Select(o => o.Key));
        Assert.Equal(Keys[17..], sdk.S3Objects.Select(o => Uri.UnescapeDataString(o.Key)));
    }

    [Fact]
    public async Task Keys_with_control_characters_list_with_and_without_url_encoding()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using (var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/ctl%01key", [1]))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using (var encoded = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url"))
            Assert.Contains("<Key>ctl%01key</Key>", await encoded.Content.ReadAsStringAsync());
        // Without encoding S3 writes the character as a reference, which is why encoding-type=url exists; never a 500.
        using (var plain = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2"))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
            Assert.Contains("<Key>ctl&#x1;key</Key>", await plain.Content.ReadAsStringAsync());
        }
        // The error document names the key the same way.
        using var missing = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/ctl%02key");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var error = await missing.Content.ReadAsStringAsync();
        Assert.Contains("<Code>NoSuchKey</Code>", error);
        Assert.Contains("<Key>ctl&#x2;key</Key>", error);
    }

    [Fact]
    public async Task List_versions_of_an_unversioned_bucket()
    {
        var bucket = await PopulatedBucketAsync();
        var versions = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "dir/" });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"dir/{i}"), versions.Versions.Select(v => v.Key));
        Assert.All(versions.Versions, v =>
        {
            Assert.Equal("null", v.VersionId);
            Assert.True(v.IsLatest);
            Assert.NotEqual(true, v.IsDeleteMarker);
            Assert.Equal(5, v.Size);
        });
        Assert.False(versions.IsTruncated);

        var paged = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 4 });
        Assert.True(paged.IsTruncated);
        Assert.Equal(["a", "b", "c", "dir/0"], paged.Versions.Select(v => v.Key));
        Assert.Equal("dir/0", paged.NextKeyMarker);
        var next = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 4, KeyMarker = paged.NextKeyMarker, VersionIdMarker = paged.NextVersionIdMarker });
        Assert.Equal(["dir/1", "dir/2", "dir/3", "dir/4"], next.Versions.Select(v => v.Key));
    }

    [Fact]
    public async Task Bad_list_arguments_and_foreign_buckets()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&max-keys=lots"))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?encoding-type=base64"))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&continuation-token=%25%25%25"))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () =>
            f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = WalrusFixture.NewBucketName() }));
    }
}

public sealed class SqliteListingTests(SqliteWalrusFixture f) : ListingTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresListingTests(PostgresWalrusFixture f) : ListingTests(f), IClassFixture<PostgresWalrusFixture>;
