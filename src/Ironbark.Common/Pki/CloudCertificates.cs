using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ironbark.Common.Pki;

/// <summary>
/// The cloud's certificate authority and one certificate per role (<see cref="ComponentRole"/>), kept as PEM
/// files in DATA/pki (keys mode 0600). `ironbark init` creates them; every internal call is mutual TLS
/// between certificates of this CA, authorized by the role each names.
/// </summary>
public sealed class CloudCertificates(string pkiDir)
{
    public string Directory { get; } = pkiDir;
    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");
    public string CaKeyPath => Path.Combine(Directory, "ca.key");

    public bool Exists => File.Exists(CaCertificatePath);

    /// <summary>
    /// Creates the CA and one certificate per role unless they exist, and re-issues (with the same key) a certificate
    /// that does not name its role, as those made before roles; both only where the CA key is. Returns whether anything was written.
    /// </summary>
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
        // A host holding only copies of certificates has nothing to issue with; Load says what is missing there.
        if (!File.Exists(CaKeyPath))
            return created;
        foreach (var role in ComponentRole.All)
            if (!NamesRole(role))
            {
                Issue(role);
                created = true;
            }
        return created;
    }

    public string CertificatePath(ComponentRole role) => Path.Combine(Directory, role.Name + ".crt");
    public string KeyPath(ComponentRole role) => Path.Combine(Directory, role.Name + ".key");

    public X509Certificate2 LoadCa() => X509Certificate2.CreateFromPem(File.ReadAllText(CaCertificatePath));

    /// <summary>A role's certificate with its private key, usable for TLS on both ends; refused unless it names that role.</summary>
    public X509Certificate2 Load(ComponentRole role)
    {
        if (!File.Exists(CertificatePath(role)))
            throw new InvalidOperationException($"No certificate for role {role} in {Directory}: run `ironbark init` where the cloud CA key is.");
        using var pem = X509Certificate2.CreateFromPemFile(CertificatePath(role), KeyPath(role));
        if (ComponentRole.Of(pem) != role)
            throw new InvalidOperationException($"{CertificatePath(role)} does not name the role {role} (it predates roles): " +
                                                "run `ironbark init` (or `ironbark up`) where the cloud CA key is to re-issue it, and copy it here.");
        // Re-import as PKCS#12 so the key is usable by the platform TLS stack.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Whether the role's certificate file holds a certificate naming that role (false when there is none or it does not parse).</summary>
    private bool NamesRole(ComponentRole role)
    {
        if (!File.Exists(CertificatePath(role)))
            return false;
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath(role)));
            return ComponentRole.Of(certificate) == role;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Issues (or re-issues) a role's certificate signed by the CA, for server and client use on loopback and this host.
    /// An existing key is kept, so a re-issue rewrites only the certificate.
    /// </summary>
    public void Issue(ComponentRole role)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(File.ReadAllText(CaKeyPath));
        using var caCert = LoadCa();
        using var caWithKey = caCert.CopyWithPrivateKey(caKey);
        var keptKey = ExistingKey(role);
        using var key = keptKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=ironbark-{role}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Dns.GetHostName());
        san.AddDnsName($"ironbark-{role}");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddUri(role.Uri);
        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var cert = request.Create(caWithKey, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5), serial);
        if (keptKey is null)
            WritePrivate(KeyPath(role), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CertificatePath(role), cert.ExportCertificatePem());
    }

    /// <summary>The role's private key when its file holds one, else null (none yet, or unreadable: a new key is made).</summary>
    private ECDsa? ExistingKey(ComponentRole role)
    {
        if (!File.Exists(KeyPath(role)))
            return null;
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(KeyPath(role)));
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
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
