using System.Globalization;
using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>DescribeInstanceTypes: the configured instance types, as AWS describes its own.</summary>
public sealed class InstanceTypeApi(ClcOptions options) : IEc2Actions
{
    // Every type boots from either root device on one x86_64 hypervisor; "xen" because the SDK's
    // InstanceTypeHypervisor knows only xen and nitro.
    private static readonly string[] RootDeviceTypes = ["instance-store", "ebs"];
    private const string UsageClass = "on-demand";
    private const string Architecture = "x86_64";
    private const string Hypervisor = "xen";

    private static readonly FilterSchema<InstanceTypeSpec> Filters = new(new Dictionary<string, Func<InstanceTypeSpec, IEnumerable<string?>>>
    {
        ["instance-type"] = t => [t.Name],
        ["vcpu-info.default-vcpus"] = t => [Number(t.VCpus)],
        ["vcpu-info.default-cores"] = t => [Number(t.VCpus)],
        ["memory-info.size-in-mib"] = t => [Number(t.MemoryMiB)],
        ["current-generation"] = t => [Bool(t.CurrentGeneration)],
        ["supported-root-device-type"] = _ => RootDeviceTypes,
        ["supported-usage-class"] = _ => [UsageClass],
        ["processor-info.supported-architecture"] = _ => [Architecture],
        ["hypervisor"] = _ => [Hypervisor],
        ["instance-storage-supported"] = _ => ["true"],
        ["instance-storage-info.total-size-in-gb"] = t => [Number(t.RootDiskGiB)],
    });

    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions => [new("DescribeInstanceTypes", DescribeAsync)];

    private Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var names = p.List("InstanceType");
        var filters = p.Filters();
        var maxResults = p.Int("MaxResults");
        var nextToken = p["NextToken"];
        request.CheckDryRun();
        var unknown = names.Where(n => options.InstanceTypes.All(t => t.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new Ec2Exception("InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", unknown)}]");
        var selected = names.Count > 0 ? options.InstanceTypes.Where(t => names.Contains(t.Name)) : options.InstanceTypes;
        var page = Page<InstanceTypeSpec>.Of(Filters.Apply(selected, filters), t => t.Name, maxResults, nextToken, maxLimit: 100);
        return Task.FromResult<IEnumerable<object?>>([Items("instanceTypeSet", page.Items, Describe), Optional("nextToken", page.NextToken)]);
    }

    private static IEnumerable<object?> Describe(InstanceTypeSpec t) =>
    [
        E("instanceType", t.Name), E("currentGeneration", Bool(t.CurrentGeneration)), E("freeTierEligible", "false"),
        Items("supportedUsageClasses", [UsageClass], c => [c]),
        Items("supportedRootDeviceTypes", RootDeviceTypes, d => [d]),
        Items("supportedVirtualizationTypes", ["paravirtual", "hvm"], v => [v]),
        E("bareMetal", "false"), E("hypervisor", Hypervisor),
        E("processorInfo", Items("supportedArchitectures", [Architecture], a => [a])),
        E("vCpuInfo", E("defaultVCpus", t.VCpus), E("defaultCores", t.VCpus), E("defaultThreadsPerCore", 1)),
        E("memoryInfo", E("sizeInMiB", t.MemoryMiB)),
        E("instanceStorageSupported", "true"),
        E("instanceStorageInfo", E("totalSizeInGB", t.RootDiskGiB),
            Items("disks", [t], d => [E("sizeInGB", d.RootDiskGiB), E("count", 1), E("type", "hdd")])),
    ];

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
