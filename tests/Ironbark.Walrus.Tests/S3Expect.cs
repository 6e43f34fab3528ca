using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Assertions on S3 outcomes: the AWS error code and status of a refused call, an object's content.</summary>
public static class S3Expect
{
    /// <summary>Runs <paramref name="call"/> and asserts it fails with <paramref name="code"/> and <paramref name="status"/>.</summary>
    public static async Task<AmazonS3Exception> ErrorAsync(string code, HttpStatusCode status, Func<Task> call)
    {
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.Equal((code, status), (e.ErrorCode, e.StatusCode));
        return e;
    }

    /// <summary>The answer to a fault of Walrus's own (a failing disk): 500 InternalError with S3's generic message, within 30 s.</summary>
    public static async Task InternalErrorAsync(Func<Task> call)
    {
        var e = await ErrorAsync("InternalError", HttpStatusCode.InternalServerError, call).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("We encountered an internal error. Please try again.", e.Message);
    }

    public static Task<AmazonS3Exception> DeniedAsync(Func<Task> call) => ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, call);

    /// <summary>The whole content of an object (or one version) as text.</summary>
    public static async Task<string> ReadAsync(IAmazonS3 client, string bucket, string key, string? versionId = null)
    {
        using var get = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(get.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Asserts a raw HTTP answer is an S3 error with this status and code.</summary>
    public static async Task RawErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal(code, XElement.Parse(body).Element("Code")?.Value);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not within {seconds} s: {what}");
            await Task.Delay(200);
        }
    }

    public static Task PutTextAsync(IAmazonS3 client, string bucket, string key, string body) =>
        client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });
}
