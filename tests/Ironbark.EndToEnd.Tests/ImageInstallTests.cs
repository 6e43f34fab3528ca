using System.Security.Cryptography;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>`ironbark image install` against `ironbark up`, checked with the aws CLI.</summary>
public sealed class ImageInstallTests(CloudFixture f) : IClassFixture<CloudFixture>, IDisposable
{
    private readonly AwsCli _aws = f.Cloud.AdminCli;
    private readonly TempDir _work = new();

    [Fact]
    public async Task Installs_kernel_ramdisk_and_disk_as_public_images_with_manifests_in_Walrus()
    {
        var files = new Dictionary<string, byte[]>();
        foreach (var name in new[] { "vmlinux", "initrd.img", "root.img" })
        {
            files[name] = RandomNumberGenerator.GetBytes(name == "root.img" ? 7 * 1024 * 1024 : 64 * 1024);
            await File.WriteAllBytesAsync(_work.Combine(name), files[name]);
        }
        var imageName = TestData.BucketName("guest");
        var (code, stdout, stderr) = await f.Cloud.RunCommandAsync("image", "install", "--kernel", _work.Combine("vmlinux"), "--ramdisk", _work.Combine("initrd.img"),
            "--disk", _work.Combine("root.img"), "--name", imageName, "--public");
        Assert.True(code == 0, stderr);
        Assert.Contains("100%", stderr);
        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
        Assert.Matches("^aki-[0-9a-f]{17}$", ids["kernel"]);
        Assert.Matches("^ari-[0-9a-f]{17}$", ids["ramdisk"]);
        Assert.Matches("^ami-[0-9a-f]{17}$", ids["machine"]);

        var image = Assert.Single((await _aws.JsonAsync("ec2", "describe-images", "--image-ids", ids["machine"])).GetProperty("Images").EnumerateArray());
        Assert.Equal(imageName, image.GetProperty("Name").GetString());
        Assert.True(image.GetProperty("Public").GetBoolean());
        Assert.Equal(ids["kernel"], image.GetProperty("KernelId").GetString());
        Assert.Equal(ids["ramdisk"], image.GetProperty("RamdiskId").GetString());

        // The manifest names the uploaded bytes with their SHA-256.
        var location = image.GetProperty("ImageLocation").GetString()!;
        var slash = location.IndexOf('/');
        await _aws.OkAsync("s3api", "get-object", "--bucket", location[..slash], "--key", location[(slash + 1)..], _work.Combine("manifest.xml"));
        var manifest = System.Xml.Linq.XElement.Load(_work.Combine("manifest.xml"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files["root.img"])), manifest.Element("sha256")!.Value);
        Assert.Equal("machine", manifest.Element("imageType")!.Value);
        await _aws.OkAsync("s3api", "get-object", "--bucket", location[..slash], "--key", manifest.Element("key")!.Value, _work.Combine("back.img"));
        Assert.Equal(files["root.img"], await File.ReadAllBytesAsync(_work.Combine("back.img")));

        var again = await f.Cloud.RunCommandAsync("image", "install", "--disk", _work.Combine("root.img"), "--name", imageName);
        Assert.Equal(1, again.Code);
        Assert.Contains("InvalidAMIName.Duplicate", again.Stderr);
    }

    public void Dispose() => _work.Dispose();
}
