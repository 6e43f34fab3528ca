using System.Collections.Frozen;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The query names S3 gives meaning to, from the S3 API reference (botocore's service model): the
/// sub-resources that choose an operation, the parameters an operation reads, and which of them SigV2 signs.
/// </summary>
public static class S3Subresources
{
    /// <summary>Names that select the operation (GET ?acl is GetBucketAcl, not ListObjects). At most one per request.</summary>
    public static readonly FrozenSet<string> Selectors = new[]
    {
        "abac", "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "location", "logging", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
        "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock",
        "renameObject", "replication", "requestPayment", "restore", "retention", "select", "session", "tagging", "torrent", "uploadId",
        "uploads", "versioning", "versions", "website",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Parameters that change what an operation acts on or answers (which version, which part, which listing).</summary>
    public static readonly FrozenSet<string> Parameters = new[]
    {
        "versionId", "partNumber", "list-type", "select-type", "storageClass",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The sub-resources SigV2 puts in the CanonicalizedResource: AWS's list as botocore's HmacV1Auth signs it. Every selector
    /// of an operation Walrus performs is in it (a test keeps it so), so a SigV2 signature always covers the operation.
    /// legal-hold, retention and ownershipControls are not in botocore's list: Walrus signs them all the same, so a SigV2
    /// signature of a plain GET or PUT can never be replayed as one of them (such a client gets SignatureDoesNotMatch).
    /// </summary>
    public static readonly FrozenSet<string> SignedByV2 = new[]
    {
        "accelerate", "acl", "analytics", "cors", "delete", "encryption", "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification",
        "object-lock", "ownershipControls", "partNumber", "policy", "retention", "replication", "requestPayment", "restore", "select", "select-type", "storageClass", "tagging",
        "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
        // Not in botocore's list (S3 serves GetObjectAttributes only to SigV4): signed here so that a SigV2 signature of
        // another GET can never be replayed as it; a SigV2 client that leaves it out gets SignatureDoesNotMatch.
        "attributes",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Selectors and parameters, matched ignoring case: a name found here but not in its exact spelling is refused.</summary>
    private static readonly FrozenSet<string> KnownIgnoringCase =
        Selectors.Concat(Parameters).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsKnown(string name) => Selectors.Contains(name) || Parameters.Contains(name);

    /// <summary>A name that differs only in case from a sub-resource ("POLICY", "VersionId"): SigV2 does not sign it.</summary>
    public static bool IsMisspelled(string name) => !IsKnown(name) && KnownIgnoringCase.Contains(name);
}
