using Ironbark.Common.Keys;
using Ironbark.Common.Pki;
using Ironbark.Walrus.Drivers;
using Microsoft.Extensions.DependencyInjection;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>
/// Walrus's key service as the composition wires it: the KeyClient driver calling the CLC's kms.proto over mutual TLS,
/// with the same answers and refusal kinds as the CLC's own KeyService, and Unavailable when the CLC does not answer.
/// </summary>
public abstract class KeyClientTests(KmsFixture f)
{
    private static readonly Dictionary<string, string> Context = new() { ["aws:s3:arn"] = "arn:aws:s3:::photos/cat.jpg" };

    private IKeyService WalrusKeys => f.Walrus.Services.GetRequiredService<IKeyService>();

    [Fact]
    public void Walrus_in_a_cloud_asks_the_clc_for_its_keys()
    {
        Assert.IsType<KeyClient>(WalrusKeys);
    }

    [Fact]
    public async Task A_data_key_made_through_walrus_opens_at_the_clc_and_back()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await WalrusKeys.GenerateDataKeyAsync(f.Alice.Id, key.Arn, Context, CancellationToken.None);
        Assert.Equal((key.Arn, 32), (dataKey.KeyArn, dataKey.Plaintext.Length));
        Assert.Equal(dataKey.Plaintext, (await f.Keys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, Context, CancellationToken.None)).Plaintext);
        var opened = await WalrusKeys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, Context, CancellationToken.None);
        Assert.Equal(key.Arn, opened.KeyArn);
        Assert.Equal(dataKey.Plaintext, opened.Plaintext);
        Assert.StartsWith($"arn:aws:kms:ironbark:{f.Alice.Id}:key/",
            (await WalrusKeys.GenerateDataKeyAsync(f.Alice.Id, "alias/aws/s3", Context, CancellationToken.None)).KeyArn);
    }

    [Fact]
    public async Task Every_refusal_crosses_the_wire_with_its_kind()
    {
        var key = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        var dataKey = await WalrusKeys.GenerateDataKeyAsync(f.Alice.Id, key.KeyId, Context, CancellationToken.None);
        await AssertRefused(KeyServiceError.NotFound, () => WalrusKeys.GenerateDataKeyAsync(f.Alice.Id, Guid.NewGuid().ToString(), Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.AccessDenied, () => WalrusKeys.GenerateDataKeyAsync(f.Bob.Id, key.Arn, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.AccessDenied, () => WalrusKeys.DecryptAsync(f.Bob.Id, dataKey.CiphertextBlob, Context, CancellationToken.None));
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => WalrusKeys.DecryptAsync(f.Alice.Id, dataKey.CiphertextBlob, new Dictionary<string, string>(), CancellationToken.None));
        await AssertRefused(KeyServiceError.InvalidCiphertext, () => WalrusKeys.DecryptAsync(f.Alice.Id, [1, 2, 3], Context, CancellationToken.None));
        var disabled = await f.Keys.CreateKeyAsync(f.Alice.Id, null, CancellationToken.None);
        await f.Keys.SetEnabledAsync(f.Alice.Id, disabled.KeyId, false, CancellationToken.None);
        await AssertRefused(KeyServiceError.Disabled, () => WalrusKeys.GenerateDataKeyAsync(f.Alice.Id, disabled.KeyId, Context, CancellationToken.None));
    }

    [Fact]
    public async Task A_clc_that_does_not_answer_is_unavailable_never_a_key()
    {
        var pki = new CloudCertificates(Path.Combine(f.DataDir, "pki"));
        using var nowhere = new KeyClient(pki, () => "https://127.0.0.1:1");
        await AssertRefused(KeyServiceError.Unavailable, () => nowhere.GenerateDataKeyAsync(f.Alice.Id, "alias/aws/s3", Context, CancellationToken.None));
        using var unknown = new KeyClient(pki, () => null);
        await AssertRefused(KeyServiceError.Unavailable, () => unknown.DecryptAsync(f.Alice.Id, [1], Context, CancellationToken.None));
    }

    private static async Task AssertRefused(KeyServiceError kind, Func<Task> call) =>
        Assert.Equal(kind, (await Assert.ThrowsAsync<KeyServiceException>(call)).Error);
}

[Collection(SqliteKms.Name)]
public sealed class SqliteKeyClientTests(SqliteKmsFixture f) : KeyClientTests(f);

[Collection(PostgresKms.Name)]
public sealed class PostgresKeyClientTests(PostgresKmsFixture f) : KeyClientTests(f);
