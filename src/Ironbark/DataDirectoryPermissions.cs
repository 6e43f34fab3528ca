using System.Runtime.InteropServices;

namespace Ironbark;

/// <summary>
/// The data directory holds every tenant's bytes and every secret of the cloud, so it is the cloud
/// user's alone: 0700 directories, 0600 files. The process umask makes whatever it (SQLite, QEMU,
/// the blob store) creates private, whatever umask it was started with; a tree someone opened up
/// is refused at start, as ssh refuses a key others can read.
/// </summary>
public static partial class DataDirectoryPermissions
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Files are read at most this deep (DATA/walrus/walrus.db is depth 2); below lie the blobs, whose directories are still checked.</summary>
    private const int FileDepth = 2;

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);

    /// <summary>Everything this process creates from now on is readable by its user only.</summary>
    public static void RestrictProcess()
    {
        if (OperatingSystem.IsLinux())
            SetUmask(0b000_111_111);
    }

    /// <summary>Creates the data directory 0700 if it does not exist (an empty one made by someone else is tightened).</summary>
    public static void Create(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            Directory.CreateDirectory(dataDir, DirectoryMode);
        else if (!Directory.EnumerateFileSystemEntries(dataDir).Any())
            File.SetUnixFileMode(dataDir, DirectoryMode);
    }

    /// <summary>Refuses a data directory that group or others can reach, naming the first such path.</summary>
    public static void Check(string dataDir)
    {
        if (!Directory.Exists(dataDir))
            return;
        if (FindExposed(dataDir) is { } exposed)
            throw new DataDirectoryExposedException(dataDir, exposed.Path, exposed.Mode);
    }

    private static (string Path, UnixFileMode Mode)? FindExposed(string dataDir)
    {
        var pending = new Stack<(string Dir, int Depth)>();
        pending.Push((dataDir, 0));
        while (pending.TryPop(out var entry))
        {
            var mode = File.GetUnixFileMode(entry.Dir);
            if ((mode & GroupOrOther) != 0)
                return (entry.Dir, mode);
            if (entry.Depth < FileDepth)
                foreach (var file in Directory.EnumerateFiles(entry.Dir))
                    if ((File.GetUnixFileMode(file) & GroupOrOther) is not 0 && !IsSymbolicLink(file))
                        return (file, File.GetUnixFileMode(file));
            foreach (var dir in Directory.EnumerateDirectories(entry.Dir))
                if (!IsSymbolicLink(dir))
                    pending.Push((dir, entry.Depth + 1));
        }
        return null;
    }

    private static bool IsSymbolicLink(string path) => new FileInfo(path).LinkTarget is not null;
}
