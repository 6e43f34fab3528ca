using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Ironbark.Clc.Identity;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>The KMS API on the CLC's endpoint with AWSSDK.KeyManagementService: each call, each error type AWS gives.</summary>
public abstract class KmsApiTests(KmsFixture f) : IDisposable
{
    private readonly AmazonKeyManagementServiceClient _alice = Client(f, f.AliceKey);
    private readonly AmazonKeyManagementServiceClient _bob = Client(f, f.BobKey);
    private static readonly Dictionary<string, string> Context = new() { ["purpose"] = "test" };

    public static AmazonKeyManagementServiceClient Client(KmsFixture f, AccessKey key) =>
        new(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = f.Server.Endpoint.ToString(), AuthenticationRegion = "ironbark", MaxErrorRetry = 0,
        });

    [Fact]
    public async Task CreateKey_then_DescribeKey_and_ListKeys_show_it_as_KMS_does()
    {
        var created = (await _alice.CreateKeyAsync(new CreateKeyRequest { Description = "backups" })).KeyMetadata;
        Assert.Equal($"arn:aws:kms:ironbark:{f.Alice.Id}:key/{created.KeyId}", created.Arn);
        Assert.Equal((f.Alice.Id, "backups", true, KeyState.Enabled, KeyManagerType.CUSTOMER, KeyUsageType.ENCRYPT_DECRYPT, KeySpec.SYMMETRIC_DEFAULT),
            (created.AWSAccountId, created.Description, created.Enabled, created.KeyState, created.KeyManager, created.KeyUsage, created.KeySpec));
        Assert.InRange(created.CreationDate!.Value, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));

        foreach (var name in new[] { created.KeyId, created.Arn })
            Assert.Equal(created.KeyId, (await _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = name })).KeyMetadata.KeyId);
        var listed = new List<KeyListEntry>();
        string? marker = null;
        do
        {
            var page = await _alice.ListKeysAsync(new ListKeysRequest { Limit = 1, Marker = marker });
            Assert.True(page.Keys.Count <= 1);
            listed.AddRange(page.Keys);
            marker = page.Truncated == true ? page.NextMarker : null;
        } while (marker is not null);
        Assert.Contains(listed, k => k.KeyId == created.KeyId && k.KeyArn == created.Arn);
        Assert.Equal(listed.Count, listed.DistinctBy(k => k.KeyId).Count());
        Assert.DoesNotContain((await _bob.ListKeysAsync(new ListKeysRequest())).Keys ?? [], k => k.KeyId == created.KeyId);
    }

    [Fact]
    public async Task Encrypt_and_Decrypt_round_trip_with_the_context_and_without_a_key_id()
    {
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var secret = Encoding.UTF8.GetBytes("the database password");
        var encrypted = await _alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(secret), EncryptionContext = Context });
        Assert.Equal(key.Arn, encrypted.KeyId);
        var decrypted = await _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = Context });
        Assert.Equal(secret, decrypted.Plaintext.ToArray());
        Assert.Equal(key.Arn, decrypted.KeyId);

        encrypted.CiphertextBlob.Position = 0;
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }));
        var other = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        encrypted.CiphertextBlob.Position = 0;
        await Assert.ThrowsAsync<IncorrectKeyException>(() =>
            _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = Context, KeyId = other.KeyId }));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() =>
            _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(Encoding.UTF8.GetBytes("made up")) }));
    }

    [Fact]
    public async Task GenerateDataKey_gives_a_key_that_Decrypt_gives_back()
    {
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var dataKey = await _alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256, EncryptionContext = Context });
        Assert.Equal(32, dataKey.Plaintext.Length);
        var opened = await _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob, EncryptionContext = Context });
        Assert.Equal(dataKey.Plaintext.ToArray(), opened.Plaintext.ToArray());

        Assert.Equal(16, (await _alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_128 })).Plaintext.Length);
        Assert.Equal(7, (await _alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 7 })).Plaintext.Length);
        var blind = await _alice.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(32, (await _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = blind.CiphertextBlob })).Plaintext.Length);

        await AssertError("ValidationException", () => _alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId }));
        await AssertError("ValidationException", () => _alice.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, NumberOfBytes = 32 }));
    }

    [Fact]
    public async Task Aliases_name_keys_until_deleted()
    {
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var alias = "alias/app-" + Guid.NewGuid().ToString("N")[..8];
        await _alice.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyId });
        var listed = Assert.Single((await _alice.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId })).Aliases);
        Assert.Equal((alias, $"arn:aws:kms:ironbark:{f.Alice.Id}:{alias}", key.KeyId), (listed.AliasName, listed.AliasArn, listed.TargetKeyId));
        var encrypted = await _alice.EncryptAsync(new EncryptRequest { KeyId = alias, Plaintext = new MemoryStream([1, 2, 3]) });
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal(key.KeyId, (await _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = listed.AliasArn })).KeyMetadata.KeyId);

        await Assert.ThrowsAsync<AlreadyExistsException>(() => _alice.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyId }));
        await Assert.ThrowsAsync<InvalidAliasNameException>(() => _alice.CreateAliasAsync(new CreateAliasRequest { AliasName = "no-prefix", TargetKeyId = key.KeyId }));
        await Assert.ThrowsAsync<InvalidAliasNameException>(() => _alice.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/aws/mine", TargetKeyId = key.KeyId }));
        await _alice.DeleteAliasAsync(new DeleteAliasRequest { AliasName = alias });
        await Assert.ThrowsAsync<NotFoundException>(() => _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }));
        await Assert.ThrowsAsync<NotFoundException>(() => _alice.DeleteAliasAsync(new DeleteAliasRequest { AliasName = alias }));
        Assert.Equal(KeyState.Enabled, (await _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
    }

    [Fact]
    public async Task A_disabled_key_is_DisabledException_until_enabled()
    {
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var encrypted = await _alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([9]) });
        await _alice.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        var described = (await _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal((KeyState.Disabled, false), (described.KeyState, described.Enabled));
        await Assert.ThrowsAsync<DisabledException>(() => _alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([9]) }));
        await Assert.ThrowsAsync<DisabledException>(() => _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }));
        await _alice.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        encrypted.CiphertextBlob.Position = 0;
        Assert.Equal([9], (await _alice.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob })).Plaintext.ToArray());
    }

    [Fact]
    public async Task Another_accounts_key_is_AccessDeniedException_and_an_unknown_one_NotFoundException()
    {
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var encrypted = await _alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1]) });
        await AssertError("AccessDeniedException", () => _bob.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }));
        await AssertError("AccessDeniedException", () => _bob.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1]) }));
        await Assert.ThrowsAsync<NotFoundException>(() => _bob.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }));
        await AssertError("AccessDeniedException", () => _bob.DisableKeyAsync(new DisableKeyRequest { KeyId = key.Arn }));
        Assert.Equal(KeyState.Enabled, (await _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
        var unknown = await Assert.ThrowsAsync<NotFoundException>(() => _alice.DescribeKeyAsync(new DescribeKeyRequest { KeyId = Guid.NewGuid().ToString() }));
        Assert.Contains("does not exist", unknown.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => _alice.EncryptAsync(new EncryptRequest { KeyId = "alias/nobody", Plaintext = new MemoryStream([1]) }));
    }

    [Fact]
    public async Task Unsupported_key_kinds_and_oversized_plaintexts_are_refused_and_make_nothing()
    {
        var before = (await _alice.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys.Count;
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _alice.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => _alice.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL }));
        Assert.Equal(before, (await _alice.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys.Count);
        var key = (await _alice.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await AssertError("ValidationException", () => _alice.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(new byte[4097]) }));
    }

    /// <summary>A refusal with a KMS error type the SDK has no class for (the common errors: ValidationException, AccessDeniedException).</summary>
    private static async Task AssertError(string code, Func<Task> call) =>
        Assert.Equal(code, (await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(call)).ErrorCode);

    public void Dispose()
    {
        _alice.Dispose();
        _bob.Dispose();
    }
}

[Collection(SqliteKms.Name)]
public sealed class SqliteKmsApiTests(SqliteKmsFixture f) : KmsApiTests(f);

[Collection(PostgresKms.Name)]
public sealed class PostgresKmsApiTests(PostgresKmsFixture f) : KmsApiTests(f);
