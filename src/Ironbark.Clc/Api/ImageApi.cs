using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>RegisterImage, DescribeImages, DeregisterImage, DescribeImageAttribute, ModifyImageAttribute.</summary>
public sealed class ImageApi(ImageService images) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("RegisterImage", RegisterAsync),
        new("DescribeImages", DescribeAsync),
        new("DeregisterImage", DeregisterAsync),
        new("DescribeImageAttribute", DescribeAttributeAsync),
        new("ModifyImageAttribute", ModifyAttributeAsync),
    ];

    private async Task<IEnumerable<object?>> RegisterAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        if (p.Has("BlockDeviceMapping.1.DeviceName") || p.Has("RootDeviceName") && !p.Has("ImageLocation"))
            throw Ec2Exception.InvalidParameterValue("Only instance-store images (ImageLocation) can be registered; EBS-backed images come with the SC.");
        var registration = new ImageRegistration(p.Required("ImageLocation"), p.Required("Name"), p["Description"], p["Architecture"] ?? "x86_64",
            p["KernelId"], p["RamdiskId"]);
        request.CheckDryRun();
        var image = await images.RegisterAsync(request.AccountId, request.Caller.Account.CanonicalId, registration, ct);
        return [E("imageId", image.ImageId)];
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var filters = p.Filters();
        request.CheckDryRun();
        var found = await images.DescribeAsync(request.AccountId, p.List("ImageId"), p.List("Owner"), p.List("ExecutableBy"), filters, ct);
        return [Items("imagesSet", found, i => [
            E("imageId", i.ImageId), E("imageLocation", i.ImageLocation), E("imageState", "available"), E("imageOwnerId", i.AccountId),
            E("creationDate", Time(i.CreatedMs)), E("isPublic", Bool(i.IsPublic)), E("architecture", i.Architecture), E("imageType", i.ImageType),
            Optional("kernelId", i.KernelId), Optional("ramdiskId", i.RamdiskId), E("name", i.Name), Optional("description", i.Description),
            E("rootDeviceType", "instance-store"), E("blockDeviceMapping"), E("virtualizationType", "paravirtual"),
            i.AccountId == request.AccountId ? TagSet(i.Tags) : null,
        ])];
    }

    private async Task<IEnumerable<object?>> DeregisterAsync(Ec2Request request, CancellationToken ct)
    {
        var imageId = request.Parameters.Required("ImageId");
        request.CheckDryRun();
        await images.DeregisterAsync(request.AccountId, imageId, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> DescribeAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var imageId = p.Required("ImageId");
        var attribute = p.Required("Attribute");
        if (attribute is not ("launchPermission" or "description" or "kernel" or "ramdisk"))
            throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter Attribute is invalid. Expected launchPermission, description, kernel or ramdisk.");
        request.CheckDryRun();
        var image = await images.OwnedAsync(request.AccountId, imageId, ct);
        return [E("imageId", image.ImageId), attribute switch
        {
            "launchPermission" => E("launchPermission", (image.IsPublic ? [E("item", E("group", "all"))] : Array.Empty<object>())
                .Concat(image.LaunchAccountIds.Select(a => E("item", E("userId", a)))).ToArray()),
            "description" => E("description", Optional("value", image.Description)),
            "kernel" => E("kernel", Optional("value", image.KernelId)),
            _ => E("ramdisk", Optional("value", image.RamdiskId)),
        }];
    }

    private async Task<IEnumerable<object?>> ModifyAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var imageId = p.Required("ImageId");
        var add = p.Members("LaunchPermission.Add");
        var remove = p.Members("LaunchPermission.Remove");
        // The older form: Attribute=launchPermission, OperationType=add|remove, UserId.N, UserGroup.N.
        var (oldUsers, oldGroups) = (p.List("UserId"), p.List("UserGroup"));
        var operation = p["OperationType"];
        if (oldUsers.Count + oldGroups.Count > 0 && operation is not ("add" or "remove"))
            throw Ec2Exception.InvalidParameterValue("OperationType must be 'add' or 'remove' with UserId or UserGroup.");
        var addUsers = add.Select(m => m["UserId"]).OfType<string>().Concat(operation == "add" ? oldUsers : []).ToList();
        var removeUsers = remove.Select(m => m["UserId"]).OfType<string>().Concat(operation == "remove" ? oldUsers : []).ToList();
        var addGroups = add.Select(m => m["Group"]).OfType<string>().Concat(operation == "add" ? oldGroups : []).ToList();
        var removeGroups = remove.Select(m => m["Group"]).OfType<string>().Concat(operation == "remove" ? oldGroups : []).ToList();
        foreach (var group in addGroups.Concat(removeGroups).Where(g => g != "all"))
            throw Ec2Exception.InvalidParameterValue($"Value ({group}) for parameter Group is invalid. Only 'all' is a launch permission group.");
        var description = p["Description.Value"] ?? (p["Attribute"] == "description" ? p["Value"] : null);
        if (description is null && addUsers.Count + removeUsers.Count + addGroups.Count + removeGroups.Count == 0)
            throw Ec2Exception.MissingParameter("LaunchPermission");
        request.CheckDryRun();
        await images.ModifyAsync(request.AccountId, imageId,
            new ImageAttributeChange(description, addUsers, removeUsers, addGroups.Count > 0, removeGroups.Count > 0), ct);
        return [E("return", "true")];
    }
}
