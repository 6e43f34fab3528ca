using Ironbark.Clc.Identity;

namespace Ironbark.Images;

/// <summary>
/// The test guest of scripts/build-test-guest (kernel, initramfs, ext4 disk), installed by `ironbark up`
/// as a public image of the admin on first start, when a build of it is there.
/// </summary>
public static class DemoGuest
{
    public const string ImageName = "ironbark-test-guest";

    /// <summary>Installs the guest in <paramref name="dir"/> unless the admin has it already; quietly nothing when the build is not there.</summary>
    public static async Task InstallOnceAsync(CloudHome home, AccountStore accounts, string? dir, CancellationToken ct)
    {
        if (dir is null)
            return;
        var files = new ImageFiles(Path.Combine(dir, "vmlinux"), Path.Combine(dir, "initrd.img"), Path.Combine(dir, "root.img"));
        if (!File.Exists(files.Kernel) || !File.Exists(files.Ramdisk) || !File.Exists(files.Disk))
            return;
        try
        {
            using var installer = await ImageInstaller.ForAccountAsync(home, accounts, Account.AdminName, TextWriter.Null, ct);
            if (await installer.FindImageAsync(ImageName, ct) is { } existing)
            {
                Console.WriteLine($"  Test guest:       {existing}");
                return;
            }
            Console.WriteLine($"  Installing the test guest from {dir} …");
            var ids = await installer.InstallAsync(files, ImageName, isPublic: true, ct);
            Console.WriteLine($"  Test guest:       {ids.MachineId} (public; kernel {ids.KernelId}, ramdisk {ids.RamdiskId})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"  Could not install the test guest: {e.Message}");
        }
    }
}
