namespace Ironbark.Clc.Domain;

/// <summary>An image an instance boots from, as registered when it launched: its id and the Walrus object with its digest and size.</summary>
public sealed record LaunchImage(string ImageId, string ObjectBucket, string ObjectKey, string Sha256, long SizeBytes)
{
    public static LaunchImage Of(Image image) => new(image.ImageId, image.ObjectBucket, image.ObjectKey, image.Sha256, image.SizeBytes);
}
