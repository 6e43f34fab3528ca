using System.Net;
using Amazon.EC2;

namespace Ironbark.Clc.Tests;

public static class Ec2Assert
{
    /// <summary>Asserts that the call fails with exactly this EC2 error code and HTTP status.</summary>
    public static async Task<AmazonEC2Exception> FailsAsync(string code, HttpStatusCode status, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(call);
        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(status, e.StatusCode);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
        return e;
    }

    public static Task<AmazonEC2Exception> FailsAsync(string code, Func<Task> call) => FailsAsync(code, HttpStatusCode.BadRequest, call);

    /// <summary>Asserts a raw answer is the EC2 error document with this code and status.</summary>
    public static void IsError(Ec2Answer answer, string code, HttpStatusCode status)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("Response", answer.Body.Name.LocalName);
        Assert.Equal(code, answer.Body.Element("Errors")?.Element("Error")?.Element("Code")?.Value);
        Assert.False(string.IsNullOrEmpty(answer.Body.Element("Errors")!.Element("Error")!.Element("Message")?.Value));
        Assert.True(Guid.TryParse(answer.Body.Element("RequestID")?.Value, out _));
    }
}

public static class Ec2ClientExtensions
{
    /// <summary>CreateKeyPair, answering the key pair itself.</summary>
    public static async Task<Amazon.EC2.Model.KeyPair> CreateKeyAsync(this IAmazonEC2 ec2, Amazon.EC2.Model.CreateKeyPairRequest request) =>
        (await ec2.CreateKeyPairAsync(request)).KeyPair;
}
