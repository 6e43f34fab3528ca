using System.Text.Json;

namespace Ironbark.Testing;

/// <summary>The tiny test guest (kernel, initramfs, ext4 disk), built once by scripts/build-test-guest and cached.</summary>
public sealed record TestGuest(string Kernel, string Ramdisk, string Disk, string KernelSha256, string RamdiskSha256, string DiskSha256)
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static TestGuest? _built;

    public static async Task<TestGuest> BuildAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (_built is not null)
                return _built;
            var script = Path.Combine(RepoRoot(), "scripts", "build-test-guest");
            var (code, stdout, stderr) = await ProcessRunner.RunAsync(script, [], timeout: TimeSpan.FromMinutes(10));
            if (code != 0)
                throw new InvalidOperationException($"scripts/build-test-guest failed: {stderr}");
            var dir = stdout.Trim().Split('\n')[^1];
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "manifest.json")));
            var sha = manifest.RootElement.GetProperty("sha256");
            _built = new TestGuest(Path.Combine(dir, "vmlinux"), Path.Combine(dir, "initrd.img"), Path.Combine(dir, "root.img"),
                sha.GetProperty("vmlinux").GetString()!, sha.GetProperty("initrd.img").GetString()!, sha.GetProperty("root.img").GetString()!);
            return _built;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>The repository root (where Ironbark.slnx is), found upwards from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ironbark.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
    }
}
