using System.Net;
using System.Text.Json;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>boto3 from Debian (python3-boto3) against `ironbark up`, running scripts/boto3_round_trip.py.</summary>
public sealed class Boto3Tests(CloudFixture f) : IClassFixture<CloudFixture>
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task Boto3_round_trip_multipart_upload_and_presigned_urls()
    {
        using var work = new TempDir();
        var bucket = TestData.BucketName("boto3");
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "boto3_round_trip.py");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(Python, [script, f.Cloud.Admin.S3Url, bucket, work.Path],
            f.Cloud.Admin.ClientEnvironment());
        Assert.True(code == 0, $"boto3 script failed ({code}):\n{stdout}\n{stderr}");

        var urls = JsonDocument.Parse(stdout).RootElement;
        using var http = new HttpClient();
        Assert.Equal("hello from boto3\n", await http.GetStringAsync(urls.GetProperty("get_url").GetString()));
        Assert.Equal("hello from boto3\n", await http.GetStringAsync(urls.GetProperty("v2_get_url").GetString()));

        var body = TestData.RandomBytes(4096);
        using var put = await http.PutAsync(urls.GetProperty("put_url").GetString(), new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var s3 = f.Cloud.Admin.S3Client();
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "from-http.bin" });
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        Assert.Equal(body, copy.ToArray());

        // A browser-style upload with the form boto3 signed: its fields, then the file last.
        var post = urls.GetProperty("post");
        using var form = new MultipartFormDataContent();
        foreach (var field in post.GetProperty("fields").EnumerateObject())
            form.Add(new StringContent(field.Value.GetString()!), field.Name);
        form.Add(new ByteArrayContent("posted by a form"u8.ToArray()), "file", "posted.txt");
        using var posted = await http.PostAsync(post.GetProperty("url").GetString(), form);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        using var getPosted = await s3.GetObjectAsync(bucket, "posted.txt");
        Assert.Equal("posted by a form", await new StreamReader(getPosted.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Boto3_connection_pool_keeps_working_after_a_refused_put()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "boto3_refused_put.py");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(Python, [script, f.Cloud.Admin.S3Url, TestData.BucketName("refused")],
            f.Cloud.Admin.ClientEnvironment());
        Assert.True(code == 0 && stdout.Trim() == "ok", $"boto3 script failed ({code}):\n{stdout}\n{stderr}");
    }
}
