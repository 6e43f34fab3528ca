using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Browser POST answers as S3 gives them: success_action_status, success_action_redirect (303), and the AccessDenied
/// naming the field a signed form lacks. Unsigned forms go to a public-write bucket, which admits them without a policy.
/// </summary>
public abstract class PostFormAnswerTests(WalrusFixture f) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    public void Dispose() => _http.Dispose();

    private async Task<string> PublicWriteBucketAsync()
    {
        var bucket = await f.AliceBucketAsync("postans");
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite });
        return bucket;
    }

    private async Task<HttpResponseMessage> PostAsync(string bucket, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        var file = new ByteArrayContent("posted"u8.ToArray());
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(file, "file", "f.txt");
        return await _http.PostAsync(new Uri(f.Host.Endpoint, "/" + bucket), form);
    }

    [Theory]
    [InlineData("200", HttpStatusCode.OK)]
    [InlineData("204", HttpStatusCode.NoContent)]
    [InlineData("302", HttpStatusCode.NoContent)]
    [InlineData("nonsense", HttpStatusCode.NoContent)]
    public async Task Success_action_status_picks_the_answer(string value, HttpStatusCode expected)
    {
        var bucket = await PublicWriteBucketAsync();
        using var posted = await PostAsync(bucket, ("key", "k"), ("success_action_status", value));
        Assert.Equal(expected, posted.StatusCode);
        Assert.Equal("", await posted.Content.ReadAsStringAsync());
        Assert.Equal("posted", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task Success_action_status_201_answers_a_post_response()
    {
        var bucket = await PublicWriteBucketAsync();
        using var posted = await PostAsync(bucket, ("key", "dir/k"), ("success_action_status", "201"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var xml = XElement.Parse(await posted.Content.ReadAsStringAsync());
        string? Field(string name) => xml.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal("PostResponse", xml.Name.LocalName);
        Assert.Equal((bucket, "dir/k"), (Field("Bucket"), Field("Key")));
        Assert.EndsWith($"/{bucket}/dir/k", Field("Location"));
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "dir/k");
        Assert.Equal(head.ETag, Field("ETag"));
    }

    [Fact]
    public async Task Success_action_redirect_answers_303_with_bucket_key_and_etag()
    {
        var bucket = await PublicWriteBucketAsync();
        using var posted = await PostAsync(bucket, ("key", "a b"), ("success_action_redirect", "https://example.test/done?x=1"));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var location = posted.Headers.Location!.OriginalString;
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "a b");
        Assert.Equal($"https://example.test/done?x=1&bucket={bucket}&key=a%20b&etag={Uri.EscapeDataString(head.ETag)}", location);
    }

    [Theory]
    [InlineData("AWSAccessKeyId", "policy", "e30=", "signature", "c2ln")]
    [InlineData("Signature", "policy", "e30=", "AWSAccessKeyId", "AKIDEXAMPLE")]
    [InlineData("AWSAccessKeyId", "policy", "e30=", "", "")]
    [InlineData("X-Amz-Credential", "policy", "e30=", "x-amz-algorithm", "AWS4-HMAC-SHA256")]
    [InlineData("X-Amz-Signature", "x-amz-credential", "AKIDEXAMPLE/20260101/ironbark/s3/aws4_request", "policy", "e30=")]
    public async Task A_signed_form_missing_a_signature_field_is_access_denied_naming_it(string missing, string n1, string v1, string n2, string v2)
    {
        var bucket = await PublicWriteBucketAsync();
        (string, string)[] fields = n2.Length == 0 ? [("key", "k"), (n1, v1)] : [("key", "k"), (n1, v1), (n2, v2)];
        using var refused = await PostAsync(bucket, fields);
        var body = await refused.Content.ReadAsStringAsync();
        await S3Expect.RawErrorAsync(refused, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal($"Bucket POST must contain a field named '{missing}'.  If it is specified, please check the order of the fields.",
            XElement.Parse(body).Element("Message")?.Value);
        Assert.Empty((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }
}

public sealed class SqlitePostFormAnswerTests(SqliteWalrusFixture f) : PostFormAnswerTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresPostFormAnswerTests(PostgresWalrusFixture f) : PostFormAnswerTests(f), IClassFixture<PostgresWalrusFixture>;
