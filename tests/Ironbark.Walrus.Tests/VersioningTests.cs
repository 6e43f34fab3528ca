using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Bucket versioning: version ids, delete markers, deleting versions, suspension and listing versions page by page.</summary>
public abstract class VersioningTests(WalrusFixture f)
{
    private async Task<string> BucketAsync(VersionStatus? status = null)
    {
        var bucket = WalrusFixture.NewBucketName("ver");
        await f.AliceS3.PutBucketAsync(bucket);
        if (status is not null)
            await SetVersioningAsync(bucket, status);
        return bucket;
    }

    private Task SetVersioningAsync(string bucket, VersionStatus status) =>
        f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = status } });

    private async Task<string> PutAsync(string bucket, string key, string body) =>
        (await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body })).VersionId;

    private async Task<List<S3ObjectVersion>> VersionsAsync(string bucket) =>
        (await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? [];

    [Fact]
    public async Task Versioning_status_round_trips()
    {
        var bucket = await BucketAsync();
        Assert.Equal(VersionStatus.Off, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        await SetVersioningAsync(bucket, VersionStatus.Enabled);
        Assert.Equal(VersionStatus.Enabled, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        await SetVersioningAsync(bucket, VersionStatus.Suspended);
        Assert.Equal(VersionStatus.Suspended, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        await S3Expect.DeniedAsync(() => f.BobS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } }));
        await S3Expect.ErrorAsync("MalformedXML", HttpStatusCode.BadRequest, () => f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = new VersionStatus("Sometimes") } }));
        Assert.Equal(VersionStatus.Suspended, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task Each_put_makes_a_version_that_can_be_read_back()
    {
        var bucket = await BucketAsync(VersionStatus.Enabled);
        var ids = new List<string>();
        foreach (var body in new[] { "one", "two", "three" })
            ids.Add(await PutAsync(bucket, "k", body));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.DoesNotContain("null", ids);

        Assert.Equal("three", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        Assert.Equal("one", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", ids[0]));
        Assert.Equal("two", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", ids[1]));
        using (var latest = await f.AliceS3.GetObjectAsync(bucket, "k"))
            Assert.Equal(ids[2], latest.VersionId);

        var versions = await VersionsAsync(bucket);
        Assert.Equal(ids.AsEnumerable().Reverse(), versions.Select(v => v.VersionId));
        Assert.Equal([true, false, false], versions.Select(v => v.IsLatest == true));
        Assert.All(versions, v => Assert.NotEqual(true, v.IsDeleteMarker));
        Assert.Equal([5L, 3L, 3L], versions.Select(v => v.Size ?? -1));
        // Listing objects shows only the current version.
        var objects = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(5, Assert.Single(objects.S3Objects).Size);

        await S3Expect.ErrorAsync("NoSuchVersion", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = new string('A', 32) }));
        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "not-a-version" }));
        // Reading an old version is s3:GetObjectVersion: bob with no grant gets nothing.
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = ids[0] }));
        await S3Expect.DeniedAsync(() => f.BobS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket }));
    }

    [Fact]
    public async Task Delete_without_version_makes_a_delete_marker_and_removing_it_restores_the_object()
    {
        var bucket = await BucketAsync(VersionStatus.Enabled);
        var v1 = await PutAsync(bucket, "k", "one");
        var v2 = await PutAsync(bucket, "k", "two");

        var deleted = await f.AliceS3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", deleted.DeleteMarker);
        var marker = deleted.VersionId;
        Assert.False(string.IsNullOrEmpty(marker));
        Assert.DoesNotContain(marker, new[] { v1, v2 });

        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
        using (var raw = new RawS3Client(f.Host.Endpoint, f.Alice))
        {
            using var get = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k");
            Assert.Equal("true", get.Headers.GetValues("x-amz-delete-marker").Single());
            Assert.Equal(marker, get.Headers.GetValues("x-amz-version-id").Single());
            await S3Expect.RawErrorAsync(get, HttpStatusCode.NotFound, "NoSuchKey");
            // Addressing the marker itself is not a GET of an object.
            using var getMarker = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k", [("versionId", marker)]);
            Assert.Equal("true", getMarker.Headers.GetValues("x-amz-delete-marker").Single());
            await S3Expect.RawErrorAsync(getMarker, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        }
        Assert.Empty((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        Assert.Equal("two", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", v2));

        var versions = await VersionsAsync(bucket);
        Assert.Equal([marker, v2, v1], versions.Select(v => v.VersionId));
        Assert.Equal([true, false, false], versions.Select(v => v.IsDeleteMarker == true));
        Assert.Equal([true, false, false], versions.Select(v => v.IsLatest == true));

        var removed = await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = marker });
        Assert.Equal("true", removed.DeleteMarker);
        Assert.Equal(marker, removed.VersionId);
        Assert.Equal("two", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        Assert.Equal([v2, v1], (await VersionsAsync(bucket)).Select(v => v.VersionId));
    }

    [Fact]
    public async Task Deleting_a_specific_version_removes_only_that_version()
    {
        var bucket = await BucketAsync(VersionStatus.Enabled);
        var v1 = await PutAsync(bucket, "k", "one");
        var v2 = await PutAsync(bucket, "k", "two");
        var v3 = await PutAsync(bucket, "k", "three");

        var middle = await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v2 });
        Assert.Equal(v2, middle.VersionId);
        Assert.NotEqual("true", middle.DeleteMarker);
        await S3Expect.ErrorAsync("NoSuchVersion", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = v2 }));
        Assert.Equal("three", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        // Removing the current version makes the next newest current; no delete marker is made.
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v3 });
        Assert.Equal("one", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        var versions = await VersionsAsync(bucket);
        var only = Assert.Single(versions);
        Assert.Equal((v1, true), (only.VersionId, only.IsLatest == true));

        // Bob may not delete versions of alice's objects.
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1 }));
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1 });
        Assert.Empty(await VersionsAsync(bucket));
        await f.AliceS3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Suspended_versioning_writes_the_null_version_and_keeps_older_ones()
    {
        var bucket = await BucketAsync();
        Assert.Null(await PutAsync(bucket, "k", "before versioning"));
        await SetVersioningAsync(bucket, VersionStatus.Enabled);
        var enabled = await PutAsync(bucket, "k", "while enabled");
        Assert.Equal("before versioning", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", "null"));

        await SetVersioningAsync(bucket, VersionStatus.Suspended);
        Assert.Equal("null", await PutAsync(bucket, "k", "suspended 1"));
        Assert.Equal("null", await PutAsync(bucket, "k", "suspended 2"));

        Assert.Equal("suspended 2", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        Assert.Equal("suspended 2", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", "null"));
        Assert.Equal("while enabled", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", enabled));
        var versions = await VersionsAsync(bucket);
        Assert.Equal(["null", enabled], versions.Select(v => v.VersionId));
        Assert.Equal([true, false], versions.Select(v => v.IsLatest == true));

        // A delete while suspended puts a "null" delete marker in place of the null version.
        var deleted = await f.AliceS3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(("true", "null"), (deleted.DeleteMarker, deleted.VersionId));
        versions = await VersionsAsync(bucket);
        Assert.Equal([("null", true), (enabled, false)], versions.Select(v => (v.VersionId, v.IsDeleteMarker == true)));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task List_versions_pages_with_key_and_version_markers()
    {
        var bucket = await BucketAsync(VersionStatus.Enabled);
        var expected = new List<(string Key, string Version)>();
        foreach (var key in new[] { "a", "b", "c" })
        {
            var older = await PutAsync(bucket, key, key + "1");
            var newer = await PutAsync(bucket, key, key + "2");
            expected.Add((key, newer));
            expected.Add((key, older));
        }
        var other = await PutAsync(bucket, "other/x", "x");

        foreach (var pageSize in new[] { 1, 4, 5 })
        {
            var seen = new List<(string, string)>();
            string? keyMarker = null, versionMarker = null;
            var pages = 0;
            while (true)
            {
                var page = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest
                {
                    BucketName = bucket, Prefix = "", MaxKeys = pageSize, KeyMarker = keyMarker, VersionIdMarker = versionMarker,
                });
                pages++;
                var versions = page.Versions ?? [];
                Assert.True(versions.Count <= pageSize);
                seen.AddRange(versions.Select(v => (v.Key, v.VersionId)));
                if (page.IsTruncated != true)
                    break;
                Assert.Equal(pageSize, versions.Count);
                Assert.Equal(versions[^1].Key, page.NextKeyMarker);
                Assert.Equal(versions[^1].VersionId, page.NextVersionIdMarker);
                (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
            }
            Assert.Equal(expected.Append(("other/x", other)), seen);
            Assert.Equal((int)Math.Ceiling(7.0 / pageSize), pages);
        }

        await S3Expect.ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest, () => f.AliceS3.ListVersionsAsync(new ListVersionsRequest
            { BucketName = bucket, VersionIdMarker = expected[0].Version }));
        // A key marker alone starts after every version of that key; a prefix narrows the listing.
        var afterA = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, KeyMarker = "a" });
        Assert.Equal(["b", "b", "c", "c", "other/x"], afterA.Versions.Select(v => v.Key));
        var prefixed = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "b" });
        Assert.Equal([expected[2].Version, expected[3].Version], prefixed.Versions.Select(v => v.VersionId));
        var delimited = await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["other/"], delimited.CommonPrefixes);
        Assert.Equal(6, delimited.Versions.Count);
    }
}

public sealed class SqliteVersioningTests(SqliteWalrusFixture f) : VersioningTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresVersioningTests(PostgresWalrusFixture f) : VersioningTests(f), IClassFixture<PostgresWalrusFixture>;
