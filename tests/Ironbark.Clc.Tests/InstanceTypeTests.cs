using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using InstanceTypeSpec = Ironbark.Clc.Domain.InstanceTypeSpec;

namespace Ironbark.Clc.Tests;

/// <summary>DescribeInstanceTypes over the default (Eucalyptus) table.</summary>
public abstract class InstanceTypeTests(ClcFixture f)
{
    [Fact]
    public async Task Every_configured_type_is_listed_as_AWS_describes_it()
    {
        var all = (await f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest())).InstanceTypes;
        Assert.Equal(InstanceTypeSpec.EucalyptusDefaults.Select(t => t.Name), all.Select(t => t.InstanceType.Value));

        var micro = all.Single(t => t.InstanceType == InstanceType.T1Micro);
        Assert.Equal(1, micro.VCpuInfo.DefaultVCpus);
        Assert.Equal(1, micro.VCpuInfo.DefaultCores);
        Assert.Equal(1, micro.VCpuInfo.DefaultThreadsPerCore);
        Assert.Equal(256, micro.MemoryInfo.SizeInMiB);
        Assert.False(micro.CurrentGeneration);
        Assert.Equal(["instance-store", "ebs"], micro.SupportedRootDeviceTypes);
        Assert.Equal([UsageClassType.OnDemand], micro.SupportedUsageClasses);
        Assert.Equal([ArchitectureType.X86_64], micro.ProcessorInfo.SupportedArchitectures);
        Assert.Equal(InstanceTypeHypervisor.Xen, micro.Hypervisor);
        Assert.True(micro.InstanceStorageSupported);
        Assert.Equal(5, micro.InstanceStorageInfo.TotalSizeInGB);

        var hs1 = all.Single(t => t.InstanceType == InstanceType.Hs18xlarge);
        Assert.Equal((48, 119808), (hs1.VCpuInfo.DefaultVCpus, hs1.MemoryInfo.SizeInMiB));
        Assert.True(all.Single(t => t.InstanceType == InstanceType.T2Medium).CurrentGeneration);
    }

    [Fact]
    public async Task Types_are_selected_by_name_and_an_unknown_one_is_refused()
    {
        var two = await f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["m1.small", "c1.xlarge"] });
        Assert.Equal(["m1.small", "c1.xlarge"], two.InstanceTypes.Select(t => t.InstanceType.Value));

        var e = await Ec2Assert.FailsAsync("InvalidInstanceType",
            () => f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = ["m1.small", "x9.huge"] }));
        Assert.Equal("The following supplied instance types do not exist: [x9.huge]", e.Message);
    }

    [Fact]
    public async Task Filters_match_name_wildcards_sizes_and_capabilities()
    {
        Assert.Equal(["t2.nano", "t2.micro", "t2.small", "t2.medium"], await NamesAsync(new Filter("instance-type", ["t2.*"])));
        Assert.Equal(["t2.nano", "t2.micro", "t2.small", "t2.medium"], await NamesAsync(new Filter("current-generation", ["true"])));
        Assert.Equal(["m3.xlarge", "m3.2xlarge"], await NamesAsync(new Filter("vcpu-info.default-vcpus", ["4"])));
        Assert.Equal(["m2.2xlarge", "m3.2xlarge", "m2.4xlarge", "t2.medium"], await NamesAsync(new Filter("memory-info.size-in-mib", ["4096"])));
        Assert.Equal(["m1.xlarge"], await NamesAsync(new Filter("vcpu-info.default-vcpus", ["2"]), new Filter("memory-info.size-in-mib", ["1024"])));
        Assert.Equal(21, (await NamesAsync(new Filter("supported-root-device-type", ["instance-store"]), new Filter("supported-usage-class", ["on-demand"]))).Count);
        Assert.Empty(await NamesAsync(new Filter("supported-usage-class", ["spot"])));
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { Filters = [new Filter("colour", ["red"])] }));
    }

    [Fact]
    public async Task Pages_cover_every_type_once_in_name_order()
    {
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { MaxResults = 5, NextToken = token });
            Assert.True(page.InstanceTypes.Count <= 5);
            names.AddRange(page.InstanceTypes.Select(t => t.InstanceType.Value));
            token = page.NextToken;
            pages++;
        } while (token is not null);
        Assert.Equal(5, pages);
        Assert.Equal(InstanceTypeSpec.EucalyptusDefaults.Select(t => t.Name).Order(StringComparer.Ordinal), names);

        using var query = f.Query(f.Alice);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeInstanceTypes", ["MaxResults"] = "101" }),
            "InvalidParameterValue", HttpStatusCode.BadRequest);
        await Ec2Assert.FailsAsync("InvalidNextToken", () => f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { NextToken = "garbage!" }));
    }

    [Fact]
    public async Task DryRun_answers_that_the_request_would_succeed()
    {
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed,
            () => f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { DryRun = true }));
    }

    private async Task<List<string>> NamesAsync(params Filter[] filters) =>
        (await f.AliceEc2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { Filters = [.. filters] })).InstanceTypes?
            .Select(t => t.InstanceType.Value).ToList() ?? [];
}

[Collection(SqliteClc.Name)]
public sealed class SqliteInstanceTypeTests(SqliteClcFixture f) : InstanceTypeTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresInstanceTypeTests(PostgresClcFixture f) : InstanceTypeTests(f);
