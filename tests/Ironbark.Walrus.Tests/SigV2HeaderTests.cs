using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// SigV2 header authentication with the headers S3 clients leave out or get wrong, on a bare socket so exactly those
/// headers go out: no or an empty User-Agent is fine; Date may be replaced by x-amz-date; a missing, empty, unparseable
/// or pre-1970 date is AccessDenied, a date more than 15 minutes off RequestTimeTooSkewed, and nothing is written.
/// </summary>
public abstract class SigV2HeaderTests(WalrusFixture f)
{
    private static string Now => DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Sends a SigV2-signed PUT of "data" to <paramref name="path"/> with exactly <paramref name="headers"/> besides Host, Content-Length and Authorization.</summary>
    private async Task<RawHttpConnection.Response> PutAsync(string path, string dateLine, params (string Name, string Value)[] headers)
    {
        var amz = string.Concat(headers.Where(h => h.Name.StartsWith("x-amz-", StringComparison.Ordinal)).OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => $"{h.Name}:{h.Value}\n"));
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(f.Alice.SecretAccessKey),
            Encoding.UTF8.GetBytes($"PUT\n\n\n{dateLine}\n{amz}{path}")));
        var head = new StringBuilder($"PUT {path} HTTP/1.1\r\nHost: {f.Host.Endpoint.Authority}\r\nContent-Length: 4\r\n");
        foreach (var (name, value) in headers)
            head.Append($"{name}: {value}\r\n");
        head.Append($"Authorization: AWS {f.Alice.AccessKeyId}:{signature}\r\n\r\ndata");
        await using var connection = await RawHttpConnection.OpenAsync(f.Host.Endpoint);
        await connection.SendAsync(head.ToString());
        return await connection.ReadResponseAsync("PUT") ?? throw new InvalidOperationException("Walrus closed the connection without answering.");
    }

    private async Task AssertAbsentAsync(string bucket)
    {
        var listed = await f.AliceS3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task No_or_an_empty_user_agent_is_accepted()
    {
        var bucket = await f.AliceBucketAsync("v2h");
        var now = Now;
        Assert.Equal(200, (await PutAsync($"/{bucket}/none", now, ("Date", now))).Status);
        Assert.Equal(200, (await PutAsync($"/{bucket}/empty", now, ("Date", now), ("User-Agent", ""))).Status);
        Assert.Equal(200, (await PutAsync($"/{bucket}/given", now, ("Date", now), ("User-Agent", "s3-tests/1.0"))).Status);
        Assert.Equal("data", await S3Expect.ReadAsync(f.AliceS3, bucket, "none"));
        Assert.Equal("data", await S3Expect.ReadAsync(f.AliceS3, bucket, "empty"));
    }

    [Fact]
    public async Task X_amz_date_stands_in_for_a_missing_date()
    {
        var bucket = await f.AliceBucketAsync("v2h");
        Assert.Equal(200, (await PutAsync($"/{bucket}/k", "", ("x-amz-date", Now))).Status);
        Assert.Equal("data", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    public static TheoryData<string?, string> BadDates() => new()
    {
        { null, "AccessDenied" },
        { "", "AccessDenied" },
        { "Bad Date", "AccessDenied" },
        { "Tue, 07 Jul 1950 21:53:04 GMT", "AccessDenied" },
        { "Tue, 07 Jul 2010 21:53:04 GMT", "RequestTimeTooSkewed" },
        { "Tue, 07 Jul 9999 21:53:04 GMT", "RequestTimeTooSkewed" },
    };

    [Theory]
    [MemberData(nameof(BadDates))]
    public async Task A_missing_bad_or_distant_date_is_refused_and_nothing_is_written(string? date, string code)
    {
        var bucket = await f.AliceBucketAsync("v2h");
        foreach (var header in new[] { "Date", "x-amz-date" })
        {
            var response = await PutAsync($"/{bucket}/k", header == "Date" ? date ?? "" : "", date is null ? [] : [(header, date)]);
            Assert.Equal(403, response.Status);
            Assert.Contains($"<Code>{code}</Code>", response.Body);
            if (code == "AccessDenied")
                Assert.Contains("AWS authentication requires a valid Date or x-amz-date header", response.Body);
        }
        var created = await PutAsync($"/{WalrusFixture.NewBucketName("v2h")}", date ?? "", date is null ? [] : [("Date", date)]);
        Assert.Equal((403, true), (created.Status, created.Body.Contains($"<Code>{code}</Code>")));
        await AssertAbsentAsync(bucket);
    }
}

public sealed class SqliteSigV2HeaderTests(SqliteWalrusFixture f) : SigV2HeaderTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresSigV2HeaderTests(PostgresWalrusFixture f) : SigV2HeaderTests(f), IClassFixture<PostgresWalrusFixture>;
