using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Utilities;
using Org.BouncyCastle.Security;

namespace Ironbark.Clc.Domain;

/// <summary>A freshly made key pair: the private key as handed to the user (once), the public key and AWS's fingerprint.</summary>
public sealed record GeneratedKey(string PrivateKeyMaterial, SshPublicKey PublicKey, string Fingerprint);

/// <summary>Makes the key pairs CreateKeyPair returns, in the formats and with the fingerprints AWS uses.</summary>
public static class KeyPairGenerator
{
    /// <summary>
    /// RSA 2048: the private key in PEM (PKCS#1, "BEGIN RSA PRIVATE KEY", as AWS returns it); the
    /// fingerprint is the SHA-1 of the PKCS#8 DER private key, colon-separated hex.
    /// </summary>
    public static GeneratedKey Rsa()
    {
        using var rsa = RSA.Create(2048);
        var fingerprint = SshPublicKey.ColonHex(SHA1.HashData(rsa.ExportPkcs8PrivateKey()));
        return new GeneratedKey(rsa.ExportRSAPrivateKeyPem() + "\n", SshPublicKey.FromRsa(rsa.ExportParameters(false)), fingerprint);
    }

    /// <summary>
    /// Ed25519 (which .NET lacks, hence BouncyCastle): the private key in the OpenSSH format; the
    /// fingerprint is the base64 SHA-256 of the public key blob.
    /// </summary>
    public static GeneratedKey Ed25519()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var publicKey = SshPublicKey.FromEd25519(((Ed25519PublicKeyParameters)pair.Public).GetEncoded());
        var encoded = OpenSshPrivateKeyUtilities.EncodePrivateKey((Ed25519PrivateKeyParameters)pair.Private);
        var base64 = Convert.ToBase64String(encoded);
        var lines = Enumerable.Range(0, (base64.Length + 69) / 70).Select(i => base64.Substring(i * 70, Math.Min(70, base64.Length - i * 70)));
        var pem = $"-----BEGIN OPENSSH PRIVATE KEY-----\n{string.Join('\n', lines)}\n-----END OPENSSH PRIVATE KEY-----\n";
        return new GeneratedKey(pem, publicKey, publicKey.ImportedFingerprint());
    }
}
