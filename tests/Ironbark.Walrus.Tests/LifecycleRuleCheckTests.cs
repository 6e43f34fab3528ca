using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Ironbark.Walrus.Tests;

/// <summary>Lifecycle rules S3 refuses for their IDs, filters and dates, with its codes and messages; nothing is stored.</summary>
public abstract class LifecycleRuleCheckTests(WalrusFixture f)
{
    private const string Expire = "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>";

    private static string Config(params string[] rules) => "<LifecycleConfiguration>" + string.Concat(rules.Select(r => $"<Rule>{r}</Rule>")) + "</LifecycleConfiguration>";

    private async Task<HttpResponseMessage> LifecycleAsync(HttpMethod method, string bucket, string? xml = null)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        return await raw.SendAsync(method, "/" + bucket, [("lifecycle", null)], xml is null ? null : Encoding.UTF8.GetBytes(xml));
    }

    private async Task AssertRefusedAsync(string xml, HttpStatusCode status, string code, string? message = null)
    {
        var bucket = await f.AliceBucketAsync("lcck");
        using (var put = await LifecycleAsync(HttpMethod.Put, bucket, xml))
        {
            var body = await put.Content.ReadAsStringAsync();
            await S3Expect.RawErrorAsync(put, status, code);
            if (message is not null)
                Assert.Equal(message, XElement.Parse(body).Element("Message")?.Value);
        }
        using var get = await LifecycleAsync(HttpMethod.Get, bucket);
        await S3Expect.RawErrorAsync(get, HttpStatusCode.NotFound, "NoSuchLifecycleConfiguration");
    }

    [Fact]
    public Task An_id_longer_than_255_characters_is_refused() =>
        AssertRefusedAsync(Config($"<ID>{new string('i', 256)}</ID><Filter/>{Expire}"), HttpStatusCode.BadRequest, "InvalidArgument",
            "ID length should not exceed allowed limit of 255");

    [Fact]
    public async Task An_id_of_255_characters_is_accepted()
    {
        var bucket = await f.AliceBucketAsync("lcck");
        using var put = await LifecycleAsync(HttpMethod.Put, bucket, Config($"<ID>{new string('i', 255)}</ID><Filter/>{Expire}", $"<Filter/>{Expire}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public Task Two_rules_with_one_id_are_refused() =>
        AssertRefusedAsync(Config($"<ID>same</ID><Filter><Prefix>a</Prefix></Filter>{Expire}", $"<ID>same</ID><Filter><Prefix>b</Prefix></Filter>{Expire}"),
            HttpStatusCode.BadRequest, "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule");

    [Theory]
    [InlineData("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>")]
    [InlineData("<Filter><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>l</Key><Value>w</Value></Tag></Filter>")]
    [InlineData("<Filter><Prefix>a</Prefix><And><Prefix>b</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>")]
    [InlineData("<Filter><Prefix>a</Prefix><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></Filter>")]
    public Task A_filter_with_more_than_one_predicate_is_malformed(string filter) =>
        AssertRefusedAsync(Config($"<ID>r</ID>{filter}{Expire}"), HttpStatusCode.BadRequest, "MalformedXML");

    [Theory]
    [InlineData("<Filter><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></Filter>")]
    [InlineData("<Filter><And><Prefix>a</Prefix><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>")]
    public Task A_size_filter_is_refused_rather_than_ignored(string filter) =>
        AssertRefusedAsync(Config($"<ID>r</ID>{filter}{Expire}"), HttpStatusCode.NotImplemented, "NotImplemented");

    [Fact]
    public Task An_expiration_date_not_at_midnight_is_refused() =>
        AssertRefusedAsync(Config("<ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>"),
            HttpStatusCode.BadRequest, "InvalidArgument", "'Date' must be at midnight GMT");

    [Fact]
    public async Task A_filter_with_and_of_prefix_and_tags_is_accepted()
    {
        var bucket = await f.AliceBucketAsync("lcck");
        using var put = await LifecycleAsync(HttpMethod.Put, bucket, Config(
            $"<ID>r</ID><Filter><And><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>l</Key><Value>w</Value></Tag></And></Filter>{Expire}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }
}

public sealed class SqliteLifecycleRuleCheckTests(SqliteWalrusFixture f) : LifecycleRuleCheckTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresLifecycleRuleCheckTests(PostgresWalrusFixture f) : LifecycleRuleCheckTests(f), IClassFixture<PostgresWalrusFixture>;
