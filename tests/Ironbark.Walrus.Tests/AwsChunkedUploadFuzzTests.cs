using System.IO.Hashing;
using System.Net;
using System.Xml.Linq;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A bounded fuzz run (fixed seed) of aws-chunked uploads with a CRC32 trailer against the real Walrus on loopback,
/// signed and unsigned: never a 500, an S3 error body for every refusal, and afterwards the bucket holds exactly the
/// uploads that were answered 200, each with the bytes that were meant.
/// </summary>
public abstract class AwsChunkedUploadFuzzTests(WalrusFixture f)
{
    private const int Seed = 20261204;
    private const int Cases = 300;

    [Fact]
    public async Task Broken_uploads_never_answer_500_nor_store_a_byte()
    {
        var bucket = await f.AliceBucketAsync("fuzz");
        using var raw = f.Raw(f.Alice);
        var random = new Random(Seed);
        var accepted = new Dictionary<string, byte[]>();
        for (var i = 0; i < Cases; i++)
        {
            var key = $"fuzz-{i:D4}";
            var signed = random.Next(2) == 0;
            var data = new byte[random.Next(0, 40000)];
            random.NextBytes(data);
            var crc = Convert.ToBase64String(Crc32.Hash(data).Reverse().ToArray());
            var (message, body) = TrailerUpload.Sign(raw, f.Alice, $"/{bucket}/{key}", data, signed, [("x-amz-checksum-crc32", crc)],
                "x-amz-checksum-crc32", chunkSize: random.Next(64, 12000));
            var (bytes, what, _) = i % 10 == 0 ? (body.ToArray(), "none", false) : ChunkedBodyFuzzer.Mutate(body, random);
            var described = $"case {i} (signed {signed}, length {data.Length}, mutations {what})";
            HttpResponseMessage response;
            try
            {
                response = await raw.SendAsync(TrailerUpload.WithBody(message, bytes));
            }
            catch (HttpRequestException)
            {
                continue; // The server answered and closed before the client had sent all of a long body: refused.
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode < 500, $"{described}: {(int)response.StatusCode} {text}");
                if (response.StatusCode == HttpStatusCode.OK)
                    accepted[key] = data;
                else
                    Assert.False(string.IsNullOrEmpty(XElement.Parse(text).Element("Code")?.Value), $"{described}: {text}");
                if (i % 10 == 0)
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{described}: a well-formed upload was refused: {text}");
            }
        }
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(accepted.Keys.Order(), (listed.S3Objects ?? []).Select(o => o.Key));
        foreach (var (key, data) in accepted)
        {
            using var get = await f.AliceS3.GetObjectAsync(bucket, key);
            using var stored = new MemoryStream();
            await get.ResponseStream.CopyToAsync(stored);
            Assert.True(data.AsSpan().SequenceEqual(stored.ToArray()), $"{key} was stored with other bytes than were sent");
        }
        var tmp = Path.Combine(f.Host.DataDir, "walrus", "tmp");
        await S3Expect.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Any()), "no temp blob", 5);
    }
}

public sealed class SqliteAwsChunkedUploadFuzzTests(SqliteWalrusFixture f) : AwsChunkedUploadFuzzTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresAwsChunkedUploadFuzzTests(PostgresWalrusFixture f) : AwsChunkedUploadFuzzTests(f), IClassFixture<PostgresWalrusFixture>;
