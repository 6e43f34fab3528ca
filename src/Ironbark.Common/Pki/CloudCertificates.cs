using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ironbark.Common.Pki;

/// <summary>
/// The cloud's certificate authority and the certificates of its components, kept as PEM files in
/// DATA/pki (keys mode 0600). `ironbark init` creates them; every internal call is mutual TLS
/// between certificates of this CA.
/// </summary>
public sealed class CloudCertificates(string pkiDir)
{
    public static readonly string[] Components = ["clc", "walrus", "cc", "sc", "nc"];

    public string Directory { get; } = pkiDir;
    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");
    private string CaKeyPath => Path.Combine(Directory, "ca.key");

    public bool Exists => File.Exists(CaCertificatePath);

    /// <summary>Creates the CA and one certificate per component unless they exist; returns whether anything was created.</summary>
    public bool EnsureCreated()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var created = false;
        if (!Exists)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=Ironbark Cloud CA", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(20));
            WritePrivate(CaKeyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(CaCertificatePath, ca.ExportCertificatePem());
            created = true;
        }
        foreach (var component in Components)
            if (!File.Exists(CertificatePath(component)))
            {
                Issue(component);
                created = true;
            }
        return created;
    }

    public string CertificatePath(string component) => Path.Combine(Directory, component + ".crt");
    public string KeyPath(string component) => Path.Combine(Directory, component + ".key");

    public X509Certificate2 LoadCa() => X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath));

    /// <summary>A component's certificate with its private key, usable for TLS on both ends.</summary>
    public X509Certificate2 Load(string component)
    {
        using var pem = X509Certificate2.CreateFromPemFile(CertificatePath(component), KeyPath(component));
        // Re-import as PKCS#12 so the key is usable by the platform TLS stack.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Issues (or re-issues) a component certificate signed by the CA, for server and client use on loopback and this host.</summary>
    public void Issue(string component)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(CaKeyPath));
        using var caCert = LoadCa();
        using var caWithKey = caCert.CopyWithPrivateKey(caKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=ironbark-{component}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Dns.GetHostName());
        san.AddDnsName($"ironbark-{component}");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var cert = request.Create(caWithKey, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5), serial);
        WritePrivate(KeyPath(component), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CertificatePath(component), cert.ExportCertificatePem());
    }

    private static void WritePrivate(string path, string pem)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
