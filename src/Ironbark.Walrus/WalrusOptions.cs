using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus;

/// <summary>What an operator sets for Walrus (see docs/configuration.md).</summary>
public sealed class WalrusOptions
{
    /// <summary>Where objects (blobs/, tmp/) and the SQLite database live.</summary>
    public required string DataDir { get; init; }

    /// <summary>The address to listen on, e.g. http://127.0.0.1:8779 (port 0 picks a free one).</summary>
    public string Url { get; init; } = "http://127.0.0.1:8779";

    /// <summary>The domain for virtual-hosted-style addressing: bucket.&lt;Domain&gt;.</summary>
    public string Domain { get; init; } = "s3.ironbark.localhost";

    /// <summary>The region buckets are created in when the request names none.</summary>
    public string Region { get; init; } = "ironbark";

    /// <summary>Which credential scopes and SigV2 expiries signed requests may have (docs/configuration.md).</summary>
    public RequestSigningOptions Signing { get; init; } = new();

    /// <summary>PostgreSQL connection string for Walrus metadata; empty for SQLite in the data directory.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The largest single PUT, as on AWS (5 GiB).</summary>
    public long MaxPutBytes { get; init; } = 5L * 1024 * 1024 * 1024;

    /// <summary>
    /// Objects up to this size (declared by Content-Length) keep their bytes in their metadata row, written in the
    /// same transaction, instead of a blob file of their own; 0 stores every object as a blob (docs/walrus.md).
    /// </summary>
    public int InlineMaxBytes { get; init; } = DefaultInlineMaxBytes;

    public const int DefaultInlineMaxBytes = 32 * 1024;

    /// <summary>The largest <see cref="InlineMaxBytes"/>: a small object is read into memory whole.</summary>
    public const int InlineMaxBytesLimit = 1024 * 1024;

    /// <summary>How often lifecycle rules are applied.</summary>
    public TimeSpan LifecycleInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The length of a lifecycle "day" (shortened only by tests, to see expiry happen).</summary>
    public TimeSpan LifecycleDay { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a stop waits for requests in flight (an upload still arriving) before closing their connections;
    /// those clients see the connection drop and nothing of their request is stored.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a body Walrus parses in memory (an XML or JSON configuration, the form fields before a browser POST's
    /// file) may take to arrive; a slower one is cut off with RequestTimeout, so a trickle cannot hold a request open.
    /// </summary>
    public TimeSpan InMemoryBodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The smallest part other than the last of a multipart upload, as on AWS (5 MiB).</summary>
    public long MinPartBytes { get; init; } = 5L * 1024 * 1024;

    /// <summary>
    /// Whether requests carrying an SSE-C key must come over TLS, as on AWS (InvalidRequest otherwise). Null (the
    /// default): required unless <see cref="Url"/> listens on a loopback address (docs/s3-encryption.md).
    /// </summary>
    public bool? SseCustomerKeyRequiresTls { get; init; }

    /// <summary>Where the object store keeps its files (blobs/, tmp/, lock).</summary>
    public string ObjectDir => Path.Combine(DataDir, "walrus");

    /// <summary>Refuses options Walrus cannot run with, before anything starts; the message names the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir))
            throw new ArgumentException("DataDir must name a directory.");
        // Kestrel also listens on "*" and "+" (any address), which Uri does not parse.
        if (!Uri.TryCreate(Url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Url '{Url}' is not an http(s) URL to listen on.");
        if (Uri.CheckHostName(Domain) != UriHostNameType.Dns)
            throw new ArgumentException($"Domain '{Domain}' is not a DNS name (virtual-hosted buckets are addressed as bucket.<Domain>).");
        if (string.IsNullOrWhiteSpace(Region) || Region.Any(c => c is '/' || char.IsWhiteSpace(c)))
            throw new ArgumentException($"Region '{Region}' is not a region name (non-empty, without '/' or spaces).");
        Signing.Validate();
        if (MaxPutBytes < 1)
            throw new ArgumentException($"MaxPutBytes must be more than 0, not {MaxPutBytes}.");
        if (InlineMaxBytes is < 0 or > InlineMaxBytesLimit)
            throw new ArgumentException($"InlineMaxBytes must be between 0 and {InlineMaxBytesLimit} (a small object is read into memory whole), not {InlineMaxBytes}.");
        if (MinPartBytes is < 0 or > MultipartService.MaxPartBytes)
            throw new ArgumentException($"MinPartBytes must be between 0 and {MultipartService.MaxPartBytes} (the largest part), not {MinPartBytes}.");
        Positive(LifecycleInterval, nameof(LifecycleInterval));
        Positive(LifecycleDay, nameof(LifecycleDay));
        Positive(InMemoryBodyTimeout, nameof(InMemoryBodyTimeout));
        if (ShutdownTimeout < TimeSpan.Zero)
            throw new ArgumentException($"ShutdownTimeout must not be negative, not {ShutdownTimeout}.");
    }

    private static void Positive(TimeSpan value, string option)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException($"{option} must be more than 0, not {value}.");
    }
}
