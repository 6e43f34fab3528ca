namespace Ironbark.Cc.Domain;

/// <summary>What kind of refusal a <see cref="CcException"/> is; the API maps each to one gRPC status.</summary>
public enum CcErrorKind
{
    NotFound,
    Invalid,
    Capacity,
    Unavailable,
    Failed,
}
