namespace Ironbark.Common.Auth;

/// <summary>
/// The outcome of authentication: the caller and the body to read. The body is already decoded
/// (aws-chunked) and checked (payload hash, chunk signatures) as it is read; a mismatch surfaces
/// as an <see cref="AuthException"/> before the last byte is handed over, so nothing is committed.
/// </summary>
public sealed record AuthenticatedRequest(Caller Caller, Stream Body, long? DecodedContentLength, bool BodyIsAwsChunked);
