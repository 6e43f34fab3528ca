using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Lifecycle configuration and expiry. The fixture's lifecycle "day" is one second and the sweep runs
/// twice a second, so expiry is observed by polling for a few seconds at most.
/// </summary>
public abstract class LifecycleTests(WalrusFixture f)
{
    private async Task<string> BucketAsync(params string[] keys)
    {
        var bucket = WalrusFixture.NewBucketName("lc");
        await f.AliceS3.PutBucketAsync(bucket);
        foreach (var key in keys)
            await S3Expect.PutTextAsync(f.AliceS3, bucket, key, key);
        return bucket;
    }

    private Task PutRulesAsync(string bucket, params LifecycleRule[] rules) =>
        f.AliceS3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] } });

    private async Task<List<string>> KeysAsync(string bucket) =>
        ((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key).ToList();

    private async Task<HttpResponseMessage> RawLifecycleAsync(HttpMethod method, string bucket, string? xml = null)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        return await raw.SendAsync(method, "/" + bucket, [("lifecycle", null)], xml is null ? null : Encoding.UTF8.GetBytes(xml));
    }

    /// <summary>A rule's filter as (prefix, tags); AWSSDK.S3 4.1 reads filters into its predicate classes.</summary>
    private static (string? Prefix, string Tags) Filter(LifecycleRule rule)
    {
        var operands = rule.Filter.LifecycleFilterPredicate is LifecycleAndOperator and ? and.Operands : [rule.Filter.LifecycleFilterPredicate];
        return (operands.OfType<LifecyclePrefixPredicate>().SingleOrDefault()?.Prefix,
            string.Join('&', operands.OfType<LifecycleTagPredicate>().Select(t => $"{t.Tag.Key}={t.Tag.Value}")));
    }

    [Fact]
    public async Task Lifecycle_configuration_round_trips()
    {
        var bucket = await BucketAsync();
        using (var none = await RawLifecycleAsync(HttpMethod.Get, bucket))
            await S3Expect.RawErrorAsync(none, HttpStatusCode.NotFound, "NoSuchLifecycleConfiguration");

        await PutRulesAsync(bucket,
            new LifecycleRule
            {
                Id = "logs", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "logs/" },
                Expiration = new LifecycleRuleExpiration { Days = 30 },
                NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 7 },
            },
            new LifecycleRule
            {
                Id = "tmp", Status = LifecycleRuleStatus.Disabled,
                Filter = new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = "tmp/", Tags = [new Tag { Key = "scratch", Value = "yes" }] } },
                AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 2 },
            });

        var rules = (await f.AliceS3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket })).Configuration.Rules;
        Assert.Equal(2, rules.Count);
        Assert.Equal(("logs", LifecycleRuleStatus.Enabled, 30, 7),
            (rules[0].Id, rules[0].Status, rules[0].Expiration.Days, rules[0].NoncurrentVersionExpiration.NoncurrentDays));
        Assert.Equal(("logs/", ""), Filter(rules[0]));
        Assert.Equal(("tmp", LifecycleRuleStatus.Disabled, 2), (rules[1].Id, rules[1].Status, rules[1].AbortIncompleteMultipartUpload.DaysAfterInitiation));
        Assert.Equal(("tmp/", "scratch=yes"), Filter(rules[1]));

        await S3Expect.DeniedAsync(() => f.BobS3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteLifecycleConfigurationAsync(new DeleteLifecycleConfigurationRequest { BucketName = bucket }));
        await f.AliceS3.DeleteLifecycleConfigurationAsync(new DeleteLifecycleConfigurationRequest { BucketName = bucket });
        using (var deleted = await RawLifecycleAsync(HttpMethod.Get, bucket))
            await S3Expect.RawErrorAsync(deleted, HttpStatusCode.NotFound, "NoSuchLifecycleConfiguration");
    }

    [Fact]
    public async Task A_prefix_rule_expires_only_the_matching_objects()
    {
        var bucket = await BucketAsync("logs/1", "logs/2", "keep/1", "logsbook");
        await PutRulesAsync(bucket,
            new LifecycleRule
            {
                Id = "logs", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "logs/" },
                Expiration = new LifecycleRuleExpiration { Days = 1 },
            },
            // A disabled rule does nothing, even one whose date has passed.
            new LifecycleRule
            {
                Id = "off", Status = LifecycleRuleStatus.Disabled, Filter = new LifecycleFilter { Prefix = "keep/" },
                Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            });

        await S3Expect.EventuallyAsync(async () => !(await KeysAsync(bucket)).Any(k => k.StartsWith("logs/")), "logs/ expired");
        Assert.Equal(["keep/1", "logsbook"], await KeysAsync(bucket));
        Assert.Equal("keep/1", await S3Expect.ReadAsync(f.AliceS3, bucket, "keep/1"));
    }

    [Fact]
    public async Task A_tag_rule_expires_only_tagged_objects()
    {
        var bucket = await BucketAsync("plain");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
            { BucketName = bucket, Key = "scratch", ContentBody = "x", TagSet = [new Tag { Key = "expire", Value = "yes" }] });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
            { BucketName = bucket, Key = "other-value", ContentBody = "x", TagSet = [new Tag { Key = "expire", Value = "no" }] });
        await PutRulesAsync(bucket, new LifecycleRule
        {
            Id = "tagged", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Tag = new Tag { Key = "expire", Value = "yes" } },
            Expiration = new LifecycleRuleExpiration { Days = 1 },
        });
        await S3Expect.EventuallyAsync(async () => !(await KeysAsync(bucket)).Contains("scratch"), "tagged object expired");
        Assert.Equal(["other-value", "plain"], await KeysAsync(bucket));
    }

    [Fact]
    public async Task An_expiration_date_in_the_past_expires_at_once()
    {
        var bucket = await BucketAsync("old/a", "old/b", "new/c");
        await PutRulesAsync(bucket, new LifecycleRule
        {
            Id = "past", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "old/" },
            Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        });
        // Well under a lifecycle "day": only the date makes these due.
        await S3Expect.EventuallyAsync(async () => (await KeysAsync(bucket)).SequenceEqual(["new/c"]), "old/ expired", seconds: 3);
    }

    [Fact]
    public async Task In_a_versioned_bucket_expiry_leaves_a_delete_marker_and_old_versions_expire()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "1");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "2");
        await PutRulesAsync(bucket, new LifecycleRule
        {
            Id = "all", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "" },
            Expiration = new LifecycleRuleExpiration { Days = 1 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
        });
        await S3Expect.EventuallyAsync(async () =>
        {
            var versions = (await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? [];
            return versions.Count == 1 && versions[0].IsDeleteMarker == true;
        }, "only a delete marker left");
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task Expiry_is_not_stopped_by_a_policy_that_denies_deletes_to_everyone()
    {
        var bucket = await BucketAsync("tmp/a", "keep");
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = bucket,
            Policy = $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
                  "Action":["s3:DeleteObject","s3:DeleteObjectVersion","s3:ListBucket"],
                  "Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}]}
                """,
        });
        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(bucket, "tmp/a"));
        await PutRulesAsync(bucket, new LifecycleRule
        {
            Id = "tmp", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "tmp/" },
            Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        });
        // ListBucket is denied too, so a missing key answers AccessDenied rather than NoSuchKey; GetObject still reads what is left.
        await S3Expect.EventuallyAsync(async () =>
        {
            try
            {
                await f.AliceS3.GetObjectMetadataAsync(bucket, "tmp/a");
                return false;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
            {
                return true;
            }
        }, "tmp/a expired despite the Deny", seconds: 5);
        Assert.Equal("keep", await S3Expect.ReadAsync(f.AliceS3, bucket, "keep"));
    }

    [Fact]
    public async Task Noncurrent_days_count_from_when_a_version_became_noncurrent()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var v1 = (await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "1" })).VersionId;
        // v1 is older than the rule's 4 "days" (seconds) but becomes non-current only now.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "2");
        await PutRulesAsync(bucket, new LifecycleRule
        {
            Id = "old-versions", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "" },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 4 },
        });
        async Task<bool> V1Exists() =>
            ((await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []).Any(v => v.VersionId == v1);

        // Sweeps (every 0.5 s) pass while v1 has been non-current for well under 4 s.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.True(await V1Exists(), "v1 expired counting from its own LastModified");
        await S3Expect.EventuallyAsync(async () => !await V1Exists(), "v1 expired 4 s after it became non-current", seconds: 8);
        Assert.Equal("2", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    [Theory]
    [InlineData("<LifecycleConfiguration><Rule><ID>x</ID><Filter><Prefix></Prefix></Filter><Status>Maybe</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><Status>Enabled</Status>", "MalformedXML")]
    [InlineData("<Lifecycle><Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></Lifecycle>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><Prefix>a</Prefix><Filter><Prefix>b</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2020-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [InlineData("<LifecycleConfiguration><Rule><Filter/><Status>Enabled</Status></Rule></LifecycleConfiguration>", "InvalidRequest")]
    public async Task A_rule_that_is_not_valid_is_refused_and_not_stored(string xml, string code)
    {
        var bucket = await BucketAsync();
        using (var put = await RawLifecycleAsync(HttpMethod.Put, bucket, xml))
            await S3Expect.RawErrorAsync(put, HttpStatusCode.BadRequest, code);
        using var get = await RawLifecycleAsync(HttpMethod.Get, bucket);
        await S3Expect.RawErrorAsync(get, HttpStatusCode.NotFound, "NoSuchLifecycleConfiguration");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Expiry_never_removes_an_object_written_after_the_sweep_read_it(bool versioned)
    {
        // No rules on this bucket: the test plays the sweep's two steps itself, with a write between them.
        var bucket = await BucketAsync("race");
        if (versioned)
            await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var services = f.Host.Server.Services;
        var objects = (Domain.ObjectService)services.GetService(typeof(Domain.ObjectService))!;
        var store = (Store.WalrusStore)services.GetService(typeof(Store.WalrusStore))!;
        var bucketRow = (await store.GetBucketAsync(bucket, CancellationToken.None))!;
        var seen = (await objects.ScanAsync(bucket, "", null, "", 10, CancellationToken.None)).Objects.Single();

        await S3Expect.PutTextAsync(f.AliceS3, bucket, "race", "written after the sweep looked");
        Assert.False(await objects.ExpireAsync(bucketRow, seen, CancellationToken.None));
        Assert.Equal("written after the sweep looked", await S3Expect.ReadAsync(f.AliceS3, bucket, "race"));

        // The version the sweep saw is still the current one: then it expires.
        var current = (await objects.ScanAsync(bucket, "", null, "", 10, CancellationToken.None)).Objects.Single();
        Assert.True(await objects.ExpireAsync(bucketRow, current, CancellationToken.None));
        Assert.Empty(await KeysAsync(bucket));
    }
}

public sealed class SqliteLifecycleTests(SqliteWalrusFixture f) : LifecycleTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresLifecycleTests(PostgresWalrusFixture f) : LifecycleTests(f), IClassFixture<PostgresWalrusFixture>;
