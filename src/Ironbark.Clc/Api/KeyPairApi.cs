using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair.</summary>
public sealed class KeyPairApi(KeyPairService keyPairs) : IEc2Actions
{
    private const string ResourceType = "key-pair";

    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("CreateKeyPair", CreateAsync),
        new("ImportKeyPair", ImportAsync),
        new("DescribeKeyPairs", DescribeAsync),
        new("DeleteKeyPair", DeleteAsync),
    ];

    private async Task<IEnumerable<object?>> CreateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var name = p.Required("KeyName");
        var type = p["KeyType"] ?? "rsa";
        if (type is not ("rsa" or "ed25519"))
            throw Ec2Exception.InvalidParameterValue($"Value ({type}) for parameter KeyType is invalid. Expected 'rsa' or 'ed25519'.");
        if (p["KeyFormat"] is { } format && format != "pem")
            throw Ec2Exception.InvalidParameterValue($"Value ({format}) for parameter KeyFormat is invalid. Only 'pem' is supported.");
        var tags = p.TagsFor(ResourceType);
        request.CheckDryRun();
        var (keyPair, privateKey) = await keyPairs.CreateAsync(request.AccountId, name, type, tags, ct);
        return [E("keyName", keyPair.KeyName), E("keyFingerprint", keyPair.Fingerprint), E("keyMaterial", privateKey),
            E("keyPairId", keyPair.KeyPairId), TagSet(keyPair.Tags)];
    }

    private async Task<IEnumerable<object?>> ImportAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var name = p.Required("KeyName");
        var material = p.Required("PublicKeyMaterial");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(material);
        }
        catch (FormatException)
        {
            throw new Ec2Exception("InvalidParameterValue", "Value for parameter PublicKeyMaterial is invalid. Expected base64-encoded key material.");
        }
        var tags = p.TagsFor(ResourceType);
        request.CheckDryRun();
        var keyPair = await keyPairs.ImportAsync(request.AccountId, name, bytes, tags, ct);
        return [E("keyName", keyPair.KeyName), E("keyFingerprint", keyPair.Fingerprint), E("keyPairId", keyPair.KeyPairId), TagSet(keyPair.Tags)];
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var includePublicKey = p.Bool("IncludePublicKey");
        var filters = p.Filters();
        request.CheckDryRun();
        var found = await keyPairs.DescribeAsync(request.AccountId, p.List("KeyName"), p.List("KeyPairId"), filters, ct);
        return [Items("keySet", found, k => [
            E("keyPairId", k.KeyPairId), E("keyType", k.KeyType), TagSet(k.Tags), E("keyName", k.KeyName),
            E("keyFingerprint", k.Fingerprint), includePublicKey ? E("publicKey", k.PublicKey) : null, E("createTime", Time(k.CreatedMs)),
        ])];
    }

    private async Task<IEnumerable<object?>> DeleteAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var name = p["KeyName"];
        var id = p["KeyPairId"];
        if (name is null && id is null)
            throw Ec2Exception.MissingParameter("KeyName");
        request.CheckDryRun();
        var deleted = await keyPairs.DeleteAsync(request.AccountId, name, id, ct);
        return [E("return", "true"), Optional("keyPairId", deleted)];
    }
}
