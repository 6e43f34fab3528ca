using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Resolves x-amz-copy-source (bucket/key[?versionId=]) and its conditions to a readable source version.</summary>
public static class CopySource
{
    public static async Task<ObjectRow> ResolveAsync(S3Request r, ObjectService objects)
    {
        var header = r.Header("x-amz-copy-source")!;
        var query = header.IndexOf('?');
        string? versionId = null;
        if (query >= 0)
        {
            foreach (var (name, value) in Ironbark.Common.Auth.SigV4.ParseQuery(header[(query + 1)..]))
                if (name == "versionId")
                    versionId = value;
            header = header[..query];
        }
        var path = Uri.UnescapeDataString(header).TrimStart('/');
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
            throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        var (_, source) = await objects.FindAsync(r.Caller, path[..slash], path[(slash + 1)..], versionId,
            versionId is null ? S3Action.GetObject : S3Action.GetObjectVersion, r.Aborted);
        var outcome = Preconditions.Evaluate(source.Etag, source.LastModified,
            r.Header("x-amz-copy-source-if-match"), r.Header("x-amz-copy-source-if-none-match"),
            ObjectApi.HttpDate(r.Header("x-amz-copy-source-if-modified-since")), ObjectApi.HttpDate(r.Header("x-amz-copy-source-if-unmodified-since")));
        if (outcome != Preconditions.Outcome.Proceed)
            throw S3Errors.PreconditionFailed("x-amz-copy-source-if-*");
        return source;
    }
}
