using System.Net;
using System.Xml.Linq;
using Amazon.S3;

namespace Ironbark.Walrus.Tests;

/// <summary>Assertions on S3 failures: the SDK's exception, or a raw response and its XML error body.</summary>
public static class S3Assert
{
    public static async Task<AmazonS3Exception> FailsAsync(string code, HttpStatusCode status, Func<Task> action)
    {
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(action);
        Assert.Equal((code, status), (e.ErrorCode, e.StatusCode));
        return e;
    }

    /// <summary>Checks a raw error response: status, and the S3 XML body with that code, a message, the resource and the request id.</summary>
    public static async Task<XElement> ErrorAsync(HttpResponseMessage response, string code, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var error = XElement.Parse(text);
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal(code, error.Element("Code")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(error.Element("Message")?.Value));
        Assert.NotNull(error.Element("Resource"));
        var requestId = error.Element("RequestId")?.Value;
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, response.Headers.GetValues("x-amz-request-id").Single());
        return error;
    }
}
