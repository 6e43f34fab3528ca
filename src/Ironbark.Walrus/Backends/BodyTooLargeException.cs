namespace Ironbark.Walrus.Backends;

/// <summary>A body longer than the store accepts for this request.</summary>
public sealed class BodyTooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
