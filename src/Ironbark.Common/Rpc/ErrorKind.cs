namespace Ironbark.Common.Rpc;

/// <summary>What kind of refusal a component's domain error is; <see cref="ErrorCodec"/> carries each as one gRPC status.</summary>
public enum ErrorKind
{
    /// <summary>The resource (an instance) is not known: NOT_FOUND.</summary>
    NotFound,

    /// <summary>The request is malformed or conflicts with what exists: INVALID_ARGUMENT.</summary>
    Invalid,

    /// <summary>No room for it (InsufficientInstanceCapacity): RESOURCE_EXHAUSTED.</summary>
    Capacity,

    /// <summary>Something it depends on does not answer now; try again later: UNAVAILABLE.</summary>
    Unavailable,

    /// <summary>Anything else that went wrong: INTERNAL.</summary>
    Failed,
}
