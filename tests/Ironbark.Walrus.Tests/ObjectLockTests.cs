using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// S3 Object Lock: the bucket configuration, retention and legal hold on versions (by their own calls and the PUT headers),
/// locked versions refused to deletes by version id (DeleteObject and DeleteObjects) and kept by lifecycle expiry, every
/// refusal with AWS's code and nothing deleted after it.
/// </summary>
public abstract class ObjectLockTests(WalrusFixture f)
{
    private static DateTime InDays(double days) => DateTime.UtcNow.AddDays(days);

    private async Task<string> LockedBucketAsync()
    {
        var bucket = WalrusFixture.NewBucketName("lock");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        return bucket;
    }

    private async Task<string> PutAsync(string bucket, string key, string body, ObjectLockMode? mode = null, DateTime? until = null,
        ObjectLockLegalHoldStatus? hold = null) =>
        (await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, ContentBody = body, ObjectLockMode = mode, ObjectLockRetainUntilDate = until, ObjectLockLegalHoldStatus = hold,
        })).VersionId;

    private RawS3Client Raw() => new(f.Host.Endpoint, f.Alice);

    private static Dictionary<string, string> Md5Of(byte[] body) => new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(body)) };

    private async Task<HttpResponseMessage> RawPutAsync(string path, string query, string xml, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var raw = Raw();
        var body = Encoding.UTF8.GetBytes(xml);
        var all = Md5Of(body);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            all[name] = value;
        return await raw.SendAsync(HttpMethod.Put, path, [(query, null)], body, all);
    }

    private async Task<List<string>> VersionsAsync(string bucket, string key) =>
        ((await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key })).Versions ?? [])
        .Where(v => v.Key == key && v.IsDeleteMarker != true).Select(v => v.VersionId).ToList();

    [Fact]
    public async Task A_bucket_created_with_object_lock_is_versioned_and_cannot_be_suspended()
    {
        var bucket = await LockedBucketAsync();
        Assert.Equal(VersionStatus.Enabled, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        var configuration = (await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.Equal(ObjectLockEnabled.Enabled, configuration.ObjectLockEnabled);
        Assert.Null(configuration.Rule);

        await S3Assert.FailsAsync("InvalidBucketState", HttpStatusCode.Conflict, () => f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        }));
        Assert.Equal(VersionStatus.Enabled, (await f.AliceS3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task A_bucket_without_object_lock_has_no_configuration_and_refuses_lock_requests()
    {
        var bucket = await f.AliceBucketAsync("nolock");
        await S3Assert.FailsAsync("ObjectLockConfigurationNotFoundError", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }));
        // Object Lock on an existing bucket needs versioning Enabled first (AWS allows enabling it so).
        using (var unversioned = await RawPutAsync("/" + bucket, "object-lock",
                   "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"))
            await S3Assert.ErrorAsync(unversioned, "InvalidBucketState", HttpStatusCode.Conflict);
        await S3Assert.FailsAsync("ObjectLockConfigurationNotFoundError", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }));

        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest,
            () => PutAsync(bucket, "k", "x", ObjectLockMode.Governance, InDays(1)));
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest, () => PutAsync(bucket, "k", "x", hold: ObjectLockLegalHoldStatus.On));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "plain");
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest,
            () => f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" }));
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket, Key = "k", LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        }));
    }

    [Fact]
    public async Task Object_lock_can_be_enabled_on_an_existing_versioned_bucket_and_never_disabled()
    {
        var bucket = await f.AliceBucketAsync("later");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await f.AliceS3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket, ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled },
        });
        Assert.Equal(ObjectLockEnabled.Enabled,
            (await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.ObjectLockEnabled);
        await S3Assert.FailsAsync("InvalidBucketState", HttpStatusCode.Conflict, () => f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } }));
        // A configuration without ObjectLockEnabled (turning it off) is not one S3 takes.
        using var off = await RawPutAsync("/" + bucket, "object-lock", "<ObjectLockConfiguration/>");
        await S3Assert.ErrorAsync(off, "MalformedXML", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_default_retention_round_trips_and_applies_to_new_versions()
    {
        var bucket = await LockedBucketAsync();
        await f.AliceS3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 2 } },
            },
        });
        var rule = (await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule;
        Assert.Equal((ObjectLockRetentionMode.Governance, 2, (int?)null), (rule.DefaultRetention.Mode, rule.DefaultRetention.Days, rule.DefaultRetention.Years));

        var before = DateTime.UtcNow;
        var version = await PutAsync(bucket, "k", "defaulted");
        var head = await f.AliceS3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(ObjectLockMode.Governance, head.ObjectLockMode);
        Assert.InRange(head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), before.AddDays(2).AddSeconds(-5), DateTime.UtcNow.AddDays(2).AddSeconds(5));
        Assert.Equal(ObjectLockLegalHoldStatus.Off, head.ObjectLockLegalHoldStatus);
        // The version's own headers win over the default.
        await PutAsync(bucket, "own", "x", ObjectLockMode.Compliance, InDays(10));
        Assert.Equal(ObjectLockMode.Compliance, (await f.AliceS3.GetObjectMetadataAsync(bucket, "own")).ObjectLockMode);

        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = version }));
        Assert.Equal([version], await VersionsAsync(bucket, "k"));

        await f.AliceS3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Years = 1 } },
            },
        });
        rule = (await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule;
        Assert.Equal((ObjectLockRetentionMode.Compliance, (int?)null, 1), (rule.DefaultRetention.Mode, rule.DefaultRetention.Days, rule.DefaultRetention.Years));
    }

    [Theory]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule/></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>FOREVER</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>one</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidRetentionPeriod")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidRetentionPeriod")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>101</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidRetentionPeriod")]
    [InlineData("<NotAConfiguration/>", "MalformedXML")]
    public async Task A_bad_lock_configuration_is_refused_and_the_old_one_stays(string xml, string code)
    {
        var bucket = await LockedBucketAsync();
        using var response = await RawPutAsync("/" + bucket, "object-lock", xml);
        await S3Assert.ErrorAsync(response, code, HttpStatusCode.BadRequest);
        var configuration = (await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.Equal(ObjectLockEnabled.Enabled, configuration.ObjectLockEnabled);
        Assert.Null(configuration.Rule);
    }

    [Fact]
    public async Task Only_the_owner_reads_and_sets_the_lock_configuration()
    {
        var bucket = await LockedBucketAsync();
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Years = 100 } },
            },
        }));
        Assert.Null((await f.AliceS3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule);
    }

    [Fact]
    public async Task Lock_headers_on_put_are_stored_and_answered_by_head_and_get()
    {
        var bucket = await LockedBucketAsync();
        var until = new DateTime(DateTime.UtcNow.Year + 1, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        await PutAsync(bucket, "k", "locked", ObjectLockMode.Compliance, until, ObjectLockLegalHoldStatus.On);
        using var get = await f.AliceS3.GetObjectAsync(bucket, "k");
        Assert.Equal(ObjectLockMode.Compliance, get.ObjectLockMode);
        Assert.Equal(until, get.ObjectLockRetainUntilDate!.Value.ToUniversalTime());
        Assert.Equal(ObjectLockLegalHoldStatus.On, get.ObjectLockLegalHoldStatus);
        var retention = (await f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" })).Retention;
        Assert.Equal((ObjectLockRetentionMode.Compliance, until), (retention.Mode, retention.RetainUntilDate!.Value.ToUniversalTime()));
        Assert.Equal(ObjectLockLegalHoldStatus.On,
            (await f.AliceS3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "k" })).LegalHold.Status);

        // Wire check of the header format.
        using var raw = Raw();
        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal($"{until:yyyy-MM-dd}T12:00:00.000Z", head.Headers.GetValues("x-amz-object-lock-retain-until-date").Single());
        Assert.Equal("COMPLIANCE", head.Headers.GetValues("x-amz-object-lock-mode").Single());
        Assert.Equal("ON", head.Headers.GetValues("x-amz-object-lock-legal-hold").Single());
    }

    public static TheoryData<string, string, string> BadLockHeaders() => new()
    {
        { "x-amz-object-lock-mode=GOVERNANCE", "InvalidArgument", "mode without a date" },
        { $"x-amz-object-lock-retain-until-date={DateTime.UtcNow.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}", "InvalidArgument", "date without a mode" },
        { $"x-amz-object-lock-mode=FOREVER&x-amz-object-lock-retain-until-date={DateTime.UtcNow.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}", "InvalidArgument", "bad mode" },
        { "x-amz-object-lock-mode=GOVERNANCE&x-amz-object-lock-retain-until-date=tomorrow", "InvalidArgument", "bad date" },
        { "x-amz-object-lock-mode=GOVERNANCE&x-amz-object-lock-retain-until-date=2001-01-01T00:00:00Z", "InvalidArgument", "past date" },
        { "x-amz-object-lock-legal-hold=YES", "InvalidArgument", "bad legal hold" },
    };

    [Theory]
    [MemberData(nameof(BadLockHeaders))]
    public async Task A_put_with_bad_lock_headers_is_refused_and_stores_nothing(string headers, string code, string why)
    {
        var bucket = await LockedBucketAsync();
        var body = Encoding.UTF8.GetBytes("new");
        var sent = Md5Of(body);
        foreach (var pair in headers.Split('&'))
            sent[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
        using var raw = Raw();
        using var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: body, headers: sent);
        await S3Assert.ErrorAsync(response, code, HttpStatusCode.BadRequest);
        Assert.True(await VersionsAsync(bucket, "k") is [], why);
    }

    [Fact]
    public async Task A_locking_put_without_content_md5_or_a_checksum_is_refused()
    {
        var bucket = await LockedBucketAsync();
        using var raw = Raw();
        var headers = new Dictionary<string, string>
            { ["x-amz-object-lock-mode"] = "GOVERNANCE", ["x-amz-object-lock-retain-until-date"] = $"{DateTime.UtcNow.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}" };
        using (var refused = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: "x"u8.ToArray(), headers: headers))
            await S3Assert.ErrorAsync(refused, "InvalidRequest", HttpStatusCode.BadRequest);
        Assert.Empty(await VersionsAsync(bucket, "k"));
        // A plain PUT needs none while the bucket has no default retention.
        using (var plain = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/plain", body: "x"u8.ToArray()))
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        headers["x-amz-checksum-sha256"] = Convert.ToBase64String(SHA256.HashData("x"u8.ToArray()));
        using (var summed = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: "x"u8.ToArray(), headers: headers))
            Assert.Equal(HttpStatusCode.OK, summed.StatusCode);
    }

    [Fact]
    public async Task Retention_extends_always_and_weakens_only_in_governance_with_the_bypass()
    {
        var bucket = await LockedBucketAsync();
        var version = await PutAsync(bucket, "k", "v1", ObjectLockMode.Governance, InDays(5));
        Task Put(ObjectLockRetentionMode? mode, DateTime? until, bool bypass = false, IAmazonS3? client = null) =>
            (client ?? f.AliceS3).PutObjectRetentionAsync(new PutObjectRetentionRequest
            {
                BucketName = bucket, Key = "k", VersionId = version, BypassGovernanceRetention = bypass,
                Retention = new ObjectLockRetention { Mode = mode, RetainUntilDate = until },
            });
        async Task<DateTime> Until() => (await f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest
            { BucketName = bucket, Key = "k", VersionId = version })).Retention.RetainUntilDate!.Value.ToUniversalTime();

        var later = InDays(10);
        await Put(ObjectLockRetentionMode.Governance, later);
        Assert.Equal(later, await Until(), TimeSpan.FromMilliseconds(1));
        await S3Expect.DeniedAsync(() => Put(ObjectLockRetentionMode.Governance, InDays(1)));
        await S3Expect.DeniedAsync(() => Put(ObjectLockRetentionMode.Compliance, InDays(20)));
        Assert.Equal(later, await Until(), TimeSpan.FromMilliseconds(1));
        // Bob may not bypass (nor set) even with the header.
        await S3Expect.DeniedAsync(() => Put(ObjectLockRetentionMode.Governance, InDays(1), bypass: true, client: f.BobS3));
        await S3Assert.FailsAsync("InvalidArgument", HttpStatusCode.BadRequest, () => Put(ObjectLockRetentionMode.Governance, InDays(-1)));

        var shorter = InDays(2);
        await Put(ObjectLockRetentionMode.Governance, shorter, bypass: true);
        Assert.Equal(shorter, await Until(), TimeSpan.FromMilliseconds(1));
        await Put(ObjectLockRetentionMode.Compliance, InDays(3), bypass: true);
        // COMPLIANCE: never shortened, removed or turned to GOVERNANCE, bypass or not; extended yes.
        await S3Expect.DeniedAsync(() => Put(ObjectLockRetentionMode.Compliance, InDays(1), bypass: true));
        await S3Expect.DeniedAsync(() => Put(ObjectLockRetentionMode.Governance, InDays(30), bypass: true));
        using (var remove = await RawPutAsync($"/{bucket}/k", "retention", "<Retention/>",
                   new Dictionary<string, string> { ["x-amz-bypass-governance-retention"] = "true" }))
            await S3Assert.ErrorAsync(remove, "AccessDenied", HttpStatusCode.Forbidden);
        await Put(ObjectLockRetentionMode.Compliance, InDays(4));
        Assert.Equal(ObjectLockRetentionMode.Compliance, (await f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest
            { BucketName = bucket, Key = "k", VersionId = version })).Retention.Mode);
    }

    [Fact]
    public async Task A_governance_retention_is_removed_with_the_bypass_and_then_the_version_has_none()
    {
        var bucket = await LockedBucketAsync();
        var version = await PutAsync(bucket, "k", "v1", ObjectLockMode.Governance, InDays(5));
        using (var refused = await RawPutAsync($"/{bucket}/k", "retention", "<Retention/>"))
            await S3Assert.ErrorAsync(refused, "AccessDenied", HttpStatusCode.Forbidden);
        using (var removed = await RawPutAsync($"/{bucket}/k", "retention", "<Retention/>",
                   new Dictionary<string, string> { ["x-amz-bypass-governance-retention"] = "true" }))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await S3Assert.FailsAsync("NoSuchObjectLockConfiguration", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k", VersionId = version }));
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = version });
        Assert.Empty(await VersionsAsync(bucket, "k"));
    }

    [Theory]
    [InlineData("<Retention><Mode>GOVERNANCE</Mode></Retention>")]
    [InlineData("<Retention><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>")]
    [InlineData("<Retention><Mode>FOREVER</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>")]
    [InlineData("<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>soon</RetainUntilDate></Retention>")]
    [InlineData("<LegalHold><Status>ON</Status></LegalHold>")]
    public async Task A_malformed_retention_is_MalformedXML_and_changes_nothing(string xml)
    {
        var bucket = await LockedBucketAsync();
        await PutAsync(bucket, "k", "v1");
        using var response = await RawPutAsync($"/{bucket}/k", "retention", xml);
        await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchObjectLockConfiguration", HttpStatusCode.NotFound,
            () => f.AliceS3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" }));
    }

    [Theory]
    [InlineData("<LegalHold><Status>MAYBE</Status></LegalHold>")]
    [InlineData("<LegalHold/>")]
    [InlineData("<Retention><Status>ON</Status></Retention>")]
    public async Task A_malformed_legal_hold_is_MalformedXML_and_changes_nothing(string xml)
    {
        var bucket = await LockedBucketAsync();
        await PutAsync(bucket, "k", "v1");
        using var response = await RawPutAsync($"/{bucket}/k", "legal-hold", xml);
        await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        Assert.Equal(ObjectLockLegalHoldStatus.Off,
            (await f.AliceS3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "k" })).LegalHold.Status);
    }

    [Fact]
    public async Task A_legal_hold_keeps_a_version_until_it_is_turned_off()
    {
        var bucket = await LockedBucketAsync();
        var version = await PutAsync(bucket, "k", "held");
        await f.AliceS3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
            { BucketName = bucket, Key = "k", VersionId = version, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On } });
        await S3Expect.DeniedAsync(() => f.BobS3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
            { BucketName = bucket, Key = "k", VersionId = version, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off } }));
        // Even the bypass does not lift a legal hold.
        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest
            { BucketName = bucket, Key = "k", VersionId = version, BypassGovernanceRetention = true }));
        Assert.Equal("held", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", version));

        await f.AliceS3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
            { BucketName = bucket, Key = "k", VersionId = version, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off } });
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = version });
        Assert.Empty(await VersionsAsync(bucket, "k"));
    }

    [Fact]
    public async Task A_locked_version_is_kept_from_deletes_but_a_delete_marker_and_a_new_version_can_be_added()
    {
        var bucket = await LockedBucketAsync();
        var governed = await PutAsync(bucket, "k", "v1", ObjectLockMode.Governance, InDays(1));
        var complied = await PutAsync(bucket, "c", "c1", ObjectLockMode.Compliance, InDays(1));

        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = governed }));
        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest
            { BucketName = bucket, Key = "c", VersionId = complied, BypassGovernanceRetention = true }));
        Assert.Equal("v1", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", governed));
        Assert.Equal("c1", await S3Expect.ReadAsync(f.AliceS3, bucket, "c", complied));

        // Overwriting adds a version; a delete without a version id adds a marker; the locked version stays.
        var v2 = await PutAsync(bucket, "k", "v2");
        Assert.NotEqual(governed, v2);
        var marker = await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k" });
        Assert.Equal("true", marker.DeleteMarker);
        Assert.Equal("v1", await S3Expect.ReadAsync(f.AliceS3, bucket, "k", governed));

        // Bob (not the bucket owner, and granted nothing) cannot bypass; the owner can, with the header.
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectAsync(new DeleteObjectRequest
            { BucketName = bucket, Key = "k", VersionId = governed, BypassGovernanceRetention = true }));
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = governed, BypassGovernanceRetention = true });
        Assert.Equal([v2], await VersionsAsync(bucket, "k"));
    }

    [Fact]
    public async Task The_bypass_needs_the_permission_a_policy_can_grant()
    {
        var bucket = await LockedBucketAsync();
        var version = await PutAsync(bucket, "k", "v1", ObjectLockMode.Governance, InDays(1));
        var bob = (await f.AccountAsync("bob")).CanonicalId;
        string Policy(params string[] actions) => $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"{{bob}}"},
             "Action":[{{string.Join(",", actions.Select(a => $"\"{a}\""))}}],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """;
        await f.AliceS3.PutBucketPolicyAsync(bucket, Policy("s3:DeleteObjectVersion"));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectAsync(new DeleteObjectRequest
            { BucketName = bucket, Key = "k", VersionId = version, BypassGovernanceRetention = true }));
        Assert.Equal([version], await VersionsAsync(bucket, "k"));
        await f.AliceS3.PutBucketPolicyAsync(bucket, Policy("s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = version }));
        await f.BobS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = version, BypassGovernanceRetention = true });
        Assert.Empty(await VersionsAsync(bucket, "k"));
    }

    [Fact]
    public async Task DeleteObjects_refuses_each_locked_version_and_deletes_the_rest()
    {
        var bucket = await LockedBucketAsync();
        var locked = await PutAsync(bucket, "locked", "l", ObjectLockMode.Governance, InDays(1));
        var held = await PutAsync(bucket, "held", "h", hold: ObjectLockLegalHoldStatus.On);
        var free = await PutAsync(bucket, "free", "f");
        var e = await Assert.ThrowsAsync<DeleteObjectsException>(() => f.AliceS3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "locked", VersionId = locked }, new KeyVersion { Key = "held", VersionId = held }, new KeyVersion { Key = "free", VersionId = free }],
        }));
        Assert.Equal(["held", "locked"], e.Response.DeleteErrors.Select(d => d.Key).Order());
        Assert.All(e.Response.DeleteErrors, d => Assert.Equal("AccessDenied", d.Code));
        Assert.Equal(["free"], e.Response.DeletedObjects.Select(d => d.Key));
        Assert.Equal([locked], await VersionsAsync(bucket, "locked"));
        Assert.Equal([held], await VersionsAsync(bucket, "held"));
        Assert.Empty(await VersionsAsync(bucket, "free"));

        // With the bypass the GOVERNANCE one goes; the legal hold still holds.
        e = await Assert.ThrowsAsync<DeleteObjectsException>(() => f.AliceS3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, BypassGovernanceRetention = true,
            Objects = [new KeyVersion { Key = "locked", VersionId = locked }, new KeyVersion { Key = "held", VersionId = held }],
        }));
        Assert.Equal(["held"], e.Response.DeleteErrors.Select(d => d.Key));
        Assert.Empty(await VersionsAsync(bucket, "locked"));
        Assert.Equal([held], await VersionsAsync(bucket, "held"));
    }

    [Fact]
    public async Task Multipart_uploads_and_copies_take_lock_headers_and_the_default()
    {
        var bucket = await LockedBucketAsync();
        var until = InDays(3);
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            { BucketName = bucket, Key = "mpu", ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = until, ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On });
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            { BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("part"u8.ToArray()) });
        await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            { BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "mpu");
        Assert.Equal((ObjectLockMode.Governance, ObjectLockLegalHoldStatus.On), (head.ObjectLockMode, head.ObjectLockLegalHoldStatus));
        Assert.Equal(until, head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        // A copy does not take the source's lock: only its own headers.
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "mpu", DestinationBucket = bucket, DestinationKey = "copy" });
        Assert.Null((await f.AliceS3.GetObjectMetadataAsync(bucket, "copy")).ObjectLockMode);
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "mpu", DestinationBucket = bucket, DestinationKey = "copy2",
            ObjectLockMode = ObjectLockMode.Compliance, ObjectLockRetainUntilDate = until,
        });
        Assert.Equal(ObjectLockMode.Compliance, (await f.AliceS3.GetObjectMetadataAsync(bucket, "copy2")).ObjectLockMode);

        // Lock headers into a bucket without Object Lock: refused before anything is made.
        var plain = await f.AliceBucketAsync("plain");
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            { BucketName = plain, Key = "mpu", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On }));
        Assert.Empty((await f.AliceS3.ListMultipartUploadsAsync(plain)).MultipartUploads ?? []);
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
            { SourceBucket = bucket, SourceKey = "mpu", DestinationBucket = plain, DestinationKey = "copy", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(plain, "copy"));
    }

    [Fact]
    public async Task Lifecycle_expiry_keeps_locked_versions()
    {
        var bucket = await LockedBucketAsync();
        var locked = await PutAsync(bucket, "locked", "l", ObjectLockMode.Governance, InDays(1));
        var held = await PutAsync(bucket, "held", "h", hold: ObjectLockLegalHoldStatus.On);
        await PutAsync(bucket, "free", "f");
        await f.AliceS3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "all", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "" },
                        Expiration = new LifecycleRuleExpiration { Days = 1 },
                        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
                    },
                ],
            },
        });
        // The fixture's lifecycle day is a second: the free object is expired (a marker) and then its version removed.
        await S3Expect.EventuallyAsync(async () => (await VersionsAsync(bucket, "free")).Count == 0, "the unlocked version expired", 20);
        // The locked ones got a delete marker as current, and their versions are still there.
        Assert.Equal([locked], await VersionsAsync(bucket, "locked"));
        Assert.Equal([held], await VersionsAsync(bucket, "held"));
        Assert.Equal("l", await S3Expect.ReadAsync(f.AliceS3, bucket, "locked", locked));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "held"));
    }

    [Fact]
    public async Task Boto3_uses_object_lock()
    {
        var bucket = WalrusFixture.NewBucketName("lockpy");
        await f.RunBoto3ScriptAsync("boto3_object_lock.py", bucket);
    }
}

public sealed class SqliteObjectLockTests(SqliteWalrusFixture f) : ObjectLockTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresObjectLockTests(PostgresWalrusFixture f) : ObjectLockTests(f), IClassFixture<PostgresWalrusFixture>;
