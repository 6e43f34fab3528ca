using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>Registered images, who may launch them, and their owners' tags.</summary>
public sealed class ImageStore(Database db)
{
    private const string Columns = "image_id, account_id, image_type, name, description, architecture, image_location, kernel_id, ramdisk_id, " +
                                   "object_bucket, object_key, size_bytes, sha256, is_public, created_ms";

    /// <summary>Inserts the image unless its account has one of that name already; false when it has.</summary>
    public async Task<bool> TryInsertAsync(Image image, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "images:" + image.AccountId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM images WHERE account_id = @AccountId AND name = @Name", image, tx) > 0)
            return false;
        await c.ExecuteAsync($"INSERT INTO images ({Columns}) VALUES (@ImageId, @AccountId, @ImageType, @Name, @Description, @Architecture, " +
                             "@ImageLocation, @KernelId, @RamdiskId, @ObjectBucket, @ObjectKey, @SizeBytes, @Sha256, @IsPublic, @CreatedMs)", image, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The images an account may see: its own, public ones and those shared with it; tags are the account's own.</summary>
    public async Task<IReadOnlyList<Image>> ListVisibleAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var images = (await c.QueryAsync<Image>(
            $"SELECT {Columns} FROM images WHERE account_id = @accountId OR is_public = @yes " +
            "OR image_id IN (SELECT image_id FROM image_launch_permissions WHERE account_id = @accountId) ORDER BY image_id",
            new { accountId, yes = true })).ToList();
        var permissions = (await c.QueryAsync<(string ImageId, string AccountId)>(
            "SELECT p.image_id, p.account_id FROM image_launch_permissions p JOIN images i ON i.image_id = p.image_id " +
            "WHERE i.account_id = @accountId OR i.is_public = @yes OR p.image_id IN (SELECT image_id FROM image_launch_permissions WHERE account_id = @accountId)",
            new { accountId, yes = true })).ToLookup(p => p.ImageId, p => p.AccountId);
        var tags = await TagRows.ForAccountAsync(c, accountId);
        foreach (var image in images)
        {
            image.LaunchAccountIds = permissions[image.ImageId].Order(StringComparer.Ordinal).ToList();
            image.Tags = tags[image.ImageId].ToList();
        }
        return images;
    }

    /// <summary>Writes the owner-changeable attributes: description, public flag and launch permissions; false when the image is gone.</summary>
    public async Task<bool> UpdateAttributesAsync(Image image, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync("UPDATE images SET description = @Description, is_public = @IsPublic WHERE image_id = @ImageId AND account_id = @AccountId", image, tx) == 0)
            return false;
        await c.ExecuteAsync("DELETE FROM image_launch_permissions WHERE image_id = @ImageId", image, tx);
        await c.ExecuteAsync("INSERT INTO image_launch_permissions (image_id, account_id) VALUES (@imageId, @accountId)",
            image.LaunchAccountIds.Select(a => new { imageId = image.ImageId, accountId = a }), tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Deletes the account's image with its launch permissions and tags; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string accountId, string imageId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync("DELETE FROM image_launch_permissions WHERE image_id = @imageId AND EXISTS (SELECT 1 FROM images WHERE image_id = @imageId AND account_id = @accountId)",
            new { imageId, accountId }, tx);
        if (await c.ExecuteAsync("DELETE FROM images WHERE image_id = @imageId AND account_id = @accountId", new { imageId, accountId }, tx) == 0)
            return false;
        await TagRows.DeleteAsync(c, tx, imageId);
        await tx.CommitAsync(ct);
        return true;
    }
}
