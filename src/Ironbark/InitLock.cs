namespace Ironbark;

/// <summary>
/// An exclusive flock(2) on DATA/init.lock, held while a data directory is made into a cloud and
/// taken briefly by commands that read one, so none of them sees a half-made cloud. The kernel drops
/// it when its process dies, so a crashed initialisation never blocks the next.
/// </summary>
public static class InitLock
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(50);

    public static async Task<FileStream> AcquireAsync(string path, bool create, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive, non-blocking flock on Linux: a held lock is an IOException.
                return create
                    ? new FileStream(path, new FileStreamOptions
                    {
                        Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None,
                        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    })
                    : new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                await Task.Delay(Retry, ct);
            }
        }
    }
}
