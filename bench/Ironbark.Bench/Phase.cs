namespace Ironbark.Bench;

/// <summary>The measured phases, in the order they run and appear in the report.</summary>
public enum Phase
{
    LargePut,
    LargeGet,
    SmallPut,
    SmallGet,
    List,
    HugePut,
    /// <summary>SSE-S3 against unencrypted 64 MiB PUT and GET on Walrus, side by side (<see cref="SseComparison"/>).</summary>
    Sse,
}
