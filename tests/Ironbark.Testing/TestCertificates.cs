using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ironbark.Common.Pki;

namespace Ironbark.Testing;

/// <summary>
/// Certificates a cloud must refuse, or must treat by their role: issued by the cloud's own CA with whatever
/// subject alternative name URIs a test asks for (none, as before roles), or by a forged CA of the same name.
/// </summary>
public static class TestCertificates
{
    /// <summary>Makes <paramref name="dataDir"/> hold a copy of the cloud's PKI, as the data directory of another host would; returns it.</summary>
    public static string CopyPkiInto(CloudCertificates pki, string dataDir)
    {
        Directory.CreateDirectory(Path.Combine(dataDir, "pki"));
        foreach (var file in Directory.GetFiles(pki.Directory))
            File.Copy(file, Path.Combine(dataDir, "pki", Path.GetFileName(file)));
        return dataDir;
    }

    /// <summary>A certificate of the cloud CA in <paramref name="pki"/> naming exactly <paramref name="uris"/> (none: no role).</summary>
    public static X509Certificate2 SignedByCloudCa(CloudCertificates pki, string commonName, params string[] uris)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(pki.CaKeyPath));
        using var ca = pki.LoadCa();
        using var caWithKey = ca.CopyWithPrivateKey(caKey);
        return Leaf(caWithKey, commonName, uris);
    }

    /// <summary>
    /// A certificate naming <paramref name="role"/> from a CA that calls itself what the cloud's CA does
    /// ("CN=Ironbark Cloud CA") but has a key of its own: the name must count for nothing.
    /// </summary>
    public static X509Certificate2 FromForgedCa(ComponentRole role)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Ironbark Cloud CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Outlives the leaf's day: a leaf may not end after its issuer, and its clock is read a moment later.
        using var forged = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        return Leaf(forged, $"ironbark-{role}", [role.Uri.ToString()]);
    }

    /// <summary>Writes <paramref name="certificate"/> and its key as a role's PEM files, as an older release left them.</summary>
    public static void WriteAs(CloudCertificates pki, ComponentRole role, X509Certificate2 certificate)
    {
        File.WriteAllText(pki.CertificatePath(role), certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(pki.KeyPath(role), key.ExportPkcs8PrivateKeyPem());
    }

    private static X509Certificate2 Leaf(X509Certificate2 issuer, string commonName, IEnumerable<string> uris)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        foreach (var uri in uris)
            san.AddUri(new Uri(uri));
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        using var withKey = certificate.CopyWithPrivateKey(key);
        // As PKCS#12, so the key is usable by the platform TLS stack.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
