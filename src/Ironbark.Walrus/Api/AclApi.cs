using System.Xml;
using System.Xml.Linq;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Get/Put ACL on buckets and objects, and the ACL headers (x-amz-acl, x-amz-grant-*) of writes.</summary>
public sealed class AclApi(BucketService buckets, ObjectService objects, WalrusStore store, ICredentialSource credentials, DisplayNames displayNames)
{
    private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly (string Header, string Permission)[] GrantHeaders =
    [
        ("x-amz-grant-read", "READ"), ("x-amz-grant-write", "WRITE"), ("x-amz-grant-read-acp", "READ_ACP"),
        ("x-amz-grant-write-acp", "WRITE_ACP"), ("x-amz-grant-full-control", "FULL_CONTROL"),
    ];

    /// <summary>The ACL a write asks for in its headers; null when it names none (the default then applies).</summary>
    public async Task<AccessControlList?> AclFromHeadersAsync(S3Request r, string owner, string? bucketOwner)
    {
        var canned = r.Header("x-amz-acl");
        var grants = new List<Grant>();
        foreach (var (header, permission) in GrantHeaders)
        {
            if (r.Header(header) is not { } value)
                continue;
            foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = item.IndexOf('=');
                if (eq < 0)
                    throw S3Errors.InvalidArgument("Invalid grant header", header, value);
                var kind = item[..eq].Trim().ToLowerInvariant();
                var who = item[(eq + 1)..].Trim().Trim('"');
                grants.Add(kind switch
                {
                    "id" => new Grant(Grant.CanonicalUser, await KnownCanonicalAsync(who, r.Aborted), permission),
                    "uri" => new Grant(Grant.Group, KnownGroup(who), permission),
                    _ => throw S3Errors.InvalidArgument($"Grantee type '{kind}' is not supported; use id or uri.", header, value),
                });
            }
        }
        if (canned is not null && grants.Count > 0)
            throw S3Errors.InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed");
        if (canned is not null)
            return AccessControlList.Canned(canned, owner, bucketOwner);
        return grants.Count > 0 ? new AccessControlList(owner, grants) : null;
    }

    public async Task GetBucketAclAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.GetBucketAcl, r.Aborted);
        await WriteAclAsync(r, ObjectOwnership.Shown(bucket, AccessControlList.FromJson(bucket.Acl)));
    }

    public async Task PutBucketAclAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.PutBucketAcl, r.Aborted);
        var acl = await ReadAclAsync(r, bucket.OwnerCanonical, null);
        ObjectOwnership.CheckAcl(bucket, acl);
        PublicAcl.RefuseIfBlocked(bucket, acl);
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Acl, acl.ToJson(), r.Aborted);
        r.Response.StatusCode = 200;
    }

    public async Task GetObjectAclAsync(S3Request r)
    {
        var (bucket, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), S3Action.GetObjectAcl, r.Aborted);
        await WriteAclAsync(r, ObjectOwnership.Shown(bucket, AccessControlList.FromJson(row.Acl)));
    }

    public async Task PutObjectAclAsync(S3Request r)
    {
        var (bucket, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), S3Action.PutObjectAcl, r.Aborted);
        var acl = await ReadAclAsync(r, row.OwnerCanonical, bucket.OwnerCanonical);
        ObjectOwnership.CheckAcl(bucket, acl);
        PublicAcl.RefuseIfBlocked(bucket, acl);
        await store.SetObjectFieldAsync(row.Bucket, row.Key, row.VersionId, ObjectField.Acl, acl.ToJson(), r.Aborted);
        r.Response.StatusCode = 200;
    }

    private async Task<AccessControlList> ReadAclAsync(S3Request r, string owner, string? bucketOwner)
    {
        var fromHeaders = await AclFromHeadersAsync(r, owner, bucketOwner);
        var body = await r.ReadSmallBodyAsync(S3BodyLimits.Configuration);
        if (body.Length == 0)
            return fromHeaders ?? throw new WalrusException("MissingSecurityHeader", 400, "Your request was missing a required header").With("MissingHeaderName", "x-amz-acl");
        if (fromHeaders is not null)
            throw S3Errors.InvalidRequest("Specifying both an ACL in the body and ACL headers is not allowed");
        var xml = S3Xml.Parse(body);
        if (xml.Name.LocalName != "AccessControlPolicy")
            throw S3Errors.MalformedXml();
        var ownerId = xml.Children("Owner").FirstOrDefault()?.Child("ID");
        if (ownerId is not null && ownerId != owner)
            throw S3Errors.AccessDenied();
        var grants = new List<Grant>();
        foreach (var g in xml.Children("AccessControlList").SelectMany(l => l.Children("Grant")))
        {
            var grantee = g.Children("Grantee").FirstOrDefault() ?? throw S3Errors.MalformedXml();
            var permission = g.Child("Permission");
            if (permission is null || !Grant.Permissions.Contains(permission))
                throw S3Errors.MalformedXml();
            var type = grantee.Attribute(XName.Get("type", Xsi))?.Value;
            if (type == Grant.CanonicalUser || (type is null && grantee.Child("ID") is not null))
                grants.Add(new Grant(Grant.CanonicalUser, await KnownCanonicalAsync(grantee.Child("ID") ?? throw S3Errors.MalformedXml(), r.Aborted), permission));
            else if (type == Grant.Group || (type is null && grantee.Child("URI") is not null))
                grants.Add(new Grant(Grant.Group, KnownGroup(grantee.Child("URI") ?? throw S3Errors.MalformedXml()), permission));
            else if (type == "AmazonCustomerByEmail")
                throw new WalrusException("NotImplemented", 501, "Grants by e-mail address are not supported by this cloud; grant by canonical user id.");
            else
                throw S3Errors.MalformedXml();
        }
        return new AccessControlList(owner, grants);
    }

    private async Task WriteAclAsync(S3Request r, AccessControlList acl)
    {
        var names = await displayNames.ResolveAsync(acl.Grants.Where(g => g.GranteeType == Grant.CanonicalUser).Select(g => g.Grantee).Prepend(acl.Owner), r.Aborted);
        // As S3 writes it: the default namespace is the root's only attribute (s3cmd strips it only when it
        // is the first), and each Grantee declares xmlns:xsi before its xsi:type.
        await S3Xml.WriteAsync(r.Response, "AccessControlPolicy", w =>
        {
            names.Write(w, "Owner", acl.Owner);
            w.WriteStartElement("AccessControlList", S3Xml.Namespace);
            foreach (var g in acl.Grants)
            {
                w.WriteStartElement("Grant", S3Xml.Namespace);
                w.WriteStartElement("Grantee", S3Xml.Namespace);
                w.WriteAttributeString("xmlns", "xsi", null, Xsi);
                w.WriteAttributeString("xsi", "type", Xsi, g.GranteeType);
                if (g.GranteeType == Grant.CanonicalUser)
                {
                    w.Element("ID", g.Grantee);
                    w.Element("DisplayName", names.Of(g.Grantee));
                }
                else
                    w.Element("URI", g.Grantee);
                w.WriteEndElement();
                w.Element("Permission", g.Permission);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }

    private async Task<string> KnownCanonicalAsync(string id, CancellationToken ct) =>
        await credentials.FindAccountByCanonicalIdAsync(id, ct) is not null ? id : throw S3Errors.InvalidArgument("Invalid id", "CanonicalUser/ID", id);

    private static string KnownGroup(string uri) =>
        uri is Grant.AllUsers or Grant.AuthenticatedUsers or Grant.LogDelivery ? uri : throw S3Errors.InvalidArgument("Invalid group uri", "Group/URI", uri);
}
