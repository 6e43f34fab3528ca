using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Ironbark.Walrus.Api;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// A bucket's default encryption (PutBucketEncryption): the algorithm (AES256 or aws:kms), the KMS key and the
/// bucket-key flag, applied to every write that does not name its own encryption. AWS takes one rule; so does Walrus.
/// </summary>
public sealed record BucketEncryption(string Algorithm, string? KmsKeyId, bool BucketKeyEnabled)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BucketEncryption? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<BucketEncryption>(json, Json);

    /// <summary>The configuration as a write's request would have said it.</summary>
    public SseRequest AsRequest() => new(Algorithm, KmsKeyId, null, BucketKeyEnabled, null);

    public static BucketEncryption FromXml(XElement root)
    {
        if (root.Name.LocalName != "ServerSideEncryptionConfiguration")
            throw S3Errors.MalformedXml();
        var rules = root.Children("Rule").ToList();
        if (rules.Count != 1)
            throw S3Errors.MalformedXml();
        var rule = rules[0];
        var defaults = rule.Elements().Where(e => e.Name.LocalName == "ApplyServerSideEncryptionByDefault").ToList();
        if (defaults.Count != 1)
            throw S3Errors.MalformedXml();
        var algorithm = defaults[0].Child("SSEAlgorithm");
        var keyId = defaults[0].Child("KMSMasterKeyID");
        var bucketKey = rule.Child("BucketKeyEnabled") switch
        {
            null => false,
            "true" => true,
            "false" => false,
            _ => throw S3Errors.MalformedXml(),
        };
        // SSEAlgorithm is an enumeration in S3's schema: anything else does not validate.
        if (algorithm is not (ObjectEncryption.SseS3 or ObjectEncryption.SseKms))
            throw S3Errors.MalformedXml();
        if (keyId is not null && algorithm != ObjectEncryption.SseKms)
            throw S3Errors.InvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                "ApplyServerSideEncryptionByDefault", null);
        if (keyId is { Length: 0 })
            throw S3Errors.InvalidArgument("KMSMasterKeyID must not be empty", "KMSMasterKeyID", keyId);
        return new BucketEncryption(algorithm, keyId, bucketKey);
    }

    public void WriteXml(XmlWriter w)
    {
        w.WriteStartElement("Rule", S3Xml.Namespace);
        w.WriteStartElement("ApplyServerSideEncryptionByDefault", S3Xml.Namespace);
        w.Element("SSEAlgorithm", Algorithm);
        w.Element("KMSMasterKeyID", KmsKeyId);
        w.WriteEndElement();
        w.Element("BucketKeyEnabled", BucketKeyEnabled ? "true" : "false");
        w.WriteEndElement();
    }
}
