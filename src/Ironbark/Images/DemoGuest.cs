using Ironbark.Clc.Identity;

namespace Ironbark.Images;

/// <summary>
/// A guest build of scripts/ (kernel, ramdisk, ext4 root disk) that `ironbark up` installs as a public image of
/// the admin on first start, when the build is there: the test guest, and the Debian guest once it was built.
/// </summary>
public sealed record DemoGuest(string ImageName, string Label, string KernelFile)
{
    /// <summary>scripts/build-test-guest: seconds to boot, runs shell user data.</summary>
    public static DemoGuest TestGuest { get; } = new("ironbark-test-guest", "Test guest", "vmlinux");

    /// <summary>scripts/build-debian-guest: Debian 12 with cloud-init and sshd (docs/debian-guest.md).</summary>
    public static DemoGuest Debian { get; } = new("debian-12", "Debian 12 guest", "vmlinuz");

    /// <summary>Installs the guest in <paramref name="dir"/> unless the admin has it already; quietly nothing when the build is not there.</summary>
    public async Task InstallOnceAsync(CloudHome home, AccountStore accounts, string? dir, CancellationToken ct)
    {
        if (dir is null)
            return;
        var files = new ImageFiles(Path.Combine(dir, KernelFile), Path.Combine(dir, "initrd.img"), Path.Combine(dir, "root.img"));
        if (!File.Exists(files.Kernel) || !File.Exists(files.Ramdisk) || !File.Exists(files.Disk))
            return;
        var label = $"  {Label}:".PadRight(20);
        try
        {
            using var installer = await ImageInstaller.ForAccountAsync(home, accounts, Account.AdminName, TextWriter.Null, ct);
            if (await installer.FindImageAsync(ImageName, ct) is { } existing)
            {
                Console.WriteLine($"{label}{existing}");
                return;
            }
            Console.WriteLine($"  Installing the {Label.ToLowerInvariant()} from {dir} …");
            var ids = await installer.InstallAsync(files, ImageName, isPublic: true, ct);
            Console.WriteLine($"{label}{ids.MachineId} (public; kernel {ids.KernelId}, ramdisk {ids.RamdiskId})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"  Could not install the {Label.ToLowerInvariant()}: {e.Message}");
        }
    }
}
