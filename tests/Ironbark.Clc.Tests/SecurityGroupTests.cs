using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>Security groups and their rules, stored and described (enforced by the CC and its nodes: docs/network-clc.md, network-node.md).</summary>
public abstract class SecurityGroupTests(ClcFixture f)
{
    private static IpPermission Tcp(int from, int to, string cidr) =>
        new() { IpProtocol = "tcp", FromPort = from, ToPort = to, Ipv4Ranges = [new IpRange { CidrIp = cidr }] };

    private async Task<SecurityGroup> DescribeAsync(string groupId) =>
        Assert.Single((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] })).SecurityGroups);

    private async Task<string> CreateAsync(string hint = "group") =>
        (await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique(hint), Description = "test group" })).GroupId;

    [Fact]
    public async Task Every_account_has_a_default_group_that_cannot_be_deleted()
    {
        var group = Assert.Single((await f.BobEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = ["default"] })).SecurityGroups);
        Assert.Matches("^sg-[0-9a-f]{17}$", group.GroupId);
        Assert.Equal("default VPC security group", group.Description);
        var self = Assert.Single(Assert.Single(group.IpPermissions).UserIdGroupPairs);
        Assert.Equal(group.GroupId, self.GroupId);
        Assert.Equal("0.0.0.0/0", Assert.Single(Assert.Single(group.IpPermissionsEgress).Ipv4Ranges).CidrIp);
        await Ec2Assert.FailsAsync("CannotDelete", () => f.BobEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupName = "default" }));
        await Ec2Assert.FailsAsync("CannotDelete", () => f.BobEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group.GroupId }));
    }

    [Fact]
    public async Task Create_describe_with_filters_and_refuse_duplicates()
    {
        var name = ClcFixture.Unique("web");
        var created = await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
        {
            GroupName = name, Description = "web servers",
            TagSpecifications = [new TagSpecification { ResourceType = "security-group", Tags = [new Tag("Name", "frontend")] }],
        });
        var group = await DescribeAsync(created.GroupId);
        Assert.Equal(name, group.GroupName);
        Assert.Equal("web servers", group.Description);
        Assert.Equal(f.AliceAccountId, group.OwnerId);
        Assert.Empty(group.IpPermissions ?? []);
        var egress = Assert.Single(group.IpPermissionsEgress);
        Assert.Equal("-1", egress.IpProtocol);
        Assert.Equal("0.0.0.0/0", Assert.Single(egress.Ipv4Ranges).CidrIp);
        Assert.Equal("frontend", Assert.Single(group.Tags).Value);

        async Task<string[]> Ids(params Filter[] filters) =>
            ((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [.. filters] })).SecurityGroups ?? []).Select(g => g.GroupId).ToArray();
        Assert.Equal([created.GroupId], await Ids(new Filter("group-name", [name])));
        Assert.Equal([created.GroupId], await Ids(new Filter("group-id", [created.GroupId])));
        Assert.Equal([created.GroupId], await Ids(new Filter("group-name", [name[..6] + "*"]), new Filter("description", ["web *"])));
        Assert.Equal([created.GroupId], await Ids(new Filter("group-name", [name]), new Filter("tag-key", ["Name"])));
        Assert.Equal([created.GroupId], await Ids(new Filter("tag:Name", ["frontend"])));
        Assert.Empty(await Ids(new Filter("group-name", [name]), new Filter("tag:Name", ["backend"])));
        Assert.Equal(name, Assert.Single((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = [name] })).SecurityGroups).GroupName);

        await Ec2Assert.FailsAsync("InvalidGroup.Duplicate", () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "again" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = new string('g', 256), Description = "d" }));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("nodesc") }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = ["no-such-group"] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidGroupId.Malformed", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-xyz"] }));
    }

    [Fact]
    public async Task Authorize_and_revoke_ingress_rules_with_ranges_groups_and_rule_ids()
    {
        var groupId = await CreateAsync();
        var peerId = await CreateAsync("peer");
        var authorized = await f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0", Description = "ssh" }, new IpRange { CidrIp = "10.0.0.0/8" }] },
                new IpPermission { IpProtocol = "udp", FromPort = 5000, ToPort = 5010, UserIdGroupPairs = [new UserIdGroupPair { GroupId = peerId }] },
                new IpPermission { IpProtocol = "icmp", FromPort = 8, ToPort = -1, Ipv4Ranges = [new IpRange { CidrIp = "192.168.0.0/16" }] },
            ],
        });
        Assert.True(authorized.Return);
        Assert.Equal(4, authorized.SecurityGroupRules.Count);
        Assert.All(authorized.SecurityGroupRules, r =>
        {
            Assert.Matches("^sgr-[0-9a-f]{17}$", r.SecurityGroupRuleId);
            Assert.False(r.IsEgress);
            Assert.Equal(groupId, r.GroupId);
        });
        Assert.Equal(peerId, authorized.SecurityGroupRules.Single(r => r.IpProtocol == "udp").ReferencedGroupInfo.GroupId);

        var group = await DescribeAsync(groupId);
        var ssh = group.IpPermissions.Single(p => p.IpProtocol == "tcp");
        Assert.Equal((22, 22), (ssh.FromPort, ssh.ToPort));
        Assert.Equal(["0.0.0.0/0", "10.0.0.0/8"], ssh.Ipv4Ranges.Select(r => r.CidrIp));
        Assert.Equal("ssh", ssh.Ipv4Ranges[0].Description);
        Assert.Equal(peerId, Assert.Single(group.IpPermissions.Single(p => p.IpProtocol == "udp").UserIdGroupPairs).GroupId);
        Assert.Equal((8, -1), (group.IpPermissions.Single(p => p.IpProtocol == "icmp").FromPort, group.IpPermissions.Single(p => p.IpProtocol == "icmp").ToPort));

        var rules = await f.AliceEc2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { Filters = [new Filter("group-id", [groupId])] });
        Assert.Equal(5, rules.SecurityGroupRules.Count);
        Assert.Single(rules.SecurityGroupRules, r => r.IsEgress == true);

        // One existing rule in the request refuses the whole request.
        await Ec2Assert.FailsAsync("InvalidPermission.Duplicate", () => f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [Tcp(80, 80, "0.0.0.0/0"), Tcp(22, 22, "10.0.0.0/8")],
        }));
        Assert.DoesNotContain((await DescribeAsync(groupId)).IpPermissions, p => p.FromPort == 80);

        await f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = [Tcp(22, 22, "0.0.0.0/0")] });
        await Ec2Assert.FailsAsync("InvalidPermission.NotFound", () => f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [Tcp(22, 22, "0.0.0.0/0")],
        }));
        var icmpRule = authorized.SecurityGroupRules.Single(r => r.IpProtocol == "icmp").SecurityGroupRuleId;
        await f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = groupId, SecurityGroupRuleIds = [icmpRule] });
        await Ec2Assert.FailsAsync("InvalidSecurityGroupRuleId.NotFound", () => f.AliceEc2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { SecurityGroupRuleIds = [icmpRule] }));
        var left = (await DescribeAsync(groupId)).IpPermissions;
        Assert.Equal(["tcp", "udp"], left.Select(p => p.IpProtocol).Order());
        Assert.Equal("10.0.0.0/8", Assert.Single(left.Single(p => p.IpProtocol == "tcp").Ipv4Ranges).CidrIp);

        // A group other rules refer to cannot go; once they are revoked it can.
        await Ec2Assert.FailsAsync("DependencyViolation", () => f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = peerId }));
        await f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = "udp", FromPort = 5000, ToPort = 5010, UserIdGroupPairs = [new UserIdGroupPair { GroupId = peerId }] }],
        });
        await f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = peerId });
    }

    [Fact]
    public async Task Egress_rules_are_authorized_and_revoked_by_group_id()
    {
        var groupId = await CreateAsync();
        var all = new IpPermission { IpProtocol = "-1", Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] };
        await f.AliceEc2.RevokeSecurityGroupEgressAsync(new RevokeSecurityGroupEgressRequest { GroupId = groupId, IpPermissions = [all] });
        Assert.Empty((await DescribeAsync(groupId)).IpPermissionsEgress ?? []);
        var added = await f.AliceEc2.AuthorizeSecurityGroupEgressAsync(new AuthorizeSecurityGroupEgressRequest { GroupId = groupId, IpPermissions = [Tcp(443, 443, "0.0.0.0/0")] });
        Assert.True(Assert.Single(added.SecurityGroupRules).IsEgress);
        var egress = Assert.Single((await DescribeAsync(groupId)).IpPermissionsEgress);
        Assert.Equal((443, 443), (egress.FromPort, egress.ToPort));
        await Ec2Assert.FailsAsync("InvalidPermission.Duplicate", () => f.AliceEc2.AuthorizeSecurityGroupEgressAsync(new AuthorizeSecurityGroupEgressRequest
        {
            GroupId = groupId, IpPermissions = [Tcp(443, 443, "0.0.0.0/0")],
        }));
    }

    [Fact]
    public async Task Ipv6_ranges_are_authorized_described_filtered_and_revoked_beside_ipv4_ones()
    {
        var groupId = await CreateAsync("v6");
        var both = new IpPermission
        {
            IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8" }],
            Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "2001:DB8::/32", Description = "docs" }, new Ipv6Range { CidrIpv6 = "::/0" }],
        };
        var added = (await f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = [both] }))
            .SecurityGroupRules;
        Assert.Equal(3, added.Count);
        // Stored in the canonical (compressed, lower-case) form, one rule per range, grouped back into one permission.
        var permission = Assert.Single((await DescribeAsync(groupId)).IpPermissions);
        Assert.Equal(["10.0.0.0/8"], permission.Ipv4Ranges.Select(r => r.CidrIp));
        Assert.Equal([("2001:db8::/32", "docs"), ("::/0", (string?)null)], permission.Ipv6Ranges.Select(r => (r.CidrIpv6, (string?)r.Description)));
        var rules = (await f.AliceEc2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest
            { Filters = [new Filter("group-id", [groupId])] })).SecurityGroupRules;
        Assert.Equal(["2001:db8::/32", "::/0"], rules.Where(r => r.CidrIpv6 is not null).Select(r => r.CidrIpv6).Order(StringComparer.Ordinal));
        Assert.Equal([groupId], (await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest
            { Filters = [new Filter("ip-permission.ipv6-cidr", ["2001:db8::/32"])] })).SecurityGroups.Select(g => g.GroupId));

        await Ec2Assert.FailsAsync("InvalidPermission.Duplicate", () => f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "2001:db8:0::/32" }] }],
        }));
        foreach (var bad in new[] { "2001:db8::1/32", "2001:db8::/129", "10.0.0.0/8", "fe80::" })
            await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = "udp", FromPort = 53, ToPort = 53, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = bad }] }],
            }));

        await f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "::/0" }] }],
        });
        permission = Assert.Single((await DescribeAsync(groupId)).IpPermissions);
        Assert.Equal(["2001:db8::/32"], permission.Ipv6Ranges.Select(r => r.CidrIpv6));
        Assert.Equal(["10.0.0.0/8"], permission.Ipv4Ranges.Select(r => r.CidrIp));
        await Ec2Assert.FailsAsync("InvalidPermission.NotFound", () => f.AliceEc2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "::/0" }] }],
        }));
    }

    [Theory]
    [InlineData("tcp", 22, 22, "10.0.0.1/33")]
    [InlineData("tcp", 22, 22, "300.0.0.0/8")]
    [InlineData("tcp", 22, 22, "10.0.0.1/8")]
    [InlineData("tcp", 22, 22, "not-a-cidr")]
    [InlineData("tcp", 0, 70000, "0.0.0.0/0")]
    [InlineData("udp", 100, 10, "0.0.0.0/0")]
    [InlineData("icmp", 300, 0, "0.0.0.0/0")]
    [InlineData("gre-ish", 0, 0, "0.0.0.0/0")]
    public async Task Bad_cidrs_ports_and_protocols_are_InvalidParameterValue(string protocol, int from, int to, string cidr)
    {
        var groupId = await CreateAsync("bad");
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [new IpPermission { IpProtocol = protocol, FromPort = from, ToPort = to, Ipv4Ranges = [new IpRange { CidrIp = cidr }] }],
        }));
        Assert.Empty((await DescribeAsync(groupId)).IpPermissions ?? []);
    }

    [Fact]
    public async Task Delete_by_name_and_id_and_accounts_see_only_their_own_groups()
    {
        var byName = ClcFixture.Unique("gone");
        await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = byName, Description = "d" });
        await f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupName = byName });
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = [byName] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupName = byName }));

        var groupId = await CreateAsync("alices");
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.BobEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.BobEc2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId, IpPermissions = [Tcp(22, 22, "0.0.0.0/0")],
        }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.BobEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId }));
        Assert.DoesNotContain((await f.BobEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest())).SecurityGroups, g => g.GroupId == groupId);
        await f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId });
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] }));
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteSecurityGroupTests(SqliteClcFixture f) : SecurityGroupTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresSecurityGroupTests(PostgresClcFixture f) : SecurityGroupTests(f);
