using System.Text;
using System.Xml.Linq;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Ironbark.Auth.Tests;

/// <summary>
/// STS GetCallerIdentity at the CLC, through AWSSDK.SecurityToken (at / and at /services/Tokens) and raw signed
/// requests for what a correct client never sends: every refusal is an STS error document, and nothing falls
/// through to the EC2 API behind the same port.
/// </summary>
public sealed class StsTests(SqliteAuthCloud cloud) : IClassFixture<SqliteAuthCloud>
{
    private static readonly XNamespace Sts = "https://sts.amazonaws.com/doc/2011-06-15/";

    private AmazonSecurityTokenServiceClient Client(string accessKeyId, string secret, string path = "") =>
        new(new BasicAWSCredentials(accessKeyId, secret), new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = new Uri(cloud.Clc.Endpoint, path).ToString(), AuthenticationRegion = AuthCloud.Region, MaxErrorRetry = 0,
        });

    [Theory]
    [InlineData("")]
    [InlineData("services/Tokens")]
    public async Task GetCallerIdentity_names_the_account_of_the_key(string path)
    {
        var account = await cloud.Walrus.Accounts.FindAccountAsync("alice");
        using var sts = Client(cloud.Alice.AccessKeyId, cloud.Alice.SecretAccessKey, path);

        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(account!.Id, identity.Account);
        Assert.Equal(account.Id, identity.UserId);
        Assert.Equal($"arn:aws:iam::{account.Id}:root", identity.Arn);
    }

    [Fact]
    public async Task Each_account_sees_itself()
    {
        var bob = await cloud.Walrus.CreateAccountAsync("sts-bob-" + Guid.NewGuid().ToString("N")[..6]);
        using var sts = Client(bob.AccessKeyId, bob.SecretAccessKey);
        Assert.Equal(bob.AccountId, (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Account);
    }

    [Fact]
    public async Task An_unknown_key_is_InvalidClientTokenId_and_a_wrong_secret_SignatureDoesNotMatch()
    {
        using (var unknown = Client("AKIAUNKNOWNUNKNOWN00", "secret"))
        {
            var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => unknown.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
            Assert.Equal("InvalidClientTokenId", e.ErrorCode);
            Assert.Equal(403, (int)e.StatusCode);
        }
        using var wrong = Client(cloud.Alice.AccessKeyId, "not the secret");
        var mismatch = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => wrong.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("SignatureDoesNotMatch", mismatch.ErrorCode);
    }

    [Fact]
    public async Task An_unsigned_request_is_MissingAuthenticationToken()
    {
        var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, Form("/services/Tokens", [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]));

        AssertStsError(answer, 403, "MissingAuthenticationToken");
    }

    [Theory]
    [InlineData("/services/Tokens", "AssumeRole")]
    [InlineData("/", "AssumeRole")]
    // Signed for sts at /: an EC2 action is not STS's, and is never handed to the EC2 API.
    [InlineData("/", "DescribeRegions")]
    [InlineData("/", "CreateKeyPair")]
    public async Task An_action_sts_does_not_have_is_InvalidAction_and_nothing_happens(string path, string action)
    {
        var keyName = "sts-" + Guid.NewGuid().ToString("N")[..8];
        var body = Encoding.UTF8.GetBytes(TestSigner.FormBody([("Action", action), ("Version", "2011-06-15"), ("KeyName", keyName),
            ("RoleArn", "arn:aws:iam::000000000000:role/x"), ("RoleSessionName", "s")]));
        var request = cloud.Signer("sts").SignHeader(cloud.Clc.Endpoint, "POST", path, [],
            [("Content-Type", "application/x-www-form-urlencoded")], body, new V4Options { SendContentSha = false });

        var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, request);

        AssertStsError(answer, 400, "InvalidAction");
        using var ec2 = cloud.Ec2(cloud.Alice);
        var pairs = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new Filter("key-name", [keyName])] });
        Assert.Empty(pairs.KeyPairs ?? []);
    }

    [Fact]
    public async Task A_request_at_the_sts_path_signed_for_ec2_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(TestSigner.FormBody([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]));
        var request = cloud.Signer("ec2").SignHeader(cloud.Clc.Endpoint, "POST", "/services/Tokens", [],
            [("Content-Type", "application/x-www-form-urlencoded")], body, new V4Options { SendContentSha = false });

        var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, request);

        Assert.InRange(answer.Status, 400, 403);
        Assert.Equal(Sts + "ErrorResponse", answer.Xml!.Name);
    }

    [Fact]
    public async Task A_request_with_a_method_sts_does_not_take_is_refused()
    {
        var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint,
            new RawRequest("DELETE", "/services/Tokens", [("Host", cloud.Clc.Endpoint.Authority)], []));

        AssertStsError(answer, 405, "InvalidAction");
    }

    private RawRequest Form(string path, (string, string)[] parameters) =>
        new("POST", path, [("Host", cloud.Clc.Endpoint.Authority), ("Content-Type", "application/x-www-form-urlencoded")],
            Encoding.UTF8.GetBytes(TestSigner.FormBody(parameters)));

    private static void AssertStsError(RawResponse answer, int status, string code)
    {
        Assert.True(answer.Status == status, answer.ToString());
        var xml = answer.Xml!;
        Assert.Equal(Sts + "ErrorResponse", xml.Name);
        Assert.Equal(code, xml.Element(Sts + "Error")!.Element(Sts + "Code")!.Value);
        Assert.False(string.IsNullOrEmpty(xml.Element(Sts + "RequestId")?.Value));
    }
}
