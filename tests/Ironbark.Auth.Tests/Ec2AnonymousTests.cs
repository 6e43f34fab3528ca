using Amazon.EC2.Model;
using Ironbark.Clc.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Ironbark.Auth.Tests;

/// <summary>
/// Every EC2 action needs a signed caller: a request without one, with an empty Authorization header,
/// or with one that is no signature, is refused with the AWS code before any handler runs. The actions
/// come from the router's own table, so an action added later is covered without touching this test.
/// </summary>
public sealed class Ec2AnonymousTests(SqliteAuthCloud cloud) : IClassFixture<SqliteAuthCloud>
{
    public static TheoryData<string?, string, int> Authorizations => new()
    {
        { null, "MissingAuthenticationToken", 403 },
        { "", "MissingAuthenticationToken", 403 },
        { "garbage", "IncompleteSignature", 400 },
        { "Bearer abc.def", "IncompleteSignature", 400 },
        { "AWS4-HMAC-SHA256", "IncompleteSignature", 400 },
        { "AWS4-HMAC-SHA256 Credential=AKIA/20260101/ironbark/ec2/aws4_request", "IncompleteSignature", 400 },
    };

    [Theory]
    [MemberData(nameof(Authorizations))]
    public async Task Every_action_without_a_valid_signature_is_refused_and_not_acted_on(string? authorization, string code, int status)
    {
        var actions = cloud.Clc.Services.GetRequiredService<Ec2Router>().Actions;
        Assert.Contains("CreateKeyPair", actions);
        Assert.True(actions.Count > 20, $"The router knows only {actions.Count} actions.");
        var keyName = "anon-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var action in actions)
        {
            var body = TestSigner.FormBody([("Action", action), ("Version", "2016-11-15"), ("KeyName", keyName), ("GroupName", keyName),
                ("InstanceId.1", "i-0123456789abcdef0"), ("ImageId", "ami-0123456789abcdef0")]);
            List<(string, string)> headers = [("Host", cloud.Clc.Endpoint.Authority), ("Content-Type", "application/x-www-form-urlencoded")];
            if (authorization is not null)
                headers.Add(("Authorization", authorization));
            var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, new RawRequest("POST", "/", headers, System.Text.Encoding.UTF8.GetBytes(body)));
            Assert.True(answer.Status == status && answer.ErrorCode == code, $"{action} with Authorization '{authorization}': {answer}");
        }
        using var ec2 = cloud.Ec2(cloud.Alice);
        var pairs = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new Filter("key-name", [keyName])] });
        Assert.Empty(pairs.KeyPairs ?? []);
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", [keyName])] });
        Assert.Empty(groups.SecurityGroups ?? []);
    }

    [Fact]
    public async Task A_signed_request_still_acts_as_its_signer()
    {
        using var ec2 = cloud.Ec2(cloud.Alice);
        var keyName = "signed-" + Guid.NewGuid().ToString("N")[..8];
        await ec2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = keyName });
        var pairs = await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [keyName] });
        Assert.Single(pairs.KeyPairs);
    }
}
