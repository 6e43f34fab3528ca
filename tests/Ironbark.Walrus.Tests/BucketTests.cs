using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>CreateBucket, DeleteBucket, HeadBucket, ListBuckets, GetBucketLocation and the naming rules.</summary>
public abstract class BucketTests(WalrusFixture f)
{
    private static byte[] LocationBody(string region) => Encoding.UTF8.GetBytes(
        $"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{region}</LocationConstraint></CreateBucketConfiguration>");

    [Fact]
    public async Task Create_with_the_cloud_region_as_constraint_and_read_the_location_back()
    {
        var viaSdk = WalrusFixture.NewBucketName();
        await f.AliceS3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = viaSdk, UseClientRegion = false, BucketRegionName = "ironbark",
        });
        var location = await f.AliceS3.GetBucketLocationAsync(viaSdk);
        Assert.Equal("ironbark", location.Location.Value);

        using var raw = f.Raw(f.Alice);
        var viaXml = WalrusFixture.NewBucketName();
        using var created = await raw.SendAsync(HttpMethod.Put, "/" + viaXml, LocationBody("ironbark"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("/" + viaXml, created.Headers.Location?.OriginalString);
        using var answer = await raw.SendAsync(HttpMethod.Get, $"/{viaXml}?location");
        var xml = XElement.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal("LocationConstraint", xml.Name.LocalName);
        Assert.Equal("ironbark", xml.Value);

        var head = await f.AliceS3.HeadBucketAsync(new HeadBucketRequest { BucketName = viaXml });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
    }

    [Fact]
    public async Task Create_without_constraint_lands_in_the_cloud_region()
    {
        var bucket = await f.AliceBucketAsync();
        var location = await f.AliceS3.GetBucketLocationAsync(bucket);
        Assert.Equal("ironbark", location.Location.Value);
    }

    [Fact]
    public async Task The_sdk_default_constraint_us_east_1_is_accepted_and_the_bucket_is_in_the_cloud_region()
    {
        // docs/walrus.md: "us-east-1" is what SDKs send by default; the cloud has one region, so the bucket lands there.
        var bucket = WalrusFixture.NewBucketName();
        using var raw = f.Raw(f.Alice);
        using (var created = await raw.SendAsync(HttpMethod.Put, "/" + bucket, LocationBody("us-east-1")))
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("ironbark", (await f.AliceS3.GetBucketLocationAsync(bucket)).Location.Value);
        using var head = await raw.SendAsync(HttpMethod.Head, "/" + bucket);
        Assert.Equal("ironbark", head.Headers.GetValues("x-amz-bucket-region").Single());
    }

    [Theory]
    [InlineData("<<garbage")]
    [InlineData("<SomethingElse/>")]
    public async Task A_bad_create_bucket_body_is_MalformedXML(string body)
    {
        var bucket = WalrusFixture.NewBucketName();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + bucket, Encoding.UTF8.GetBytes(body));
        await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () => f.AliceS3.GetBucketLocationAsync(bucket));
    }

    [Fact]
    public async Task A_foreign_location_constraint_is_refused()
    {
        var bucket = WalrusFixture.NewBucketName();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + bucket, LocationBody("eu-west-1"));
        await S3Assert.ErrorAsync(response, "InvalidLocationConstraint", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () => f.AliceS3.GetBucketLocationAsync(bucket));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UpperCase")]
    [InlineData("under_score")]
    [InlineData("-leading-hyphen")]
    [InlineData("trailing-hyphen-")]
    [InlineData("double..dot")]
    [InlineData("dash.-dot")]
    [InlineData("192.168.5.4")]
    [InlineData("xn--punycode")]
    [InlineData("name-s3alias")]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123")]
    public async Task Bad_bucket_names_are_InvalidBucketName(string name)
    {
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + name);
        var error = await S3Assert.ErrorAsync(response, "InvalidBucketName", HttpStatusCode.BadRequest);
        Assert.Equal(name, error.Element("BucketName")?.Value);
    }

    [Fact]
    public async Task Names_at_the_limits_are_accepted()
    {
        foreach (var name in new[] { "abc", "a.b-c" + Guid.NewGuid().ToString("N"), new string('z', 31) + Guid.NewGuid().ToString("N")[..32] })
        {
            await f.AliceS3.PutBucketAsync(name);
            await f.AliceS3.DeleteBucketAsync(name);
        }
    }

    [Fact]
    public async Task A_taken_name_is_BucketAlreadyExists_for_others_and_BucketAlreadyOwnedByYou_for_the_owner()
    {
        var bucket = await f.AliceBucketAsync();
        await S3Assert.FailsAsync("BucketAlreadyExists", HttpStatusCode.Conflict, () => f.BobS3.PutBucketAsync(bucket));
        await S3Assert.FailsAsync("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict, () => f.AliceS3.PutBucketAsync(bucket));
        var bobs = await f.BobS3.ListBucketsAsync();
        Assert.DoesNotContain(bobs.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task Delete_only_when_empty()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await S3Assert.FailsAsync("BucketNotEmpty", HttpStatusCode.Conflict, () => f.AliceS3.DeleteBucketAsync(bucket));
        Assert.Equal("x", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "k"));
        await f.AliceS3.DeleteObjectAsync(bucket, "k");
        var deleted = await f.AliceS3.DeleteBucketAsync(bucket);
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () => f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () => f.AliceS3.DeleteBucketAsync(bucket));
    }

    [Fact]
    public async Task Another_account_cannot_delete_a_bucket()
    {
        var bucket = await f.AliceBucketAsync();
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.DeleteBucketAsync(bucket));
        var location = await f.AliceS3.GetBucketLocationAsync(bucket);
        Assert.Equal("ironbark", location.Location.Value);
    }

    [Fact]
    public async Task Head_answers_404_for_a_missing_bucket_and_403_for_a_foreign_one()
    {
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            f.AliceS3.HeadBucketAsync(new HeadBucketRequest { BucketName = WalrusFixture.NewBucketName() }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var bucket = await f.AliceBucketAsync();
        var foreign = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => f.BobS3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        using var raw = f.Raw(f.Alice);
        using var head = await raw.SendAsync(HttpMethod.Head, "/" + bucket);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("ironbark", head.Headers.GetValues("x-amz-bucket-region").Single());
    }

    [Fact]
    public async Task List_shows_only_the_callers_own_buckets()
    {
        var alices = await f.AliceBucketAsync("alice");
        var bobs = WalrusFixture.NewBucketName("bob");
        await f.BobS3.PutBucketAsync(bobs);

        var aliceList = await f.AliceS3.ListBucketsAsync();
        var bobList = await f.BobS3.ListBucketsAsync();
        var aliceNames = (aliceList.Buckets ?? []).Select(b => b.BucketName).ToList();
        var bobNames = (bobList.Buckets ?? []).Select(b => b.BucketName).ToList();
        Assert.Contains(alices, aliceNames);
        Assert.DoesNotContain(bobs, aliceNames);
        Assert.Contains(bobs, bobNames);
        Assert.DoesNotContain(alices, bobNames);
        Assert.Equal(aliceNames.Order(StringComparer.Ordinal), aliceNames);
        Assert.Equal("alice", aliceList.Owner.DisplayName);
        Assert.All(bobList.Buckets!, b => Assert.True(b.CreationDate > DateTime.UtcNow.AddHours(-1)));

        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.Anonymous.ListBucketsAsync());
    }
}

public sealed class SqliteBucketTests(SqliteWalrusFixture f) : BucketTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBucketTests(PostgresWalrusFixture f) : BucketTests(f), IClassFixture<PostgresWalrusFixture>;
