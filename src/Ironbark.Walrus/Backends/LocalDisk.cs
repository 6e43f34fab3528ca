using Microsoft.Win32.SafeHandles;

namespace Ironbark.Walrus.Backends;

/// <summary>The local filesystem, as the object store uses it.</summary>
internal sealed class LocalDisk : IDisk
{
    public static readonly LocalDisk Instance = new();

    public ValueTask WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> data, long offset, CancellationToken ct) =>
        RandomAccess.WriteAsync(file, data, offset, ct);

    public void Fsync(SafeFileHandle file) => Posix.Fsync(file);

    public void Move(string from, string to) => File.Move(from, to);

    public void FsyncDirectory(string directory) => Posix.FsyncDirectory(directory);

    /// <summary>Unbuffered: callers read in large chunks, so a FileStream buffer would only add a copy and an allocation.</summary>
    public Stream OpenRead(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0,
            FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Delete(string path) => File.Delete(path);
}
