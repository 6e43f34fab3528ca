using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>An S3 access control list: the owner and the grants, stored as JSON.</summary>
public sealed record AccessControlList(string Owner, IReadOnlyList<Grant> Grants)
{
    public static readonly string[] CannedNames =
        ["private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-read", "bucket-owner-full-control", "aws-exec-read", "log-delivery-write"];

    /// <summary>The ACL a canned name stands for, as AWS defines each.</summary>
    public static AccessControlList Canned(string name, string owner, string? bucketOwner = null)
    {
        var grants = new List<Grant> { new(Grant.CanonicalUser, owner, "FULL_CONTROL") };
        switch (name)
        {
            case "private":
            case "aws-exec-read":
                break;
            case "public-read":
                grants.Add(new(Grant.Group, Grant.AllUsers, "READ"));
                break;
            case "public-read-write":
                grants.Add(new(Grant.Group, Grant.AllUsers, "READ"));
                grants.Add(new(Grant.Group, Grant.AllUsers, "WRITE"));
                break;
            case "authenticated-read":
                grants.Add(new(Grant.Group, Grant.AuthenticatedUsers, "READ"));
                break;
            case "bucket-owner-read":
                if (bucketOwner is not null && bucketOwner != owner)
                    grants.Add(new(Grant.CanonicalUser, bucketOwner, "READ"));
                break;
            case "bucket-owner-full-control":
                if (bucketOwner is not null && bucketOwner != owner)
                    grants.Add(new(Grant.CanonicalUser, bucketOwner, "FULL_CONTROL"));
                break;
            case "log-delivery-write":
                grants.Add(new(Grant.Group, Grant.LogDelivery, "WRITE"));
                grants.Add(new(Grant.Group, Grant.LogDelivery, "READ_ACP"));
                break;
            default:
                throw S3Errors.InvalidArgument($"The canned ACL '{name}' is not valid.", "x-amz-acl", name);
        }
        return new AccessControlList(owner, grants);
    }

    /// <summary>Whether the grants give <paramref name="permission"/> to a caller (null canonical id = anonymous).</summary>
    public bool Allows(string? callerCanonical, string permission) =>
        Grants.Any(g => (g.Permission == permission || g.Permission == "FULL_CONTROL") && Matches(g, callerCanonical));

    private static bool Matches(Grant grant, string? caller) => grant.GranteeType switch
    {
        Grant.CanonicalUser => caller is not null && grant.Grantee == caller,
        Grant.Group when grant.Grantee == Grant.AllUsers => true,
        Grant.Group when grant.Grantee == Grant.AuthenticatedUsers => caller is not null,
        _ => false,
    };

    public string ToJson() => JsonSerializer.Serialize(this);

    public static AccessControlList FromJson(string json) =>
        JsonSerializer.Deserialize<AccessControlList>(json) ?? throw new InvalidDataException("Stored ACL is empty.");
}
