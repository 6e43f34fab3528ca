using Amazon.EC2;
using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>CreateTags, DeleteTags, DescribeTags on key pairs and security groups; tag filters in Describe*.</summary>
public abstract class TagTests(ClcFixture f)
{
    private async Task<string> GroupAsync() =>
        (await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("tagged"), Description = "d" })).GroupId;

    private async Task<List<TagDescription>> TagsOfAsync(string resourceId) =>
        (await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [resourceId])] })).Tags ?? [];

    [Fact]
    public async Task Tags_are_created_overwritten_described_and_filtered()
    {
        var group = await GroupAsync();
        var key = (await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = ClcFixture.Unique("tagkey") })).KeyPairId;
        var env = ClcFixture.Unique("env");
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group, key], Tags = [new Tag("env", env), new Tag("Name", "web")] });
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("Name", "tagged-front"), new Tag("empty", "")] });

        var tags = await TagsOfAsync(group);
        Assert.Equal(["Name=tagged-front", "empty=", $"env={env}"], tags.Select(t => $"{t.Key}={t.Value}"));
        Assert.All(tags, t => Assert.Equal(ResourceType.SecurityGroup, t.ResourceType));
        var keyTag = Assert.Single(await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest
        {
            Filters = [new Filter("resource-type", ["key-pair"]), new Filter("key", ["env"]), new Filter("value", [env])],
        }).ContinueWith(t => t.Result.Tags));
        Assert.Equal(key, keyTag.ResourceId);

        // tag:KEY and tag-key filters in the Describe calls of the resources.
        var groups = await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter($"tag:env", [env])] });
        Assert.Equal(group, Assert.Single(groups.SecurityGroups).GroupId);
        var keys = await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new Filter("tag:env", [env]), new Filter("tag-key", ["Name"])] });
        Assert.Equal(key, Assert.Single(keys.KeyPairs).KeyPairId);
        Assert.Contains(Assert.Single((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [group] })).SecurityGroups).Tags,
            t => t.Key == "Name" && t.Value == "tagged-front");
    }

    [Fact]
    public async Task Tags_are_deleted_by_key_or_by_key_and_value()
    {
        var group = await GroupAsync();
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("a", "1"), new Tag("b", "2"), new Tag("c", "3")] });
        await f.AliceEc2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [group], Tags = [new Tag { Key = "a" }] });
        await f.AliceEc2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [group], Tags = [new Tag("b", "not-2"), new Tag("c", "3")] });
        Assert.Equal(["b"], (await TagsOfAsync(group)).Select(t => t.Key));
        await f.AliceEc2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [group] });
        Assert.Empty(await TagsOfAsync(group));
    }

    [Fact]
    public async Task Dry_runs_change_nothing()
    {
        var group = await GroupAsync();
        await Ec2Assert.FailsAsync("DryRunOperation", System.Net.HttpStatusCode.PreconditionFailed, () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [group], Tags = [new Tag("k", "v")], DryRun = true,
        }));
        Assert.Empty(await TagsOfAsync(group));
        await Ec2Assert.FailsAsync("DryRunOperation", System.Net.HttpStatusCode.PreconditionFailed, () => f.AliceEc2.DescribeImagesAsync(new DescribeImagesRequest { DryRun = true }));
    }

    [Fact]
    public async Task Deleting_a_resource_deletes_its_tags()
    {
        var group = await GroupAsync();
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("x", "y")] });
        await f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group });
        Assert.Empty(await TagsOfAsync(group));
    }

    [Fact]
    public async Task Unknown_ids_other_accounts_resources_and_bad_tags_are_refused_and_nothing_changes()
    {
        var group = await GroupAsync();
        await Ec2Assert.FailsAsync("InvalidID", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = ["vpc-1"], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidID", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = ["sg-xyz"], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [group, "sg-0123456789abcdef0"], Tags = [new Tag("k", "v")],
        }));
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = ["key-0123456789abcdef0"], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = ["ami-0123456789abcdef0"], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("aws:x", "v")] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [group], Tags = [new Tag { Key = "aws:x" }] }));
        await Ec2Assert.FailsAsync("TagLimitExceeded", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [group], Tags = [.. Enumerable.Range(0, 51).Select(i => new Tag($"k{i}", "v"))],
        }));
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [.. Enumerable.Range(0, 50).Select(i => new Tag($"k{i}", "v"))] });
        await Ec2Assert.FailsAsync("TagLimitExceeded", () => f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("one-more", "v")] }));
        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("k0", "overwritten")] });
        Assert.Equal(50, (await TagsOfAsync(group)).Count);

        // Bob can neither tag, untag nor see Alice's group and its tags.
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.BobEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [group], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.BobEc2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [group] }));
        Assert.Null((await f.BobEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [group])] })).Tags);
        Assert.Equal(50, (await TagsOfAsync(group)).Count);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("colour", ["x"])] }));
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteTagTests(SqliteClcFixture f) : TagTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresTagTests(PostgresClcFixture f) : TagTests(f);
