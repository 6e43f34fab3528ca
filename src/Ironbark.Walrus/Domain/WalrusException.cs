namespace Ironbark.Walrus.Domain;

/// <summary>
/// A refused S3 operation: the S3 error code, its HTTP status and a message. The API edge writes it
/// as the S3 XML error body; nothing else turns exceptions into responses.
/// </summary>
public sealed class WalrusException(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;

    /// <summary>Extra elements of the error body (BucketName, Key, ArgumentName…).</summary>
    public Dictionary<string, string> Details { get; } = new();

    public WalrusException With(string name, string? value)
    {
        if (value is not null)
            Details[name] = value;
        return this;
    }
}
