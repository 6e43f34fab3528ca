using System.Data;
using System.Text.Json;
using Dapper;
using Ironbark.Clc.Domain;

namespace Ironbark.Clc.Store;

/// <summary>
/// The instances.launch column: an <see cref="InstanceLaunch"/> as a JSON document of the CLC's own. Its names are
/// spelled out here, not derived from the record, so renaming a property cannot orphan stored rows; migration 5
/// (<see cref="LaunchRecordMigration"/>) writes the same names. A field it found empty in an old row reads as empty.
/// </summary>
internal sealed class InstanceLaunchColumn : SqlMapper.TypeHandler<InstanceLaunch>
{
    public override void SetValue(IDbDataParameter parameter, InstanceLaunch? value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value is null ? DBNull.Value : Format(value);
    }

    public override InstanceLaunch? Parse(object value) => Read((string)value);

    public static string Format(InstanceLaunch launch)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("vcpus", launch.VCpus);
            w.WriteNumber("memoryMiB", launch.MemoryMiB);
            WriteImage(w, "machineImage", launch.Machine);
            WriteImage(w, "kernelImage", launch.Kernel);
            WriteImage(w, "ramdiskImage", launch.Ramdisk);
            w.WriteString("publicKey", launch.PublicKey);
            w.WriteBase64String("userData", launch.UserData);
            w.WriteStartArray("groupNames");
            foreach (var name in launch.GroupNames)
                w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static InstanceLaunch Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new InstanceLaunch((int)Number(root, "vcpus"), (int)Number(root, "memoryMiB"),
            Image(root, "machineImage") ?? throw new InvalidDataException("A stored launch record names no machine image."),
            Image(root, "kernelImage") ?? throw new InvalidDataException("A stored launch record names no kernel image."),
            Image(root, "ramdiskImage"), NonEmpty(root, "publicKey"),
            Field(root, "userData") is { ValueKind: JsonValueKind.String } userData ? userData.GetBytesFromBase64() : [],
            Field(root, "groupNames") is { ValueKind: JsonValueKind.Array } names ? names.EnumerateArray().Select(n => n.GetString() ?? "").ToList() : []);
    }

    private static void WriteImage(Utf8JsonWriter w, string name, LaunchImage? image)
    {
        if (image is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("imageId", image.ImageId);
        w.WriteString("objectBucket", image.ObjectBucket);
        w.WriteString("objectKey", image.ObjectKey);
        w.WriteString("sha256", image.Sha256);
        w.WriteNumber("sizeBytes", image.SizeBytes);
        w.WriteEndObject();
    }

    private static LaunchImage? Image(JsonElement parent, string name) => Field(parent, name) is { ValueKind: JsonValueKind.Object } image
        ? new LaunchImage(NonEmpty(image, "imageId") ?? "", NonEmpty(image, "objectBucket") ?? "", NonEmpty(image, "objectKey") ?? "",
            NonEmpty(image, "sha256") ?? "", Number(image, "sizeBytes"))
        : null;

    private static JsonElement? Field(JsonElement parent, string name) => parent.TryGetProperty(name, out var value) ? value : null;

    private static string? NonEmpty(JsonElement parent, string name) =>
        Field(parent, name) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 } text ? text : null;

    private static long Number(JsonElement parent, string name) =>
        Field(parent, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : 0;
}
