namespace Ironbark.Walrus.Domain;

/// <summary>One ACL grant: a canonical user (by id) or a group (by URI), and a permission.</summary>
public sealed record Grant(string GranteeType, string Grantee, string Permission)
{
    public const string CanonicalUser = "CanonicalUser";
    public const string Group = "Group";
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    public const string LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    public static readonly string[] Permissions = ["FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP"];
}
