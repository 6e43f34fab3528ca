using Amazon.S3.Model;
using Ironbark.Clc.Identity;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The Walrus a cluster's nodes fetch images from, with their key, holding the test guest when asked for. The nodes
/// only read it, so as a class fixture one store (and one upload of the guest) serves every cluster of the class.
/// </summary>
public sealed class ImageWalrus : IAsyncLifetime
{
    public const string Bucket = "images";

    private readonly bool _withGuest;

    public WalrusHost Walrus { get; private set; } = null!;
    public AccessKey NodeKey { get; private set; } = null!;
    /// <summary>The test guest in <see cref="Bucket"/> (null when the store holds no guest).</summary>
    public TestGuest? Guest { get; private set; }

    /// <summary>A store holding the test guest (the one public constructor xUnit needs of a class fixture).</summary>
    public ImageWalrus() : this(withGuest: true)
    {
    }

    internal ImageWalrus(bool withGuest) => _withGuest = withGuest;

    public async Task InitializeAsync()
    {
        Walrus = await WalrusHost.StartAsync();
        NodeKey = await Walrus.CreateAccountAsync("node");
        if (!_withGuest)
            return;
        Guest = await TestGuest.BuildAsync();
        using var s3 = Walrus.Client(NodeKey);
        await s3.PutBucketAsync(Bucket);
        foreach (var (name, path) in new[] { ("vmlinux", Guest.Kernel), ("initrd.img", Guest.Ramdisk), ("root.img", Guest.Disk) })
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = name, FilePath = path });
    }

    public async Task DisposeAsync()
    {
        if (Walrus is not null)
            await Walrus.DisposeAsync();
    }
}
