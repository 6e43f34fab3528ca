namespace Ironbark.Walrus.Store;

/// <summary>A conditional write found the key's current object not as required; nothing was written.</summary>
public sealed class WriteConditionFailedException(WriteCondition.Failure failure) : Exception($"Write condition failed: {failure}")
{
    public WriteCondition.Failure Failure { get; } = failure;
}
