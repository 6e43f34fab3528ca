using System.Text.Json;

namespace Ironbark.Bench.Nc;

/// <summary>The test guest built by scripts/build-test-guest: kernel, initramfs and root disk with their SHA-256 digests.</summary>
public sealed record GuestImages(string Kernel, string Ramdisk, string Disk, string KernelSha256, string RamdiskSha256, string DiskSha256)
{
    public static GuestImages Read(string dir)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var sha = manifest.RootElement.GetProperty("sha256");
        return new GuestImages(Path.Combine(dir, "vmlinux"), Path.Combine(dir, "initrd.img"), Path.Combine(dir, "root.img"),
            sha.GetProperty("vmlinux").GetString()!, sha.GetProperty("initrd.img").GetString()!, sha.GetProperty("root.img").GetString()!);
    }
}
