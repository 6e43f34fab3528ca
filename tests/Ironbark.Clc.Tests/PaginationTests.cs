using Amazon.EC2;
using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>MaxResults/NextToken on DescribeSecurityGroups, DescribeSecurityGroupRules and DescribeTags.</summary>
public abstract class PaginationTests(ClcFixture f)
{
    [Fact]
    public async Task Pages_cover_every_item_once_and_bad_parameters_are_refused()
    {
        var marker = ClcFixture.Unique("page");
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
            ids.Add((await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
            {
                GroupName = ClcFixture.Unique("paged"), Description = "d",
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.SecurityGroup, Tags = [new Tag("page", marker)] }],
            })).GroupId);
        var filter = new Filter("tag:page", [marker]);

        var groups = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [filter], MaxResults = 5, NextToken = token });
            Assert.True(page.SecurityGroups.Count <= 5);
            groups.AddRange(page.SecurityGroups.Select(g => g.GroupId));
            token = page.NextToken;
            pages++;
        } while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(StringComparer.Ordinal), groups);

        var rules = new List<string>();
        token = null;
        do
        {
            var page = await f.AliceEc2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest
            {
                Filters = [new Filter("group-id", ids)], MaxResults = 5, NextToken = token,
            });
            rules.AddRange(page.SecurityGroupRules.Select(r => r.SecurityGroupRuleId));
            token = page.NextToken;
        } while (token is not null);
        Assert.Equal(12, rules.Distinct().Count());

        var tags = new List<string>();
        token = null;
        do
        {
            var page = await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("value", [marker])], MaxResults = 5, NextToken = token });
            tags.AddRange(page.Tags.Select(t => t.ResourceId));
            token = page.NextToken;
        } while (token is not null);
        Assert.Equal(ids.Order(StringComparer.Ordinal), tags);

        // The SDK refuses these values itself; the wire answer is AWS's.
        using var query = f.Query(f.Alice);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeSecurityGroups", ["MaxResults"] = "4" }),
            "InvalidParameterValue", System.Net.HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeTags", ["MaxResults"] = "1001" }),
            "InvalidParameterValue", System.Net.HttpStatusCode.BadRequest);
        await Ec2Assert.FailsAsync("InvalidNextToken", () => f.AliceEc2.DescribeSecurityGroupRulesAsync(new DescribeSecurityGroupRulesRequest { NextToken = "garbage!" }));
        await Ec2Assert.FailsAsync("InvalidNextToken", () => f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { NextToken = "aGVsbG8" }));
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqlitePaginationTests(SqliteClcFixture f) : PaginationTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresPaginationTests(PostgresClcFixture f) : PaginationTests(f);
