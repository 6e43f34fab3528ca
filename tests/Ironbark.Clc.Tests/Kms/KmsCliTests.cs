using System.Text.Json;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>The Debian aws CLI (/usr/bin/aws) against the CLC's KMS: create, encrypt, decrypt, and a refusal with KMS's type.</summary>
public abstract class KmsCliTests(KmsFixture f)
{
    [Fact]
    public async Task The_aws_cli_creates_a_key_and_round_trips_a_secret()
    {
        var key = JsonDocument.Parse(await OkAsync("create-key", "--description", "cli")).RootElement.GetProperty("KeyMetadata");
        var keyId = key.GetProperty("KeyId").GetString()!;
        Assert.Equal("cli", key.GetProperty("Description").GetString());
        var blob = (await OkAsync("encrypt", "--key-id", keyId, "--plaintext", Convert.ToBase64String("hello"u8.ToArray()),
            "--encryption-context", "app=test", "--query", "CiphertextBlob", "--output", "text")).Trim();
        var plain = (await OkAsync("decrypt", "--ciphertext-blob", blob, "--encryption-context", "app=test", "--query", "Plaintext", "--output", "text")).Trim();
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(plain)));
        var (code, _, stderr) = await RunAsync("describe-key", "--key-id", Guid.NewGuid().ToString());
        Assert.NotEqual(0, code);
        Assert.Contains("NotFoundException", stderr);
    }

    private async Task<string> OkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"aws kms {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
        return stdout;
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync("/usr/bin/aws", ["--endpoint-url", f.Server.Endpoint.ToString(), "kms", .. args], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = f.AliceKey.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = f.AliceKey.SecretAccessKey, ["AWS_DEFAULT_REGION"] = "ironbark",
            ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null", ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_PAGER"] = "",
        });
}

[Collection(SqliteKms.Name)]
public sealed class SqliteKmsCliTests(SqliteKmsFixture f) : KmsCliTests(f);

[Collection(PostgresKms.Name)]
public sealed class PostgresKmsCliTests(PostgresKmsFixture f) : KmsCliTests(f);
