using System.Net;
using System.Xml.Linq;
using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>The EC2 Query wire format, Signature Version 2 and authentication failures (the store does not matter here).</summary>
[Collection(SqliteClc.Name)]
public sealed class QueryProtocolTests(SqliteClcFixture f) : IDisposable
{
    private static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private readonly Ec2QueryClient _alice = f.Query(f.Alice);

    [Theory]
    [InlineData("POST", "/", "HmacSHA256")]
    [InlineData("GET", "/", "HmacSHA1")]
    [InlineData("POST", "/services/compute", "HmacSHA1")]
    [InlineData("GET", "/services/compute", "HmacSHA256")]
    public async Task SigV2_signed_requests_are_answered_in_the_EC2_namespace(string method, string path, string signatureMethod)
    {
        var answer = await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRegions" }, method, path, signatureMethod);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(Ec2 + "DescribeRegionsResponse", answer.Body.Name);
        Assert.True(Guid.TryParse(answer.Body.Element(Ec2 + "requestId")?.Value, out _));
        var region = answer.Body.Element(Ec2 + "regionInfo")!.Element(Ec2 + "item")!;
        Assert.Equal("ironbark", region.Element(Ec2 + "regionName")!.Value);
        Assert.Equal(f.Endpoint.ToString().TrimEnd('/'), region.Element(Ec2 + "regionEndpoint")!.Value);
    }

    [Fact]
    public async Task SigV2_acts_as_the_signing_account()
    {
        var name = ClcFixture.Unique("v2");
        var created = await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "CreateKeyPair", ["KeyName"] = name, ["KeyType"] = "ed25519" });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var viaSdk = await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name] });
        Assert.Equal(created.Body.Element(Ec2 + "keyPairId")!.Value, Assert.Single(viaSdk.KeyPairs).KeyPairId);
    }

    [Fact]
    public async Task A_tampered_parameter_or_a_wrong_secret_or_an_unknown_key_is_AuthFailure()
    {
        var tampered = await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeKeyPairs" },
            tamper: p => p["Action"] = "DescribeRegions");
        Ec2Assert.IsError(tampered, "AuthFailure", HttpStatusCode.Unauthorized);

        using var wrongSecret = new Ec2QueryClient(f.Endpoint, f.Alice.AccessKeyId, f.Bob.SecretAccessKey);
        Ec2Assert.IsError(await wrongSecret.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRegions" }), "AuthFailure", HttpStatusCode.Unauthorized);
        using var unknown = new Ec2QueryClient(f.Endpoint, "AKIANOSUCHKEY0000000", f.Alice.SecretAccessKey);
        Ec2Assert.IsError(await unknown.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRegions" }), "AuthFailure", HttpStatusCode.Unauthorized);

        using var sdk = f.Client(f.Alice.AccessKeyId, f.Bob.SecretAccessKey);
        await Ec2Assert.FailsAsync("AuthFailure", HttpStatusCode.Unauthorized, () => sdk.DescribeRegionsAsync(new DescribeRegionsRequest()));
    }

    [Fact]
    public async Task An_old_timestamp_or_a_past_Expires_is_RequestExpired()
    {
        var old = await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRegions" }, timestamp: DateTimeOffset.UtcNow.AddMinutes(-20));
        Ec2Assert.IsError(old, "RequestExpired", HttpStatusCode.BadRequest);
        var expired = await _alice.SendAsync(new Dictionary<string, string>
        {
            ["Action"] = "DescribeRegions", ["Expires"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        });
        Ec2Assert.IsError(expired, "RequestExpired", HttpStatusCode.BadRequest);
        var valid = await _alice.SendAsync(new Dictionary<string, string>
        {
            ["Action"] = "DescribeRegions", ["Expires"] = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        });
        Assert.Equal(HttpStatusCode.OK, valid.Status);
    }

    [Fact]
    public async Task An_unsigned_request_is_refused()
    {
        var answer = await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRegions" }, sign: false);
        Ec2Assert.IsError(answer, "MissingAuthenticationToken", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_action_missing_action_missing_parameter_and_bad_values_are_client_errors()
    {
        Ec2Assert.IsError(await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "LaunchRockets" }), "InvalidAction", HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await _alice.SendAsync(new Dictionary<string, string>()), "MissingAction", HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "CreateKeyPair" }), "MissingParameter", HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await _alice.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeKeyPairs", ["DryRun"] = "perhaps" }),
            "InvalidParameterValue", HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await _alice.SendAsync(new Dictionary<string, string>
        {
            ["Action"] = "AuthorizeSecurityGroupIngress", ["GroupName"] = "default", ["IpPermissions.1.IpProtocol"] = "tcp",
            ["IpPermissions.1.FromPort"] = "twenty-two", ["IpPermissions.1.ToPort"] = "22", ["IpPermissions.1.IpRanges.1.CidrIp"] = "0.0.0.0/0",
        }), "InvalidParameterValue", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DryRun_answers_DryRunOperation_and_changes_nothing()
    {
        var name = ClcFixture.Unique("dry");
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed,
            () => f.AliceEc2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = name, DryRun = true }));
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name] }));

        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed,
            () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "d", DryRun = true }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = [name] }));

        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed,
            () => f.AliceEc2.DescribeRegionsAsync(new DescribeRegionsRequest { DryRun = true }));
        // Parameters are checked before the dry run answers.
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = name, KeyType = "dsa", DryRun = true }));
    }

    public void Dispose() => _alice.Dispose();
}
