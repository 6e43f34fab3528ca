namespace Ironbark.Walrus.Tests;

/// <summary>The operation of a <see cref="NaughtyDisk"/> that fails.</summary>
public enum DiskFault
{
    /// <summary>Writing a blob's bytes (one call per 512 KiB buffer and one for the tail).</summary>
    Write,

    /// <summary>The fsync of a blob's temp file.</summary>
    Fsync,

    /// <summary>The rename of a temp file to its blob name.</summary>
    Rename,

    /// <summary>The fsync of the directory after the rename, which makes the rename durable.</summary>
    DirectoryFsync,

    /// <summary>Deleting a blob: one that an overwrite or a delete released, or one a failed request discards.</summary>
    Delete,
}
