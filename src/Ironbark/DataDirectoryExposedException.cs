namespace Ironbark;

/// <summary>The data directory, or something in it, is open to other users.</summary>
public sealed class DataDirectoryExposedException(string dataDir, string path, UnixFileMode mode) : Exception(
    $"{path} is mode {Octal(mode)}: a cloud's data directory must be readable by its own user only (0700 directories, 0600 files). " +
    $"Fix it with `chmod -R go-rwx {dataDir}`, then start again.")
{
    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
