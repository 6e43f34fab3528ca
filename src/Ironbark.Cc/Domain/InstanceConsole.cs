namespace Ironbark.Cc.Domain;

/// <summary>The last bytes of an instance's serial console, as its node read them.</summary>
public sealed record InstanceConsole(string InstanceId, byte[] Output, long TimestampMs);
