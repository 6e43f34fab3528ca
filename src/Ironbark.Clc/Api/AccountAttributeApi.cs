using System.Globalization;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>DescribeAccountAttributes: the platform (VPC only), the account's default VPC and its limits.</summary>
public sealed class AccountAttributeApi(ClcOptions options, DefaultVpcService vpcs) : IEc2Actions
{
    /// <summary>EC2's limit of security groups per network interface.</summary>
    public const int SecurityGroupsPerInterface = 5;

    private static readonly string[] Names =
        ["supported-platforms", "default-vpc", "max-instances", "vpc-max-security-groups-per-interface", "max-elastic-ips", "vpc-max-elastic-ips"];

    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions => [new("DescribeAccountAttributes", DescribeAsync)];

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var asked = request.Parameters.List("AttributeName");
        foreach (var name in asked.Where(n => !Names.Contains(n)))
            throw Ec2Exception.InvalidParameterValue($"Value ({name}) for parameter attributeName is invalid. Unknown attribute.");
        request.CheckDryRun();
        var names = asked.Count > 0 ? Names.Where(asked.Contains) : Names;
        var values = new List<(string Name, string Value)>();
        foreach (var name in names)
            values.Add((name, name switch
            {
                "supported-platforms" => "VPC",
                "default-vpc" => (await vpcs.EnsureAsync(request.AccountId, ct)).Vpc.VpcId,
                "max-instances" => Number(options.MaxInstancesPerAccount),
                "vpc-max-security-groups-per-interface" => Number(SecurityGroupsPerInterface),
                _ => Number(options.MaxElasticIpsPerAccount),
            }));
        return [Items("accountAttributeSet", values, v => [E("attributeName", v.Name), Items("attributeValueSet", [v.Value], x => [E("attributeValue", x)])])];
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
