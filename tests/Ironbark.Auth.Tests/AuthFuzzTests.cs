using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Amazon.EC2.Model;
using Amazon.S3.Model;
using Xunit.Abstractions;

namespace Ironbark.Auth.Tests;

/// <summary>
/// A bounded fuzz run of the authentication parsers through the real servers (Kestrel on loopback): valid
/// SigV4 (header, presigned), SigV2 (header, query) and EC2 SigV2 requests, each mutated by
/// <see cref="RequestMutator"/> from a fixed seed. Never a 5xx; nothing stored by a request that failed
/// (no object in the bucket, no key pair, no temporary blob file left behind).
/// </summary>
public sealed class AuthFuzzTests(SqliteAuthCloud cloud, ITestOutputHelper output) : IClassFixture<SqliteAuthCloud>
{
    private const int Seed = 20261203;
    private const int S3Cases = 2000;
    private const int Ec2Cases = 1000;

    private sealed record Outcome(int Case, string What, int Status, string Body);

    [Fact]
    public async Task Mutated_signed_requests_never_answer_5xx_and_store_nothing_when_refused()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(Seed);
        var mutator = new RequestMutator(random);
        var cases = new List<(int Case, Uri Endpoint, RawRequest Request, string What)>();
        for (var n = 0; n < S3Cases + Ec2Cases; n++)
        {
            var (endpoint, seed) = n < S3Cases ? (cloud.Walrus.Endpoint, S3Seed(n, random.Next(4))) : (cloud.Clc.Endpoint, Ec2Seed(n, random.Next(3)));
            var (request, what) = mutator.Mutate(seed);
            cases.Add((n, endpoint, request, what));
        }

        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, ct) =>
        {
            try
            {
                var answer = await RawHttp.SendAsync(c.Endpoint, c.Request, ct);
                outcomes.Add(new Outcome(c.Case, c.What, answer.Status, answer.Body.Length > 300 ? answer.Body[..300] : answer.Body));
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                outcomes.Add(new Outcome(c.Case, c.What, 0, "no answer: " + e.Message));
            }
        });

        foreach (var group in outcomes.GroupBy(o => (o.Case < S3Cases ? "S3" : "EC2", o.Status, Code(o.Body))).OrderBy(g => g.Key))
            output.WriteLine($"{group.Key.Item1} {group.Key.Status} {group.Key.Item3}: {group.Count()}");
        var broken = outcomes.Where(o => o.Status is 0 or >= 500).OrderBy(o => o.Case).ToList();
        Assert.True(broken.Count == 0, $"{broken.Count} of {cases.Count} cases answered 5xx or nothing, e.g.:\n"
            + string.Join("\n", broken.Take(10).Select(o => $"#{o.Case} [{o.What}] {o.Status} {o.Body}")));
        var succeeded = outcomes.Where(o => o.Status is >= 200 and < 300).Select(o => o.Case).ToHashSet();

        using var s3 = cloud.S3(cloud.Alice);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = cloud.Bucket, Prefix = "fz-" });
        var strays = (listing.S3Objects ?? []).Where(o => !succeeded.Contains(CaseOf(o.Key))).Select(o => o.Key).ToList();
        Assert.True(strays.Count == 0, "Stored by a refused request: " + string.Join(", ", strays));
        using var ec2 = cloud.Ec2(cloud.Alice);
        var pairs = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest());
        var strayPairs = (pairs.KeyPairs ?? []).Where(k => k.KeyName.StartsWith("fz-") && !succeeded.Contains(CaseOf(k.KeyName))).ToList();
        Assert.True(strayPairs.Count == 0, "Created by a refused request: " + string.Join(", ", strayPairs.Select(k => k.KeyName)));
        var tmp = Path.Combine(cloud.Walrus.DataDir, "walrus", "tmp");
        Assert.Empty(Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories) : []);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"The fuzz run took {clock.Elapsed}.");
    }

    private static string Code(string body)
    {
        var start = body.IndexOf("<Code>", StringComparison.Ordinal);
        return start < 0 ? "" : body[(start + 6)..body.IndexOf('<', start + 6)];
    }

    /// <summary>The case number in a name "fz-N-…" (the mutated path may add to its end, never to its start).</summary>
    private static int CaseOf(string name) => int.TryParse(name.Split('-')[1], out var n) ? n : -1;

    private RawRequest S3Seed(int n, int kind)
    {
        var endpoint = cloud.Walrus.Endpoint;
        var path = $"/{cloud.Bucket}/fz-{n}-k";
        var body = Encoding.UTF8.GetBytes($"fuzz case {n}");
        var signer = cloud.Signer("s3");
        return kind switch
        {
            0 => signer.SignHeader(endpoint, "PUT", path, [], [("Content-Type", "text/plain")], body),
            1 => signer.Presign(endpoint, "PUT", path, [], [], body),
            2 => signer.SignS3V2Header(endpoint, "PUT", path, path, [("x-amz-meta-case", n.ToString())], body),
            _ => signer.PresignS3V2(endpoint, "PUT", path, path, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(), body),
        };
    }

    private RawRequest Ec2Seed(int n, int kind)
    {
        var endpoint = cloud.Clc.Endpoint;
        (string, string)[] parameters = [("Action", "CreateKeyPair"), ("Version", "2016-11-15"), ("KeyName", $"fz-{n}-key")];
        var signer = cloud.Signer("ec2");
        return kind switch
        {
            0 => signer.SignHeader(endpoint, "POST", "/", [], [("Content-Type", "application/x-www-form-urlencoded")],
                Encoding.UTF8.GetBytes(TestSigner.FormBody(parameters)), new V4Options { SendContentSha = n % 2 == 0 }),
            1 => signer.Presign(endpoint, "GET", "/", parameters, [], []),
            _ => signer.SignQueryV2(endpoint, parameters[..1].Concat(parameters[2..])),
        };
    }
}
