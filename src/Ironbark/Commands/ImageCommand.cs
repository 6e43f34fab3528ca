using System.CommandLine;
using Amazon.Runtime;
using Ironbark.Clc.Identity;
using Ironbark.Images;

namespace Ironbark.Commands;

/// <summary>`ironbark image install`: upload a kernel, ramdisk and/or disk into Walrus and register them through EC2.</summary>
public static class ImageCommand
{
    public static Command Create()
    {
        var image = new Command("image", "Install images into the running cloud");
        image.Subcommands.Add(Install());
        return image;
    }

    private static Command Install()
    {
        var kernel = new Option<FileInfo?>("--kernel") { Description = "Kernel file (registered as aki-…)" };
        var ramdisk = new Option<FileInfo?>("--ramdisk") { Description = "Ramdisk / initramfs file (registered as ari-…)" };
        var disk = new Option<FileInfo?>("--disk") { Description = "Root disk image (registered as ami-…, with the kernel and ramdisk given here)" };
        var name = new Option<string>("--name") { Description = "Image name (the kernel and ramdisk get -kernel and -ramdisk appended)", Required = true };
        var isPublic = new Option<bool>("--public") { Description = "Let every account launch the images" };
        var account = new Option<string>("--account") { Description = "The account that owns the images", DefaultValueFactory = _ => Account.AdminName };
        return HomeCommand.Bind(new Command("install", "Upload image files to Walrus, write their manifests and register them; prints the ids")
        {
            kernel, ramdisk, disk, name, isPublic, account,
        }, async (parse, home, accounts, ct) =>
        {
            var files = new ImageFiles(parse.GetValue(kernel)?.FullName, parse.GetValue(ramdisk)?.FullName, parse.GetValue(disk)?.FullName);
            if (files is { Kernel: null, Ramdisk: null, Disk: null })
            {
                Console.Error.WriteLine("Give at least one of --kernel, --ramdisk, --disk.");
                return 1;
            }
            foreach (var file in new[] { files.Kernel, files.Ramdisk, files.Disk }.OfType<string>().Where(f => !File.Exists(f)))
            {
                Console.Error.WriteLine($"No such file: {file}");
                return 1;
            }
            return await InstallAsync(home, accounts, parse.GetValue(account)!, files, parse.GetValue(name)!, parse.GetValue(isPublic), ct);
        });
    }

    /// <summary>Installs and prints "kernel aki-…" etc.; errors of the cloud are printed as CODE: message.</summary>
    public static async Task<int> InstallAsync(CloudHome home, AccountStore accounts, string accountName, ImageFiles files, string name, bool isPublic,
        CancellationToken ct)
    {
        try
        {
            using var installer = await ImageInstaller.ForAccountAsync(home, accounts, accountName, Console.Error, ct);
            var ids = await installer.InstallAsync(files, name, isPublic, ct);
            Print("kernel", ids.KernelId);
            Print("ramdisk", ids.RamdiskId);
            Print("machine", ids.MachineId);
            return 0;
        }
        catch (AmazonServiceException e)
        {
            Console.Error.WriteLine($"{e.ErrorCode}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static void Print(string type, string? id)
    {
        if (id is not null)
            Console.WriteLine($"{type}\t{id}");
    }
}
