using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A bounded randomized run (fixed seed) of browser POST forms: policies, signatures, fields and malformed bodies
/// mixed. Whatever a form holds, the answer is never a 5xx, and a form that fails stores nothing.
/// </summary>
public abstract class PostObjectFuzzTests(WalrusFixture f)
{
    private const int Cases = 300;
    private const string Boundary = "fuzz-boundary";

    [Fact]
    public async Task Random_forms_never_answer_5xx_and_failures_store_nothing()
    {
        var bucket = WalrusFixture.NewBucketName("fuzz");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicReadWrite });
        var random = new Random(20261203);
        // A success_action_redirect answer is looked at, not followed.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var failed = new HashSet<string>();
        var problems = new List<string>();
        var succeeded = 0;
        for (var i = 0; i < Cases; i++)
        {
            var prefix = $"fuzz-{i:D4}-";
            var (body, description) = Form(random, bucket, prefix);
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", random.Next(20) == 0 ? "multipart/form-data" : $"multipart/form-data; boundary={Boundary}");
            using var response = await http.PostAsync(new Uri(f.Host.Endpoint, "/" + bucket), content);
            var status = (int)response.StatusCode;
            if (status >= 500)
                problems.Add($"case {i} ({description}) -> {status}: {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
                failed.Add(prefix);
            else
                succeeded++;
        }
        var stored = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        problems.AddRange((stored.S3Objects ?? []).Where(o => failed.Any(p => o.Key.StartsWith(p, StringComparison.Ordinal))).Select(o => $"stored by a failed form: {o.Key}"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        // The run exercises both sides: forms that store, and forms refused at every stage.
        Assert.InRange(succeeded, 10, Cases - 100);
    }

    private (byte[] Body, string Description) Form(Random random, string bucket, string prefix)
    {
        var fields = new List<(string Name, string Value)>();
        var notes = new List<string>();
        if (random.Next(10) > 0)
            fields.Add(("key", Pick(random, prefix + "k", prefix + "${filename}", "", prefix + new string('x', random.Next(2000)))));
        var policy = Policy(random, bucket, prefix);
        switch (random.Next(5))
        {
            case 0:
                notes.Add("anonymous");
                break;
            case 1 or 2:
                notes.Add("v4");
                var now = DateTime.UtcNow;
                var credential = Pick(random, $"{f.Alice.AccessKeyId}/{now:yyyyMMdd}/ironbark/s3/aws4_request", "garbage", $"{f.Alice.AccessKeyId}/x/y", "");
                fields.Add(("x-amz-algorithm", Pick(random, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", "")));
                fields.Add(("x-amz-credential", credential));
                fields.Add(("x-amz-date", now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)));
                if (policy is not null)
                    fields.Add(("policy", policy));
                var key = RawS3Client.SigningKey(f.Alice.SecretAccessKey, now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), "ironbark");
                fields.Add(("x-amz-signature", random.Next(3) == 0 ? Garbage(random, 64) : Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(policy ?? "")))));
                break;
            default:
                notes.Add("v2");
                fields.Add(("AWSAccessKeyId", Pick(random, f.Alice.AccessKeyId, "AKIDNOTKNOWN", "")));
                if (policy is not null)
                    fields.Add(("policy", policy));
                fields.Add(("signature", random.Next(3) == 0 ? Garbage(random, 28)
                    : Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(f.Alice.SecretAccessKey), Encoding.UTF8.GetBytes(policy ?? "")))));
                break;
        }
        foreach (var _ in Enumerable.Range(0, random.Next(4)))
            fields.Add(Pick(random, ("acl", Pick(random, "private", "public-read", "bogus")), ("Content-Type", Garbage(random, 20)),
                ("success_action_status", Pick(random, "200", "201", "204", "999", "x")), ("success_action_redirect", Pick(random, "http://127.0.0.1/done", "::not a url")),
                ("tagging", Pick(random, "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>", "<<", "a=b")),
                ("x-amz-meta-" + Garbage(random, 5), Garbage(random, random.Next(3) == 0 ? 30000 : 10)), (Garbage(random, 8), Garbage(random, 8))));
        if (random.Next(4) == 0)
            fields = fields.OrderBy(_ => random.Next()).ToList();
        var body = new StringBuilder();
        foreach (var (name, value) in fields)
            body.Append($"--{Boundary}\r\nContent-Disposition: {(random.Next(30) == 0 ? Garbage(random, 12) : $"form-data; name=\"{name}\"")}\r\n\r\n{value}\r\n");
        if (random.Next(10) > 0)
            body.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\n{Garbage(random, random.Next(200))}\r\n");
        body.Append($"--{Boundary}--\r\n");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        if (random.Next(10) == 0)
        {
            notes.Add("truncated");
            bytes = bytes[..random.Next(bytes.Length)];
        }
        return (bytes, string.Join(' ', notes));
    }

    /// <summary>A policy: valid-looking JSON with random conditions, or not JSON, or not base64, or absent.</summary>
    private static string? Policy(Random random, string bucket, string prefix)
    {
        if (random.Next(8) == 0)
            return null;
        if (random.Next(8) == 0)
            return Pick(random, "not base64!", Convert.ToBase64String(Encoding.UTF8.GetBytes(Garbage(random, 50))), "", "e30=");
        var conditions = new List<object>();
        foreach (var _ in Enumerable.Range(0, random.Next(6)))
            conditions.Add(random.Next(8) switch
            {
                0 => new Dictionary<string, object> { ["bucket"] = Pick(random, bucket, "other") },
                1 => new object[] { "starts-with", "$key", Pick(random, prefix, "", "nope") },
                2 => new object[] { "content-length-range", random.Next(-5, 300), Pick<object>(random, random.Next(-5, 300), "ten", long.MaxValue, 1e300) },
                3 => new object[] { "eq", "$key", prefix + "k" },
                4 => new object[] { Garbage(random, 6), "$key" },
                5 => new object[] { },
                6 => Garbage(random, 10),
                _ => new Dictionary<string, object> { ["x-amz-meta-" + Garbage(random, 3)] = 42 },
            });
        var document = new Dictionary<string, object>();
        if (random.Next(6) > 0)
            document["expiration"] = Pick<object>(random, DateTime.UtcNow.AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                "2000-01-01T00:00:00.000Z", "tomorrow", 12345);
        if (random.Next(6) > 0)
            document["conditions"] = random.Next(10) == 0 ? "not a list" : conditions;
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(document)));
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];

    private static string Garbage(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)random.Next(0x20, 0x7f)).ToArray());
}

public sealed class SqlitePostObjectFuzzTests(SqliteWalrusFixture f) : PostObjectFuzzTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresPostObjectFuzzTests(PostgresWalrusFixture f) : PostObjectFuzzTests(f), IClassFixture<PostgresWalrusFixture>;
