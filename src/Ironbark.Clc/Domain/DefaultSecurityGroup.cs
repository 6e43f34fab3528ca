using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>The "default" security group every VPC has: all traffic in from its own members, all traffic out.</summary>
public static class DefaultSecurityGroup
{
    public static SecurityGroup For(string accountId, string vpcId, long createdMs)
    {
        var groupId = ResourceId.New(SecurityGroup.IdPrefix);
        return new SecurityGroup
        {
            GroupId = groupId, AccountId = accountId, GroupName = SecurityGroup.DefaultName, Description = "default VPC security group",
            VpcId = vpcId, CreatedMs = createdMs,
            Rules =
            [
                SecurityGroupService.NewRule(groupId, false, "-1", null, null, null, groupId, accountId, null),
                SecurityGroupService.NewRule(groupId, true, "-1", null, null, "0.0.0.0/0", null, null, null),
            ],
        };
    }
}
