using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Object tags (on PUT and through ?tagging) and bucket tags, with S3's limits.</summary>
public abstract class TaggingTests(WalrusFixture f)
{
    private async Task<string> BucketAsync()
    {
        var bucket = WalrusFixture.NewBucketName("tag");
        await f.AliceS3.PutBucketAsync(bucket);
        return bucket;
    }

    private static List<Tag> Tags(params (string Key, string Value)[] tags) => tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();

    private async Task<List<(string, string)>> ObjectTagsAsync(string bucket, string key, string? versionId = null) =>
        ((await f.AliceS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key, VersionId = versionId })).Tagging ?? [])
        .Select(t => (t.Key, t.Value)).ToList();

    private async Task<int?> TagCountAsync(string bucket, string key)
    {
        using var get = await f.AliceS3.GetObjectAsync(bucket, key);
        return get.TagCount;
    }

    [Fact]
    public async Task Tags_given_on_put_are_read_back_and_counted_on_get()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("project", "ironbark"), ("team", "storage & co")),
        });
        Assert.Equal([("project", "ironbark"), ("team", "storage & co")], await ObjectTagsAsync(bucket, "k"));
        Assert.Equal(2, await TagCountAsync(bucket, "k"));

        await S3Expect.PutTextAsync(f.AliceS3, bucket, "untagged", "x");
        Assert.Empty(await ObjectTagsAsync(bucket, "untagged"));
        Assert.True((await TagCountAsync(bucket, "untagged") ?? 0) == 0);
    }

    [Fact]
    public async Task Put_replaces_and_delete_removes_an_objects_tags()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("a", "1")) });

        await f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags(("b", "2"), ("c", "")) } });
        Assert.Equal([("b", "2"), ("c", "")], await ObjectTagsAsync(bucket, "k"));
        Assert.Equal(2, await TagCountAsync(bucket, "k"));
        Assert.Equal("x", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        await f.AliceS3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.Empty(await ObjectTagsAsync(bucket, "k"));
        Assert.True((await TagCountAsync(bucket, "k") ?? 0) == 0);

        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "missing" }));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "missing", Tagging = new Tagging { TagSet = Tags(("a", "1")) } }));
    }

    [Fact]
    public async Task Tags_belong_to_one_version_and_to_the_owner()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var v1 = (await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "1", TagSet = Tags(("v", "1")) })).VersionId;
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "2", TagSet = Tags(("v", "2")) });

        var put = await f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "k", VersionId = v1, Tagging = new Tagging { TagSet = Tags(("v", "one")) } });
        Assert.Equal(v1, put.VersionId);
        Assert.Equal([("v", "one")], await ObjectTagsAsync(bucket, "k", v1));
        Assert.Equal([("v", "2")], await ObjectTagsAsync(bucket, "k"));

        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags(("bob", "was here")) } }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" }));
        Assert.Equal([("v", "2")], await ObjectTagsAsync(bucket, "k"));
    }

    [Fact]
    public async Task Object_acl_grants_do_not_grant_tagging_but_owners_and_policies_do()
    {
        var bucket = await BucketAsync();
        var bob = await f.AccountAsync("bob");
        var alice = await f.AccountAsync("alice");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "shared", ContentBody = "x", TagSet = Tags(("owner", "alice")),
            Headers = { ["x-amz-grant-full-control"] = $"id=\"{bob.CanonicalId}\"" },
        });
        // FULL_CONTROL lets bob read the object and its ACL, but READ and WRITE_ACP are not tagging permissions.
        Assert.Equal("x", await S3Expect.ReadAsync(f.BobS3, bucket, "shared"));
        await f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "shared" });
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "shared" }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "shared", Tagging = new Tagging { TagSet = Tags(("owner", "bob")) } }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "shared" }));
        Assert.Equal([("owner", "alice")], await ObjectTagsAsync(bucket, "shared"));

        // A bucket policy grants exactly the tagging action it names.
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = bucket,
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{bob.Id}}"},
                  "Action":"s3:GetObjectTagging","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
                """,
        });
        var read = await f.BobS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "shared" });
        Assert.Equal([("owner", "alice")], read.Tagging.Select(t => (t.Key, t.Value)));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "shared" }));
        await f.AliceS3.DeleteBucketPolicyAsync(bucket);

        // An object bob owns in alice's bucket: bob tags it, and alice, the bucket owner, may read and change its tags.
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
        {
            BucketName = bucket,
            AccessControlPolicy = new S3AccessControlList
            {
                Owner = new Owner { Id = alice.CanonicalId },
                Grants =
                [
                    new S3Grant { Grantee = new S3Grantee { CanonicalUser = alice.CanonicalId }, Permission = S3Permission.FULL_CONTROL },
                    new S3Grant { Grantee = new S3Grantee { CanonicalUser = bob.CanonicalId }, Permission = S3Permission.WRITE },
                ],
            },
        });
        await f.BobS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "bobs", ContentBody = "b" });
        await f.BobS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "bobs", Tagging = new Tagging { TagSet = Tags(("owner", "bob")) } });
        Assert.Equal([("owner", "bob")], await ObjectTagsAsync(bucket, "bobs"));
        await f.AliceS3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "bobs" });
        Assert.Empty(await ObjectTagsAsync(bucket, "bobs"));
    }

    [Fact]
    public async Task Copy_keeps_tags_unless_told_to_replace_them()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x", TagSet = Tags(("a", "1")) });
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.Equal([("a", "1")], await ObjectTagsAsync(bucket, "copy"));
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "retagged",
            TaggingDirective = TaggingDirective.REPLACE, TagSet = Tags(("b", "2")),
        });
        Assert.Equal([("b", "2")], await ObjectTagsAsync(bucket, "retagged"));
    }

    [Fact]
    public async Task Tags_outside_the_limits_are_refused_and_nothing_changes()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("keep", "me")) });
        Task PutTags(List<Tag> tags) => f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = tags } });

        var eleven = Enumerable.Range(0, 11).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToList();
        var tooMany = await S3Expect.ErrorAsync("BadRequest", HttpStatusCode.BadRequest, () => PutTags(eleven));
        Assert.Equal("Object tags cannot be greater than 10", tooMany.Message);
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => PutTags(Tags(("dup", "1"), ("dup", "2"))));
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => PutTags(Tags(("aws:reserved", "1"))));
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => PutTags(Tags((new string('k', 129), "1"))));
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => PutTags(Tags(("long", new string('v', 257)))));
        Assert.Equal([("keep", "me")], await ObjectTagsAsync(bucket, "k"));

        // The same limits on x-amz-tagging: the object is not stored at all.
        await S3Expect.ErrorAsync("BadRequest", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "too-many", ContentBody = "x", TagSet = eleven }));
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
            { BucketName = bucket, Key = "dup", ContentBody = "x", Headers = { ["x-amz-tagging"] = "a=1&a=2" } }));
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["k"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Bucket_tags_round_trip()
    {
        var bucket = await BucketAsync();
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        async Task AssertNoTagSet()
        {
            using var response = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("tagging", null)]);
            await S3Expect.RawErrorAsync(response, HttpStatusCode.NotFound, "NoSuchTagSet");
        }
        await AssertNoTagSet();

        await f.AliceS3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = Tags(("cost-centre", "42"), ("env", "test")) });
        var got = await f.AliceS3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket });
        Assert.Equal([("cost-centre", "42"), ("env", "test")], got.TagSet.Select(t => (t.Key, t.Value)));

        var fifty = Enumerable.Range(0, 50).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToList();
        await f.AliceS3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = fifty });
        Assert.Equal(50, (await f.AliceS3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet.Count);
        var tooMany = await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => f.AliceS3.PutBucketTaggingAsync(new PutBucketTaggingRequest
            { BucketName = bucket, TagSet = [.. fifty, new Tag { Key = "one-more", Value = "v" }] }));
        Assert.Equal("Bucket tag count cannot be greater than 50", tooMany.Message);
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => f.AliceS3.PutBucketTaggingAsync(new PutBucketTaggingRequest
            { BucketName = bucket, TagSet = Tags(("dup", "1"), ("dup", "2")) }));
        await S3Expect.DeniedAsync(() => f.BobS3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = Tags(("a", "b")) }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal(50, (await f.AliceS3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet.Count);

        await f.AliceS3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
        await AssertNoTagSet();
    }
}

public sealed class SqliteTaggingTests(SqliteWalrusFixture f) : TaggingTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresTaggingTests(PostgresWalrusFixture f) : TaggingTests(f), IClassFixture<PostgresWalrusFixture>;
