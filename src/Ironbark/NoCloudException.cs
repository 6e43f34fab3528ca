namespace Ironbark;

/// <summary>A command that works on an existing cloud was pointed at a data directory that holds none.</summary>
public sealed class NoCloudException(string dataDir)
    : Exception($"There is no cloud in {dataDir}; run `ironbark up` or `ironbark init` first.");
