namespace Ironbark.Common.Hosting;

/// <summary>
/// Makes one process the owner of a component's state directory: an exclusive flock(2) on
/// DIR/lock, which the kernel drops when the process dies (kill -9 too). A second process would
/// otherwise take the first one's work in flight for crash leftovers.
/// </summary>
public static class DirectoryLock
{
    public static FileStream Acquire(string directory, string component)
    {
        Directory.CreateDirectory(directory);
        try
        {
            // FileShare.None is an exclusive flock on Linux.
            return new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DirectoryInUseException(Path.GetFullPath(directory), component, e);
        }
    }
}

/// <summary>Another process already owns a component's state directory.</summary>
public sealed class DirectoryInUseException(string directory, string component, Exception inner)
    : Exception($"{directory} is in use by another {component} process ({inner.Message}).", inner)
{
    public string Directory { get; } = directory;
}
