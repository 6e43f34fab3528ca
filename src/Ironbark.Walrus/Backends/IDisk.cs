using Microsoft.Win32.SafeHandles;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// The file operations of <see cref="FileObjectStore"/> where a disk can fail: writing, fsyncing and renaming a new
/// blob, reading one, deleting one. <see cref="LocalDisk"/> is the real one; tests put a disk here that fails on
/// purpose (docs/walrus.md, "Faults of the disk"), which wrapping <see cref="IObjectStore"/> could not do: each of
/// its calls writes, fsyncs and renames inside.
/// </summary>
internal interface IDisk
{
    ValueTask WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> data, long offset, CancellationToken ct);

    void Fsync(SafeFileHandle file);

    /// <summary>Renames a file (never over an existing one).</summary>
    void Move(string from, string to);

    void FsyncDirectory(string directory);

    Stream OpenRead(string path);

    void Delete(string path);
}
