using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// The object tag limits (10 tags, 128/256 Unicode characters, unique keys, no aws: keys) on every path that takes tags:
/// CopyObject with REPLACE, CreateMultipartUpload and the XML tagging field of a browser POST; nothing is stored when refused.
/// </summary>
public abstract class TagLimitPathTests(WalrusFixture f) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private static List<Tag> Tags(params (string Key, string Value)[] tags) => [.. tags.Select(t => new Tag { Key = t.Key, Value = t.Value })];

    private static readonly List<Tag> Eleven = [.. Enumerable.Range(0, 11).Select(i => new Tag { Key = $"k{i}", Value = "v" })];

    /// <summary>Refused tag sets, with the code AWS answers for each.</summary>
    private static IEnumerable<(string Code, List<Tag> Tags)> Refused() =>
    [
        ("BadRequest", Eleven),
        ("InvalidTag", Tags(("dup", "1"), ("dup", "2"))),
        ("InvalidTag", Tags(("aws:reserved", "1"))),
        ("InvalidTag", Tags((new string('k', 129), "1"))),
        ("InvalidTag", Tags(("long", new string('v', 257)))),
    ];

    private async Task<List<(string, string)>> TagsOfAsync(string bucket, string key) =>
        [.. (await f.AliceS3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key })).Tagging.Select(t => (t.Key, t.Value))];

    private async Task<List<string>> KeysAsync(string bucket) =>
        [.. ((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key)];

    [Fact]
    public async Task Limits_count_unicode_characters_not_utf16_units()
    {
        var bucket = await f.AliceBucketAsync("taglim");
        var key = string.Concat(Enumerable.Repeat("😀", 128));
        var value = string.Concat(Enumerable.Repeat("😀", 256));
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags((key, value)) } });
        Assert.Equal([(key, value)], await TagsOfAsync(bucket, "k"));
        await S3Expect.ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectTaggingAsync(new PutObjectTaggingRequest
            { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags((key + "😀", "v")) } }));
        Assert.Equal([(key, value)], await TagsOfAsync(bucket, "k"));
    }

    [Fact]
    public async Task Copy_with_replace_checks_the_limits()
    {
        var bucket = await f.AliceBucketAsync("taglim");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x" });
        foreach (var (code, tags) in Refused())
            await S3Expect.ErrorAsync(code, HttpStatusCode.BadRequest, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "copy",
                TaggingDirective = TaggingDirective.REPLACE, TagSet = tags,
            }));
        Assert.Equal(["src"], await KeysAsync(bucket));
    }

    [Fact]
    public async Task Create_multipart_upload_checks_the_limits_and_completion_keeps_the_tags()
    {
        var bucket = await f.AliceBucketAsync("taglim");
        foreach (var (code, tags) in Refused())
            await S3Expect.ErrorAsync(code, HttpStatusCode.BadRequest, () => f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
                { BucketName = bucket, Key = "mp", TagSet = tags }));
        var uploads = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Empty(uploads.MultipartUploads ?? []);

        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", TagSet = Tags(("a", "1")) });
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("data"u8.ToArray()) });
        await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            { BucketName = bucket, Key = "mp", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        Assert.Equal([("a", "1")], await TagsOfAsync(bucket, "mp"));
    }

    private async Task<string> PublicWriteBucketAsync()
    {
        var bucket = await f.AliceBucketAsync("taglim");
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite });
        return bucket;
    }

    /// <summary>An unsigned browser form (allowed by a public-write bucket) with a tagging field.</summary>
    private async Task<HttpResponseMessage> PostAsync(string bucket, string key, string tagging)
    {
        using var form = new MultipartFormDataContent { { new StringContent(key), "key" }, { new StringContent(tagging), "tagging" } };
        var file = new ByteArrayContent("posted"u8.ToArray());
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(file, "file", "f.txt");
        return await _http.PostAsync(new Uri(f.Host.Endpoint, "/" + bucket), form);
    }

    private static string TaggingXml(IEnumerable<Tag> tags) =>
        "<Tagging><TagSet>" + string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>")) + "</TagSet></Tagging>";

    [Fact]
    public async Task Browser_post_stores_the_xml_tagging_field()
    {
        var bucket = await PublicWriteBucketAsync();
        using var posted = await PostAsync(bucket, "tagged", TaggingXml(Tags(("a", "1"), ("b", "2"))));
        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal([("a", "1"), ("b", "2")], await TagsOfAsync(bucket, "tagged"));
    }

    [Fact]
    public async Task Browser_post_refuses_tags_outside_the_limits_and_a_tagging_field_that_is_not_xml()
    {
        var bucket = await PublicWriteBucketAsync();
        foreach (var (code, tags) in Refused())
        {
            using var refused = await PostAsync(bucket, "refused", TaggingXml(tags));
            await S3Expect.RawErrorAsync(refused, HttpStatusCode.BadRequest, code);
        }
        using var urlForm = await PostAsync(bucket, "refused", "a=1&b=2");
        await S3Expect.RawErrorAsync(urlForm, HttpStatusCode.BadRequest, "MalformedXML");
        using var noTagSet = await PostAsync(bucket, "refused", "<Tagging></Tagging>");
        await S3Expect.RawErrorAsync(noTagSet, HttpStatusCode.BadRequest, "MalformedXML");
        Assert.Empty(await KeysAsync(bucket));
    }
}

public sealed class SqliteTagLimitPathTests(SqliteWalrusFixture f) : TagLimitPathTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresTagLimitPathTests(PostgresWalrusFixture f) : TagLimitPathTests(f), IClassFixture<PostgresWalrusFixture>;
