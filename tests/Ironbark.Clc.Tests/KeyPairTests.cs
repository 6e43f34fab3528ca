using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests;

/// <summary>CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair; fingerprints checked against ssh-keygen.</summary>
public abstract class KeyPairTests(ClcFixture f) : IDisposable
{
    private readonly TempDir _work = new();

    [Fact]
    public async Task Created_rsa_key_is_PEM_with_the_SHA1_of_its_PKCS8_as_fingerprint()
    {
        var name = ClcFixture.Unique("rsa");
        var created = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name });
        Assert.Matches("^key-[0-9a-f]{17}$", created.KeyPairId);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", created.KeyMaterial);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(created.KeyMaterial);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(ColonHex(SHA1.HashData(rsa.ExportPkcs8PrivateKey())), created.KeyFingerprint);

        var described = Assert.Single((await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name], IncludePublicKey = true })).KeyPairs);
        Assert.Equal(created.KeyPairId, described.KeyPairId);
        Assert.Equal(KeyType.Rsa, described.KeyType);
        Assert.Equal(created.KeyFingerprint, described.KeyFingerprint);
        Assert.InRange(described.CreateTime!.Value, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
        // ssh-keygen reads the private key and derives the same public key the CLC keeps for instances.
        Assert.Equal(PublicKeyFields(described.PublicKey), PublicKeyFields(await SshKeygenAsync("-y", "-f", await SavePrivateAsync(created.KeyMaterial))));
    }

    [Fact]
    public async Task Created_ed25519_key_is_OpenSSH_with_ssh_keygens_SHA256_fingerprint()
    {
        var name = ClcFixture.Unique("ed");
        var created = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name, KeyType = KeyType.Ed25519 });
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", created.KeyMaterial);
        var file = await SavePrivateAsync(created.KeyMaterial);
        Assert.Equal(SshKeygenFingerprint(await SshKeygenAsync("-l", "-f", file)), created.KeyFingerprint.TrimEnd('='));
        var described = Assert.Single((await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyPairIds = [created.KeyPairId], IncludePublicKey = true })).KeyPairs);
        Assert.Equal(KeyType.Ed25519, described.KeyType);
        Assert.Equal(PublicKeyFields(described.PublicKey), PublicKeyFields(await SshKeygenAsync("-y", "-f", file)));
    }

    [Fact]
    public async Task Imported_keys_get_AWSs_fingerprints_MD5_of_the_RSA_public_key_and_SHA256_for_ed25519()
    {
        await SshKeygenAsync("-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "me@laptop", "-f", _work.Combine("rsa"));
        await SshKeygenAsync("-q", "-t", "ed25519", "-N", "", "-f", _work.Combine("ed"));
        var rsaPub = await File.ReadAllTextAsync(_work.Combine("rsa.pub"));
        var rsaName = ClcFixture.Unique("imported-rsa");
        var rsa = await f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = rsaName, PublicKeyMaterial = Base64(rsaPub) });
        using var key = RSA.Create();
        key.ImportFromPem(await SshKeygenAsync("-e", "-m", "PKCS8", "-f", _work.Combine("rsa.pub")));
        Assert.Equal(ColonHex(MD5.HashData(key.ExportSubjectPublicKeyInfo())), rsa.KeyFingerprint);
        Assert.Matches("^key-[0-9a-f]{17}$", rsa.KeyPairId);

        var edName = ClcFixture.Unique("imported-ed");
        var ed = await f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest
        {
            KeyName = edName, PublicKeyMaterial = Base64(await File.ReadAllTextAsync(_work.Combine("ed.pub"))),
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.KeyPair, Tags = [new Tag("Name", "laptop")] }],
        });
        Assert.Equal(SshKeygenFingerprint(await SshKeygenAsync("-l", "-f", _work.Combine("ed.pub"))), ed.KeyFingerprint.TrimEnd('='));
        Assert.Equal("laptop", Assert.Single(ed.Tags).Value);

        // RFC 4716 ("SSH2") format too.
        var rfc4716 = await SshKeygenAsync("-e", "-f", _work.Combine("rsa.pub"));
        var again = await f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = ClcFixture.Unique("ssh2"), PublicKeyMaterial = Base64(rfc4716) });
        Assert.Equal(rsa.KeyFingerprint, again.KeyFingerprint);

        var described = await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [rsaName, edName], IncludePublicKey = true });
        Assert.Equal(PublicKeyFields(rsaPub), PublicKeyFields(described.KeyPairs.Single(k => k.KeyName == rsaName).PublicKey));
    }

    [Fact]
    public async Task Bad_material_duplicates_long_names_and_unknown_types_are_refused()
    {
        await Ec2Assert.FailsAsync("InvalidKeyPair.Format", () => f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest
        {
            KeyName = ClcFixture.Unique("bad"), PublicKeyMaterial = Base64("ssh-rsa bm90IGEga2V5 me"),
        }));
        await Ec2Assert.FailsAsync("InvalidKeyPair.Format", () => f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest
        {
            KeyName = ClcFixture.Unique("bad"), PublicKeyMaterial = Base64("hello world"),
        }));
        var name = ClcFixture.Unique("dup");
        await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name });
        await Ec2Assert.FailsAsync("InvalidKeyPair.Duplicate", () => f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name, KeyType = KeyType.Ed25519 }));
        await SshKeygenAsync("-q", "-t", "ed25519", "-N", "", "-f", _work.Combine("dup"));
        await Ec2Assert.FailsAsync("InvalidKeyPair.Duplicate", async () => await f.AliceEc2.ImportKeyPairAsync(new ImportKeyPairRequest
        {
            KeyName = name, PublicKeyMaterial = Base64(await File.ReadAllTextAsync(_work.Combine("dup.pub"))),
        }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = new string('k', 256) }));
        var longest = ClcFixture.Unique("x").PadRight(255, 'k');
        Assert.Equal(longest, (await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = longest, KeyType = KeyType.Ed25519 })).KeyName);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = ClcFixture.Unique("t"), KeyType = "dsa" }));
    }

    [Fact]
    public async Task Describe_by_name_id_and_filters_and_a_missing_name_is_NotFound()
    {
        var prefix = ClcFixture.Unique("flt");
        var web = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest
        {
            KeyName = prefix + "-web", KeyType = KeyType.Ed25519,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.KeyPair, Tags = [new Tag("Name", "web"), new Tag("team", "blue")] }],
        });
        var db = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = prefix + "-db" });

        async Task<string[]> Names(params Filter[] filters) =>
            ((await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [.. filters] })).KeyPairs ?? []).Select(k => k.KeyName).Order().ToArray();
        Assert.Equal([prefix + "-db", prefix + "-web"], await Names(new Filter("key-name", [prefix + "-*"])));
        Assert.Equal([prefix + "-web"], await Names(new Filter("key-name", [prefix + "-w?b"])));
        Assert.Equal([prefix + "-db"], await Names(new Filter("fingerprint", [db.KeyFingerprint])));
        Assert.Equal([prefix + "-web"], await Names(new Filter("key-pair-id", [web.KeyPairId])));
        Assert.Equal([prefix + "-web"], await Names(new Filter("key-name", [prefix + "-*"]), new Filter("tag-key", ["team"])));
        Assert.Equal([prefix + "-web"], await Names(new Filter("key-name", [prefix + "-*"]), new Filter("tag:Name", ["web", "api"])));
        Assert.Empty(await Names(new Filter("key-name", [prefix + "-*"]), new Filter("tag:Name", ["db"])));

        var byId = await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyPairIds = [db.KeyPairId] });
        Assert.Equal(prefix + "-db", Assert.Single(byId.KeyPairs).KeyName);
        Assert.Null(byId.KeyPairs[0].PublicKey);
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [prefix + "-db", prefix + "-nope"] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new Filter("owner", ["me"])] }));
    }

    [Fact]
    public async Task Delete_by_name_or_id_and_deleting_a_missing_key_succeeds()
    {
        var a = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = ClcFixture.Unique("del"), KeyType = KeyType.Ed25519 });
        var b = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = ClcFixture.Unique("del"), KeyType = KeyType.Ed25519 });
        var byName = await f.AliceEc2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = a.KeyName });
        Assert.True(byName.Return);
        Assert.Equal(a.KeyPairId, byName.KeyPairId);
        await f.AliceEc2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyPairId = b.KeyPairId });
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [a.KeyName] }));
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyPairIds = [b.KeyPairId] }));
        Assert.True((await f.AliceEc2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = a.KeyName })).Return);
        // The name is free again.
        await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = a.KeyName, KeyType = KeyType.Ed25519 });
    }

    [Fact]
    public async Task Accounts_see_and_delete_only_their_own_key_pairs()
    {
        var name = ClcFixture.Unique("mine");
        var alices = await f.AliceEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name, KeyType = KeyType.Ed25519 });
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.BobEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name] }));
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.BobEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyPairIds = [alices.KeyPairId] }));
        Assert.DoesNotContain(((await f.BobEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest())).KeyPairs ?? []), k => k.KeyName == name);
        await f.BobEc2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyPairId = alices.KeyPairId });
        var bobs = await f.BobEc2.CreateKeyAsync(new CreateKeyPairRequest { KeyName = name, KeyType = KeyType.Ed25519 });
        await f.BobEc2.DeleteKeyPairAsync(new DeleteKeyPairRequest { KeyName = name });
        var still = Assert.Single((await f.AliceEc2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name] })).KeyPairs);
        Assert.Equal(alices.KeyPairId, still.KeyPairId);
        Assert.NotEqual(alices.KeyPairId, bobs.KeyPairId);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string ColonHex(byte[] hash) => string.Join(':', hash.Select(b => b.ToString("x2")));

    /// <summary>"ssh-ed25519 AAAA…" without the comment.</summary>
    private static string PublicKeyFields(string line) => string.Join(' ', line.Trim().Split(' ').Take(2));

    /// <summary>The base64 part of "256 SHA256:xxxx comment (ED25519)".</summary>
    private static string SshKeygenFingerprint(string output) => output.Split(' ')[1]["SHA256:".Length..];

    private async Task<string> SavePrivateAsync(string material)
    {
        var path = _work.Combine(Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, material);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static async Task<string> SshKeygenAsync(params string[] args)
    {
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/ssh-keygen", args);
        Assert.True(code == 0, $"ssh-keygen {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }

    public void Dispose() => _work.Dispose();
}

[Collection(SqliteClc.Name)]
public sealed class SqliteKeyPairTests(SqliteClcFixture f) : KeyPairTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresKeyPairTests(PostgresClcFixture f) : KeyPairTests(f);
