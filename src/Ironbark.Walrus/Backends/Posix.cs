using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ironbark.Walrus.Backends;

/// <summary>The few libc calls .NET does not expose: fsync of a directory, and turning on O_DIRECT for an open file.</summary>
internal static class Posix
{
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;

    private static readonly int O_DIRECT = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000;

    private const int EBADF = 9;
    private const int EINVAL = 22;

    /// <summary>Makes a rename in <paramref name="directory"/> durable; throws when the disk says it could not.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open {directory} to fsync it: {Marshal.GetLastPInvokeErrorMessage()}", Marshal.GetLastPInvokeError());
        try
        {
            // Filesystems that cannot fsync a directory say EINVAL (or EBADF): there is nothing to wait for, as PostgreSQL reasons too.
            if (fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno and not (EINVAL or EBADF))
                throw new IOException($"fsync of {directory} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        finally
        {
            close(fd);
        }
    }

    public static void Fsync(SafeFileHandle file)
    {
        if (fsync(file) != 0)
            throw new IOException($"fsync failed: {Marshal.GetLastPInvokeErrorMessage()}", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// Turns on O_DIRECT; false where the filesystem refuses it. (tmpfs accepts it from Linux 6.6 on
    /// and then simply copies, which is what a buffered write does there anyway.)
    /// </summary>
    public static bool TryBypassPageCache(SafeFileHandle file)
    {
        var flags = fcntl(file, F_GETFL, 0);
        return flags >= 0 && fcntl(file, F_SETFL, flags | O_DIRECT) == 0;
    }

    /// <summary>Turns O_DIRECT off again (buffered writes from here on).</summary>
    public static void UsePageCache(SafeFileHandle file)
    {
        var flags = fcntl(file, F_GETFL, 0);
        if (flags < 0 || fcntl(file, F_SETFL, flags & ~O_DIRECT) != 0)
            throw new IOException($"fcntl failed: {Marshal.GetLastPInvokeErrorMessage()}", Marshal.GetLastPInvokeError());
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(SafeFileHandle fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(SafeFileHandle fd, int cmd, int arg);

    [DllImport("libc")]
    private static extern int close(int fd);
}
