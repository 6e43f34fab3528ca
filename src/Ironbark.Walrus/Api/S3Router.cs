using Ironbark.Walrus.Domain;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>Maps a request (method, bucket, key, sub-resource) to the operation that serves it.</summary>
public sealed class S3Router(BucketApi bucketApi, ObjectApi objectApi, ListApi listApi, MultipartApi multipartApi,
    AclApi aclApi, BucketConfigApi configApi, PostObjectApi postApi, CorsApi corsApi)
{
    public Task PreflightAsync(HttpContext http, S3Address address) => corsApi.PreflightAsync(http, address);

    public async Task DispatchAsync(S3Request r)
    {
        var method = r.Request.Method;
        if (!r.HasBucket)
        {
            await (method == HttpMethods.Get ? bucketApi.ListBucketsAsync(r) : throw S3Errors.MethodNotAllowed(method));
            return;
        }
        await corsApi.DecorateAsync(r);
        if (!r.HasKey)
            await BucketOperation(r, method);
        else
            await ObjectOperation(r, method);
    }

    private Task BucketOperation(S3Request r, string method) => method switch
    {
        "PUT" when r.Has("acl") => aclApi.PutBucketAclAsync(r),
        "PUT" when r.Has("versioning") => configApi.PutVersioningAsync(r),
        "PUT" when r.Has("cors") => configApi.PutCorsAsync(r),
        "PUT" when r.Has("policy") => configApi.PutPolicyAsync(r),
        "PUT" when r.Has("lifecycle") => configApi.PutLifecycleAsync(r),
        "PUT" when r.Has("tagging") => configApi.PutBucketTaggingAsync(r),
        "PUT" => bucketApi.CreateBucketAsync(r),
        "GET" when r.Has("acl") => aclApi.GetBucketAclAsync(r),
        "GET" when r.Has("location") => bucketApi.GetLocationAsync(r),
        "GET" when r.Has("versioning") => configApi.GetVersioningAsync(r),
        "GET" when r.Has("cors") => configApi.GetCorsAsync(r),
        "GET" when r.Has("policy") => configApi.GetPolicyAsync(r),
        "GET" when r.Has("lifecycle") => configApi.GetLifecycleAsync(r),
        "GET" when r.Has("tagging") => configApi.GetBucketTaggingAsync(r),
        "GET" when r.Has("versions") => listApi.ListVersionsAsync(r),
        "GET" when r.Has("uploads") => multipartApi.ListUploadsAsync(r),
        "GET" when r.Query("list-type") == "2" => listApi.ListV2Async(r),
        "GET" => listApi.ListV1Async(r),
        "HEAD" => bucketApi.HeadBucketAsync(r),
        "DELETE" when r.Has("cors") => configApi.DeleteCorsAsync(r),
        "DELETE" when r.Has("policy") => configApi.DeletePolicyAsync(r),
        "DELETE" when r.Has("lifecycle") => configApi.DeleteLifecycleAsync(r),
        "DELETE" when r.Has("tagging") => configApi.DeleteBucketTaggingAsync(r),
        "DELETE" => bucketApi.DeleteBucketAsync(r),
        "POST" when r.Has("delete") => objectApi.DeleteObjectsAsync(r),
        "POST" => postApi.PostObjectAsync(r),
        _ => throw S3Errors.MethodNotAllowed(method),
    };

    private Task ObjectOperation(S3Request r, string method) => method switch
    {
        "PUT" when r.Has("uploadId") && r.Header("x-amz-copy-source") is not null => multipartApi.UploadPartCopyAsync(r),
        "PUT" when r.Has("uploadId") => multipartApi.UploadPartAsync(r),
        "PUT" when r.Has("acl") => aclApi.PutObjectAclAsync(r),
        "PUT" when r.Has("tagging") => configApi.PutObjectTaggingAsync(r),
        "PUT" when r.Header("x-amz-copy-source") is not null => objectApi.CopyObjectAsync(r),
        "PUT" => objectApi.PutObjectAsync(r),
        "GET" when r.Has("uploadId") => multipartApi.ListPartsAsync(r),
        "GET" when r.Has("acl") => aclApi.GetObjectAclAsync(r),
        "GET" when r.Has("tagging") => configApi.GetObjectTaggingAsync(r),
        "GET" => objectApi.GetObjectAsync(r, head: false),
        "HEAD" => objectApi.GetObjectAsync(r, head: true),
        "DELETE" when r.Has("uploadId") => multipartApi.AbortAsync(r),
        "DELETE" when r.Has("tagging") => configApi.DeleteObjectTaggingAsync(r),
        "DELETE" => objectApi.DeleteObjectAsync(r),
        "POST" when r.Has("uploads") => multipartApi.CreateAsync(r),
        "POST" when r.Has("uploadId") => multipartApi.CompleteAsync(r),
        _ => throw S3Errors.MethodNotAllowed(method),
    };
}
