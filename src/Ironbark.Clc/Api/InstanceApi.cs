using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>RunInstances, DescribeInstances, DescribeInstanceStatus, TerminateInstances, RebootInstances, GetConsoleOutput,
/// DescribeInstanceAttribute, ModifyInstanceAttribute, ModifyInstanceMetadataOptions.</summary>
public sealed class InstanceApi(InstanceLaunchService launches, InstanceService instances) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("RunInstances", RunAsync),
        new("DescribeInstances", DescribeAsync),
        new("DescribeInstanceStatus", DescribeStatusAsync),
        new("TerminateInstances", TerminateAsync),
        new("RebootInstances", RebootAsync),
        new("GetConsoleOutput", ConsoleAsync),
        new("DescribeInstanceAttribute", DescribeAttributeAsync),
        new("ModifyInstanceAttribute", ModifyAttributeAsync),
        new("ModifyInstanceMetadataOptions", ModifyMetadataOptionsAsync),
    ];

    private async Task<IEnumerable<object?>> RunAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        // Volume tags are taken as AWS takes them (ec2_instance always sends them); an instance-store instance has no volume to carry them.
        var tags = p.TagsBy(TaggableResource.Instance, TaggableResource.NetworkInterface, TaggableResource.Volume);
        var launch = new LaunchRequest(
            p.Required("ImageId"), p["InstanceType"] ?? "m1.small",
            p.Int("MinCount") ?? throw Ec2Exception.MissingParameter("MinCount"), p.Int("MaxCount") ?? throw Ec2Exception.MissingParameter("MaxCount"),
            p["KeyName"], p.List("SecurityGroup"), p.List("SecurityGroupId"), UserData(p["UserData"]),
            // Terraform's provider sends Placement.AvailabilityZone= (empty) when no zone is set; AWS reads it as unset.
            p["Placement.AvailabilityZone"] is { Length: > 0 } zone ? zone : null,
            p["KernelId"], p["RamdiskId"], p["ClientToken"] is { Length: > 0 } token ? token : null,
            p.Bool("DisableApiTermination"), p["InstanceInitiatedShutdownBehavior"] ?? "terminate", tags[TaggableResource.Instance],
            MetadataOptions(p, "MetadataOptions.")) { SubnetId = p["SubnetId"], InterfaceTags = tags[TaggableResource.NetworkInterface] };
        request.CheckDryRun();
        var launched = await launches.RunAsync(request.AccountId, launch, ct);
        return InstanceXml.Reservation(launched);
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var ids = p.List("InstanceId");
        var filters = p.Filters();
        var (maxResults, nextToken) = (p.Int("MaxResults"), p["NextToken"]);
        if (ids.Count > 0 && maxResults is not null)
            throw new Ec2Exception("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        request.CheckDryRun();
        var found = await instances.DescribeAsync(request.AccountId, ids, filters, InstanceFilters.Instances, ct);
        var page = Page<Instance>.Of(found, i => i.InstanceId, maxResults, nextToken);
        return [InstanceXml.Reservations(page.Items), Optional("nextToken", page.NextToken)];
    }

    private async Task<IEnumerable<object?>> DescribeStatusAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var ids = p.List("InstanceId");
        var filters = p.Filters();
        var all = p.Bool("IncludeAllInstances");
        var (maxResults, nextToken) = (p.Int("MaxResults"), p["NextToken"]);
        if (ids.Count > 0 && maxResults is not null)
            throw new Ec2Exception("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        request.CheckDryRun();
        var found = (await instances.DescribeAsync(request.AccountId, ids, filters, InstanceFilters.Status, ct))
            .Where(i => all || i.State == InstanceState.Running);
        var page = Page<Instance>.Of(found, i => i.InstanceId, maxResults, nextToken);
        return [Items("instanceStatusSet", page.Items, i => [
            E("instanceId", i.InstanceId), E("availabilityZone", i.Zone), InstanceXml.State(i.State),
            E("systemStatus", E("status", InstanceFilters.StatusOf(i)), Items("details", [i], s => [E("name", "reachability"), E("status", InstanceFilters.ReachabilityOf(s))])),
            E("instanceStatus", E("status", InstanceFilters.StatusOf(i)), Items("details", [i], s => [E("name", "reachability"), E("status", InstanceFilters.ReachabilityOf(s))])),
        ]), Optional("nextToken", page.NextToken)];
    }

    private async Task<IEnumerable<object?>> TerminateAsync(Ec2Request request, CancellationToken ct)
    {
        var ids = request.Parameters.List("InstanceId");
        request.CheckDryRun();
        var changes = await instances.TerminateAsync(request.AccountId, ids, ct);
        return [Items("instancesSet", changes, c => [
            E("instanceId", c.Instance.InstanceId), E("currentState", E("code", InstanceState.Code(c.Instance.State)), E("name", c.Instance.State)),
            E("previousState", E("code", InstanceState.Code(c.Previous)), E("name", c.Previous))])];
    }

    private async Task<IEnumerable<object?>> RebootAsync(Ec2Request request, CancellationToken ct)
    {
        var ids = request.Parameters.List("InstanceId");
        request.CheckDryRun();
        await instances.RebootAsync(request.AccountId, ids, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> ConsoleAsync(Ec2Request request, CancellationToken ct)
    {
        var id = request.Parameters.Required("InstanceId");
        request.CheckDryRun();
        var (output, timestamp) = await instances.ConsoleAsync(request.AccountId, id, ct);
        return [E("instanceId", id), E("timestamp", Time(timestamp)), E("output", Convert.ToBase64String(output))];
    }

    private async Task<IEnumerable<object?>> DescribeAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("InstanceId");
        var attribute = p.Required("Attribute");
        request.CheckDryRun();
        var i = await instances.OwnedAsync(request.AccountId, id, ct);
        var userData = attribute == "userData" ? await instances.UserDataAsync(i, ct) : [];
        XElement Value(string name, object? value) => E(name, Optional("value", value));
        return [E("instanceId", i.InstanceId), attribute switch
        {
            "instanceType" => Value("instanceType", i.InstanceType),
            "kernel" => Value("kernel", i.KernelId),
            "ramdisk" => Value("ramdisk", i.RamdiskId),
            "userData" => Value("userData", userData.Length > 0 ? Convert.ToBase64String(userData) : null),
            "disableApiTermination" => Value("disableApiTermination", Bool(i.DisableApiTermination)),
            // Stop protection: instances here cannot be stopped at all (StopInstances does not exist yet), so it is never on.
            "disableApiStop" => Value("disableApiStop", "false"),
            "enaSupport" => Value("enaSupport", "false"),
            "sriovNetSupport" => E("sriovNetSupport"),
            "enclaveOptions" => E("enclaveOptions", E("enabled", "false")),
            "instanceInitiatedShutdownBehavior" => Value("instanceInitiatedShutdownBehavior", i.ShutdownBehavior),
            "rootDeviceName" => Value("rootDeviceName", "/dev/sda1"),
            "blockDeviceMapping" => E("blockDeviceMapping"),
            "productCodes" => E("productCodes"),
            "groupSet" => InstanceXml.Groups(i.Groups),
            "ebsOptimized" => Value("ebsOptimized", "false"),
            "sourceDestCheck" => Value("sourceDestCheck", Bool(i.PrimaryInterface?.SourceDestCheck ?? true)),
            _ => throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."),
        }];
    }

    private async Task<IEnumerable<object?>> ModifyAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("InstanceId");
        // The older form names one attribute and its value: Attribute=disableApiTermination&Value=true.
        string? Given(string attribute) => p[$"{char.ToUpperInvariant(attribute[0])}{attribute[1..]}.Value"] ?? (p["Attribute"] == attribute ? p["Value"] : null);
        var disable = Given("disableApiTermination");
        var change = new InstanceAttributeChange(
            disable is null ? null : Ec2BoolOrThrow(disable, "DisableApiTermination"),
            Given("instanceInitiatedShutdownBehavior"),
            p.List("GroupId"),
            NeedsStopped: new[] { "instanceType", "userData", "kernel", "ramdisk" }.Any(a => Given(a) is not null));
        if (p["Attribute"] is { } named && named is not ("disableApiTermination" or "instanceInitiatedShutdownBehavior" or "groupSet" or "instanceType"
                or "userData" or "kernel" or "ramdisk"))
            throw Ec2Exception.InvalidParameterValue($"Value ({named}) for parameter attribute is invalid. This attribute cannot be modified.");
        if (change.DisableApiTermination is null && change.ShutdownBehavior is null && change.GroupIds.Count == 0 && !change.NeedsStopped)
            throw Ec2Exception.MissingParameter("Attribute");
        request.CheckDryRun();
        await instances.ModifyAsync(request.AccountId, id, change, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> ModifyMetadataOptionsAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("InstanceId");
        var change = MetadataOptions(p, "");
        request.CheckDryRun();
        var i = await instances.ModifyMetadataOptionsAsync(request.AccountId, id, change, ct);
        return [E("instanceId", i.InstanceId), InstanceXml.MetadataOptions("instanceMetadataOptions", i)];
    }

    /// <summary>RunInstances names them MetadataOptions.HttpTokens…, ModifyInstanceMetadataOptions HttpTokens….</summary>
    private static MetadataOptionsChange MetadataOptions(Ec2Parameters p, string prefix) => new(
        p[prefix + "HttpTokens"], p.Int(prefix + "HttpPutResponseHopLimit"), p[prefix + "HttpEndpoint"], p[prefix + "HttpProtocolIpv6"],
        p[prefix + "InstanceMetadataTags"]);

    private static bool Ec2BoolOrThrow(string value, string name) =>
        new Ec2Parameters(new Dictionary<string, string> { [name] = value }).Bool(name);

    /// <summary>User data arrives base64-encoded (the CLI and SDKs encode it).</summary>
    private static byte[] UserData(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
            return [];
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Ec2Exception.InvalidParameterValue("Invalid BASE64 encoding of user data.");
        }
    }
}
