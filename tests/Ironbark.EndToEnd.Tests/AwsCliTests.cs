using System.Text;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>The high-level `aws s3` commands of the Debian aws CLI against `ironbark up`.</summary>
public sealed class AwsCliTests(CloudFixture f) : IClassFixture<CloudFixture>, IDisposable
{
    private readonly AwsCli _aws = f.Cloud.AdminCli;
    private readonly TempDir _work = new();

    [Fact]
    public async Task Mb_cp_ls_rm_rb_with_a_small_and_a_multipart_file()
    {
        var bucket = TestData.BucketName("cli");
        Assert.Contains($"make_bucket: {bucket}", await _aws.OkAsync("s3", "mb", $"s3://{bucket}"));
        Assert.Contains(bucket, await _aws.OkAsync("s3", "ls"));

        var small = TestData.RandomBytes(1500);
        var big = TestData.RandomBytes(20 * 1024 * 1024);
        await File.WriteAllBytesAsync(_work.Combine("small.bin"), small);
        await File.WriteAllBytesAsync(_work.Combine("big.bin"), big);
        await _aws.OkAsync("s3", "cp", "--no-progress", _work.Combine("small.bin"), $"s3://{bucket}/small.bin");
        await _aws.OkAsync("s3", "cp", "--no-progress", _work.Combine("big.bin"), $"s3://{bucket}/dir/big.bin");

        // The CLI splits anything over 8 MiB into 8 MiB parts: a multipart ETag of three parts proves it did.
        var head = await _aws.JsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "dir/big.bin");
        Assert.EndsWith("-3\"", head.GetProperty("ETag").GetString());
        Assert.Equal(big.Length, head.GetProperty("ContentLength").GetInt64());

        await _aws.OkAsync("s3", "cp", "--no-progress", $"s3://{bucket}/small.bin", _work.Combine("small.out"));
        await _aws.OkAsync("s3", "cp", "--no-progress", $"s3://{bucket}/dir/big.bin", _work.Combine("big.out"));
        Assert.Equal(small, await File.ReadAllBytesAsync(_work.Combine("small.out")));
        Assert.Equal(big, await File.ReadAllBytesAsync(_work.Combine("big.out")));

        // A copy between S3 locations: over 8 MiB the CLI copies part by part on the server (UploadPartCopy).
        await _aws.OkAsync("s3", "cp", "--no-progress", $"s3://{bucket}/dir/big.bin", $"s3://{bucket}/dir/copy.bin");
        await _aws.OkAsync("s3", "cp", "--no-progress", $"s3://{bucket}/dir/copy.bin", _work.Combine("copy.out"));
        Assert.Equal(big, await File.ReadAllBytesAsync(_work.Combine("copy.out")));

        var top = await _aws.OkAsync("s3", "ls", $"s3://{bucket}/");
        Assert.Contains("PRE dir/", top);
        Assert.Matches(@"\s1500 small\.bin", top);
        Assert.DoesNotContain("big.bin", top);
        var all = await _aws.OkAsync("s3", "ls", "--recursive", $"s3://{bucket}/");
        Assert.Matches($@"\s{big.Length} dir/big\.bin", all);

