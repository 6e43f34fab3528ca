namespace Ironbark;

/// <summary>A command that works on an existing cloud was pointed at a data directory that holds none.</summary>
public sealed class NoCloudException : Exception
{
    public NoCloudException(string dataDir)
        : base($"There is no cloud in {dataDir}; run `ironbark up` or `ironbark init` first.")
    {
    }

    public NoCloudException(string dataDir, string why)
        : base($"There is no cloud in {dataDir}: {why}.")
    {
    }
}
