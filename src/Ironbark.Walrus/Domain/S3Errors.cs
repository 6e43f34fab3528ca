namespace Ironbark.Walrus.Domain;

/// <summary>The S3 errors Walrus raises, with the codes and statuses AWS uses.</summary>
public static class S3Errors
{
    public static WalrusException NoSuchBucket(string bucket) =>
        new WalrusException("NoSuchBucket", 404, "The specified bucket does not exist").With("BucketName", bucket);
    public static WalrusException NoSuchKey(string key) =>
        new WalrusException("NoSuchKey", 404, "The specified key does not exist.").With("Key", key);
    public static WalrusException NoSuchVersion(string key, string version) =>
        new WalrusException("NoSuchVersion", 404, "The specified version does not exist.").With("Key", key).With("VersionId", version);
    public static WalrusException NoSuchUpload(string uploadId) =>
        new WalrusException("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").With("UploadId", uploadId);
    public static WalrusException BucketAlreadyExists(string bucket) =>
        new WalrusException("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").With("BucketName", bucket);
    public static WalrusException BucketAlreadyOwnedByYou(string bucket) =>
        new WalrusException("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.").With("BucketName", bucket);
    public static WalrusException BucketNotEmpty(string bucket) =>
        new WalrusException("BucketNotEmpty", 409, "The bucket you tried to delete is not empty").With("BucketName", bucket);
    public static WalrusException InvalidBucketName(string bucket, string why) =>
        new WalrusException("InvalidBucketName", 400, $"The specified bucket is not valid: {why}").With("BucketName", bucket);
    public static WalrusException AccessDenied() => new("AccessDenied", 403, "Access Denied");
    public static WalrusException MalformedXml() =>
        new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema");
    public static WalrusException InvalidArgument(string message, string? name = null, string? value = null) =>
        new WalrusException("InvalidArgument", 400, message).With("ArgumentName", name).With("ArgumentValue", value);
    public static WalrusException InvalidRequest(string message) => new("InvalidRequest", 400, message);
    public static WalrusException InvalidDigest() => new("InvalidDigest", 400, "The Content-MD5 you specified was invalid.");
    public static WalrusException BadDigest() => new("BadDigest", 400, "The Content-MD5 you specified did not match what we received.");
    public static WalrusException InvalidRange(long size) =>
        new WalrusException("InvalidRange", 416, "The requested range is not satisfiable").With("ActualObjectSize", size.ToString());
    public static WalrusException PreconditionFailed(string condition) =>
        new WalrusException("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold").With("Condition", condition);
    /// <summary>A conditional write (If-None-Match: * / If-Match) that did not hold, as AWS answers it.</summary>
    public static WalrusException WriteConditionFailed(Store.WriteCondition.Failure failure, string key) => failure switch
    {
        Store.WriteCondition.Failure.Exists => PreconditionFailed("If-None-Match"),
        Store.WriteCondition.Failure.Missing => NoSuchKey(key),
        _ => PreconditionFailed("If-Match"),
    };
    public static WalrusException EntityTooSmall() =>
        new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");
    public static WalrusException EntityTooLarge(long max) =>
        new WalrusException("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.").With("MaxSizeAllowed", max.ToString());
    public static WalrusException InvalidPart(int part) =>
        new WalrusException("InvalidPart", 400, "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.").With("PartNumber", part.ToString());
    public static WalrusException InvalidPartOrder() =>
        new("InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts list must be specified in order of the part number.");
    public static WalrusException MethodNotAllowed(string method) =>
        new WalrusException("MethodNotAllowed", 405, "The specified method is not allowed against this resource.").With("Method", method);
    public static WalrusException NotImplemented(string what) =>
        new("NotImplemented", 501, $"A header or query you provided implies functionality that is not implemented: {what}");
    /// <summary>An S3 operation AWS defines and Walrus does not serve; the message is S3's own for NotImplemented.</summary>
    public static WalrusException OperationNotImplemented(string operation) =>
        new WalrusException("NotImplemented", 501, "A header you provided implies functionality that is not implemented").With("Operation", operation);
    public static WalrusException MaxPostPreDataLengthExceeded(int max) =>
        new WalrusException("MaxPostPreDataLengthExceeded", 400, "Your POST request fields preceding the upload file were too large.")
            .With("MaxPostPreDataLengthBytes", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static WalrusException MaxMessageLengthExceeded(int max) =>
        new WalrusException("MaxMessageLengthExceeded", 400, "Your request was too big.")
            .With("MaxMessageLengthBytes", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public static WalrusException MalformedPostRequest() =>
        new("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.");
    /// <summary>A bucket policy past AWS's 20 KB: S3 refuses it as a malformed policy.</summary>
    public static WalrusException PolicyTooLarge(int max) => new("MalformedPolicy", 400, $"Policies must be no larger than {max} bytes.");
    public static WalrusException RequestTimeout() =>
        new("RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period.");
    public static WalrusException MissingContentLength() =>
        new("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
    public static WalrusException IncompleteBody() =>
        new("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    public static WalrusException KeyTooLong() =>
        new("KeyTooLongError", 400, "Your key is too long");
    public static WalrusException MetadataTooLarge() =>
        new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.");
    public static WalrusException NoSuchConfiguration(string code, string message) => new(code, 404, message);
}