        await _aws.OkAsync("s3", "rm", "--recursive", $"s3://{bucket}/");
        Assert.Equal("", (await _aws.OkAsync("s3", "ls", "--recursive", $"s3://{bucket}/")).Trim());
        Assert.Contains($"remove_bucket: {bucket}", await _aws.OkAsync("s3", "rb", $"s3://{bucket}"));
        Assert.DoesNotContain(bucket, await _aws.OkAsync("s3", "ls"));
    }

    [Fact]
    public async Task Sync_uploads_a_tree_once_and_downloads_it_whole()
    {
        var bucket = TestData.BucketName("sync");
        await _aws.OkAsync("s3", "mb", $"s3://{bucket}");
        var files = new Dictionary<string, byte[]>
        {
            ["a.txt"] = Encoding.UTF8.GetBytes("alpha\n"),
            ["dir1/b.txt"] = Encoding.UTF8.GetBytes("bravo\n"),
            ["dir1/sub/c.bin"] = TestData.RandomBytes(70_000),
            ["dir2/d e.txt"] = Encoding.UTF8.GetBytes("a key with a space\n"),
            // Characters SigV4 canonicalisation and list encoding get wrong most often.
            ["dir2/plus+equals=~tilde (x).txt"] = Encoding.UTF8.GetBytes("reserved characters\n"),
            ["dir2/ünïcödé 日本.txt"] = Encoding.UTF8.GetBytes("non-ASCII\n"),
            ["dir2/percent%20&amp;.txt"] = Encoding.UTF8.GetBytes("looks encoded, is not\n"),
        };
        foreach (var (name, bytes) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_work.Combine("up", name))!);
            await File.WriteAllBytesAsync(_work.Combine("up", name), bytes);
        }

        var first = await _aws.OkAsync("s3", "sync", "--no-progress", _work.Combine("up"), $"s3://{bucket}/tree/");
        Assert.Equal(files.Count, first.Split('\n').Count(l => l.StartsWith("upload:", StringComparison.Ordinal)));
        // Sizes and timestamps the listing reports match the local files: nothing to do the second time.
        Assert.Equal("", (await _aws.OkAsync("s3", "sync", "--no-progress", _work.Combine("up"), $"s3://{bucket}/tree/")).Trim());

        var top = await _aws.OkAsync("s3", "ls", $"s3://{bucket}/tree/");
        Assert.Contains("PRE dir1/", top);
        Assert.Contains("PRE dir2/", top);
        Assert.Contains("a.txt", top);
        Assert.DoesNotContain("c.bin", top);
        var all = await _aws.OkAsync("s3", "ls", "--recursive", $"s3://{bucket}");
        foreach (var name in files.Keys)
            Assert.Contains($"tree/{name}", all);

        await _aws.OkAsync("s3", "sync", "--no-progress", $"s3://{bucket}/tree/", _work.Combine("down"));
        foreach (var (name, bytes) in files)
            Assert.Equal(bytes, await File.ReadAllBytesAsync(_work.Combine("down", name)));

        var removed = await _aws.OkAsync("s3", "rm", "--recursive", $"s3://{bucket}/tree/");
        Assert.Equal(files.Count, removed.Split('\n').Count(l => l.StartsWith("delete:", StringComparison.Ordinal)));
        Assert.Equal("", (await _aws.OkAsync("s3", "ls", "--recursive", $"s3://{bucket}")).Trim());
        await _aws.OkAsync("s3", "rb", $"s3://{bucket}");
    }

    [Fact]
    public async Task Cp_streams_stdin_up_and_an_object_down_to_stdout()
    {
        var bucket = TestData.BucketName("stream");
        await _aws.OkAsync("s3", "mb", $"s3://{bucket}");
        // Of unknown length, so the CLI uploads it in parts as it reads.
        var body = TestData.RandomBytes(12 * 1024 * 1024);
        await File.WriteAllBytesAsync(_work.Combine("stream.bin"), body);
        var (code, _, stderr) = await ProcessRunner.RunAsync("/bin/bash",
            ["-c", $"{AwsCli.Executable} --endpoint-url {f.Cloud.Admin.S3Url} s3 cp - s3://{bucket}/stream.bin < {_work.Combine("stream.bin")}"],
            f.Cloud.Admin.ClientEnvironment());
        Assert.True(code == 0, stderr);
        var (down, _, error) = await ProcessRunner.RunAsync("/bin/bash",
            ["-c", $"{AwsCli.Executable} --endpoint-url {f.Cloud.Admin.S3Url} s3 cp s3://{bucket}/stream.bin - > {_work.Combine("stream.out")}"],
            f.Cloud.Admin.ClientEnvironment());
        Assert.True(down == 0, error);
        Assert.Equal(body, await File.ReadAllBytesAsync(_work.Combine("stream.out")));
        Assert.Contains($"remove_bucket: {bucket}", await _aws.OkAsync("s3", "rb", "--force", $"s3://{bucket}"));
    }

    [Fact]
    public async Task Presigned_url_from_the_cli_fetches_with_plain_http()
    {
        var bucket = TestData.BucketName("presign");
        await _aws.OkAsync("s3", "mb", $"s3://{bucket}");
        var body = TestData.RandomBytes(10_000);
        await File.WriteAllBytesAsync(_work.Combine("p.bin"), body);
        await _aws.OkAsync("s3", "cp", "--no-progress", _work.Combine("p.bin"), $"s3://{bucket}/p.bin");

        var url = (await _aws.OkAsync("s3", "presign", $"s3://{bucket}/p.bin", "--expires-in", "300")).Trim();
        Assert.Contains("X-Amz-Signature=", url);
        using var http = new HttpClient();
        Assert.Equal(body, await http.GetByteArrayAsync(url));

        using var unsigned = await http.GetAsync(url[..url.IndexOf('?')]);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await unsigned.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_secret_fails_with_SignatureDoesNotMatch()
    {
        var wrong = new AwsCli(f.Cloud.Admin with { SecretAccessKey = "wrong" + f.Cloud.Admin.SecretAccessKey[5..] });
        var stderr = await wrong.FailsAsync("s3", "ls");
        Assert.Contains("SignatureDoesNotMatch", stderr);
    }

    public void Dispose() => _work.Dispose();
}
