using System.Text;
using Dapper;
using Ironbark.Clc.Keys;
using Ironbark.Common.Keys;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>The CLC's key service in process: keys, data keys and their blobs, aliases, and every refusal with its kind.</summary>
public abstract class KeyServiceTests(KmsFixture f)
{
    private static readonly Dictionary<string, string> Context = new() { ["aws:s3:arn"] = "arn:aws:s3:::photos/cat.jpg" };

    [Fact]
    public async Task A_data_key_decrypts_from_its_blob_alone_with_the_same_context()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, "photos", CancellationToken.None);
        Assert.Matches($"^arn:aws:kms:ironbark:{f.Alice.Id}:key/[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$", key.Arn);
        Assert.Equal((KeyState.Enabled, "photos", KmsKey.CustomerManaged), (key.State, key.Description, key.KeyManager));

        var dataKey = await f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        Assert.Equal(32, dataKey.Plaintext.Length);
        Assert.Equal(key.Arn, dataKey.KeyArn);
        var again = await f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, new Dictionary<string, string>(Context), CancellationToken.None);
        Assert.Equal(dataKey.Plaintext, again.Plaintext);
        Assert.Equal(key.Arn, again.KeyArn);
        Assert.Contains(await f.Keys.ListKeysAsync(f.Alice.Id, CancellationToken.None), k => k.KeyId == key.KeyId);
        Assert.DoesNotContain(await f.Keys.ListKeysAsync(f.Bob.Id, CancellationToken.None), k => k.KeyId == key.KeyId);
    }

    [Fact]
    public async Task A_key_is_found_by_id_arn_alias_and_alias_arn()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var alias = "alias/" + Guid.NewGuid().ToString("N");
        var created = await f.Keys.CreateAliasAsync(f.Alice.Id, alias, key.Arn, CancellationToken.None);
        Assert.Equal($"arn:aws:kms:ironbark:{f.Alice.Id}:{alias}", created.AliasArn);
        foreach (var name in new[] { key.KeyId, key.Arn, alias, created.AliasArn })
            Assert.Equal(key.KeyId, (await f.Keys.DescribeKeyAsync(f.Alice.Id, name, CancellationToken.None)).KeyId);
        var duplicate = await Assert.ThrowsAsync<KeyRequestException>(() => f.Keys.CreateAliasAsync(f.Alice.Id, alias, key.KeyId, CancellationToken.None));
        Assert.Equal("AlreadyExistsException", duplicate.Code);
        await f.Keys.DeleteAliasAsync(f.Alice.Id, alias, CancellationToken.None);
        await AssertRefused(KeyServiceError.NotFound, () => f.Keys.DescribeKeyAsync(f.Alice.Id, alias, CancellationToken.None));
    }

    [Fact]
    public async Task The_s3_alias_makes_one_cloud_managed_key_per_account_on_first_use()
    {
        var account = (await f.Accounts.CreateAccountAsync("s3-" + Guid.NewGuid().ToString("N")[..10])).Id;
        Assert.Empty(await f.Keys.ListKeysAsync(account, CancellationToken.None));
        var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => f.Keys.GenerateDataKeyAsync(account, KeyService.S3Alias, Context, CancellationToken.None)));
        var key = Assert.Single(await f.Keys.ListKeysAsync(account, CancellationToken.None));
        Assert.Equal(KmsKey.CloudManaged, key.KeyManager);
        Assert.All(first, d => Assert.Equal(key.Arn, d.KeyArn));
        Assert.Equal(key.KeyId, (await f.Keys.DescribeKeyAsync(account, $"arn:aws:kms:ironbark:{account}:alias/aws/s3", CancellationToken.None)).KeyId);
        var reserved = await Assert.ThrowsAsync<KeyRequestException>(() => f.Keys.CreateAliasAsync(account, "alias/aws/mine", key.KeyId, CancellationToken.None));
        Assert.Equal("NotAuthorizedException", reserved.Code);
    }

    [Fact]
    public async Task A_blob_that_was_changed_or_is_opened_with_another_context_is_invalid_ciphertext()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        await AssertRefused(KeyServiceError.InvalidCiphertext,
            () => f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, new Dictionary<string, string> { ["aws:s3:arn"] = "arn:aws:s3:::photos/dog.jpg" }, CancellationToken.None));
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, new Dictionary<string, string>(), CancellationToken.None));
        var changed = dataKey.CiphertextBlob.ToArray();
        changed[^1] ^= 1;
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => f.Keys.DecryptAsync(f.Alice.Id, changed, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => f.Keys.DecryptAsync(f.Alice.Id, Encoding.UTF8.GetBytes("not a blob"), Context, CancellationToken.None));
        // A blob moved to another of alice's keys (its header rewritten) does not open under that key either.
        var other = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var moved = dataKey.CiphertextBlob.ToArray();
        Guid.Parse(other.KeyId).TryWriteBytes(moved.AsSpan(1, 16), bigEndian: true, out _);
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => f.Keys.DecryptAsync(f.Alice.Id, moved, Context, CancellationToken.None));
    }

    [Fact]
    public async Task Another_accounts_key_is_access_denied_by_arn_and_blob_and_not_found_by_bare_id()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        await AssertRefused(KeyServiceError.AccessDenied, () => f.Keys.DecryptAsync(f.Bob.Id, dataKey.CiphertextBlob, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.AccessDenied, () => f.Keys.GenerateDataKeyAsync(f.Bob.Id, key.Arn, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.NotFound, () => f.Keys.GenerateDataKeyAsync(f.Bob.Id, key.KeyId, Context, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_or_malformed_key_is_not_found()
    {
        await AssertRefused(KeyServiceError.NotFound, () => f.Keys.GenerateDataKeyAsync(f.Alice.Id, Guid.NewGuid().ToString(), Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.NotFound, () => f.Keys.GenerateDataKeyAsync(f.Alice.Id, "alias/nobody-made-this", Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.NotFound, () => f.Keys.GenerateDataKeyAsync(f.Alice.Id, "not-a-key", Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.NotFound,
            () => f.Keys.GenerateDataKeyAsync(f.Alice.Id, $"arn:aws:kms:us-east-1:{f.Alice.Id}:key/{Guid.NewGuid()}", Context, CancellationToken.None));
    }

    [Fact]
    public async Task A_disabled_key_neither_makes_nor_opens_data_keys_until_enabled_again()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        Assert.Equal(KeyState.Disabled, (await f.Keys.SetEnabledAsync(f.Alice.Id, key.KeyId, false, CancellationToken.None)).State);
        Assert.Equal(KeyState.Disabled, (await f.Keys.DescribeKeyAsync(f.Alice.Id, key.KeyId, CancellationToken.None)).State);
        await AssertRefused(KeyServiceError.Disabled, () => f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.Disabled, () => f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, Context, CancellationToken.None));
        await f.Keys.SetEnabledAsync(f.Alice.Id, key.KeyId, true, CancellationToken.None);
        Assert.Equal(dataKey.Plaintext, (await f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, Context, CancellationToken.None)).Plaintext);
    }

    [Fact]
    public async Task Key_material_is_stored_encrypted_under_the_clouds_secret_key()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await f.Keys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        string stored;
        await using (var db = f.OpenClcDatabase())
        await using (var c = await db.OpenAsync())
            stored = await c.QuerySingleAsync<string>("SELECT material_protected FROM kms_keys WHERE key_id = @id", new { id = key.KeyId });
        // No 32 bytes of the row, as text or decoded, are the material that sealed the blob.
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(stored), Convert.FromBase64String(stored) })
            for (var i = 0; i + 32 <= bytes.Length; i++)
                Assert.Null(CiphertextBlob.Open(dataKey.CiphertextBlob, bytes[i..(i + 32)], Context));
        Assert.Equal(12 + 16 + 32, Convert.FromBase64String(stored).Length);
    }

    private static async Task AssertRefused(KeyServiceError kind, Func<Task> call) =>
        Assert.Equal(kind, (await Assert.ThrowsAsync<KeyServiceException>(call)).Error);
}

[Collection(SqliteKms.Name)]
public sealed class SqliteKeyServiceTests(SqliteKmsFixture f) : KeyServiceTests(f);

[Collection(PostgresKms.Name)]
public sealed class PostgresKeyServiceTests(PostgresKmsFixture f) : KeyServiceTests(f);
