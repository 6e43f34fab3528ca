using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>The role in each certificate of DATA/pki, and what becomes of the certificates made before roles.</summary>
public sealed class CertificateRoleTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CloudCertificates _pki;

    public CertificateRoleTests()
    {
        _pki = new CloudCertificates(_dir.Combine("pki"));
        _pki.EnsureCreated();
    }

    [Fact]
    public void Every_role_has_a_certificate_naming_it_in_a_san_uri_beside_its_common_name()
    {
        foreach (var role in ComponentRole.All)
        {
            using var certificate = _pki.Load(role);

            Assert.Same(role, ComponentRole.Of(certificate));
            Assert.Equal($"CN=ironbark-{role}", certificate.Subject);
            // Read by the platform's own formatter, not by ComponentRole's parser.
            Assert.Contains($"urn:ironbark:role:{role}", certificate.Extensions["2.5.29.17"]!.Format(false));
            Assert.True(certificate.HasPrivateKey);
        }
    }

    [Fact]
    public void A_certificate_made_before_roles_is_reissued_with_its_own_key_where_the_ca_key_is()
    {
        using var old = TestCertificates.SignedByCloudCa(_pki, "ironbark-nc");
        TestCertificates.WriteAs(_pki, ComponentRole.Nc, old);
        var keyFile = File.ReadAllText(_pki.KeyPath(ComponentRole.Nc));
        var walrus = File.ReadAllText(_pki.CertificatePath(ComponentRole.Walrus));

        Assert.True(_pki.EnsureCreated());

        using var reissued = _pki.Load(ComponentRole.Nc);
        Assert.Same(ComponentRole.Nc, ComponentRole.Of(reissued));
        Assert.NotEqual(old.SerialNumber, reissued.SerialNumber);
        Assert.Equal(old.GetPublicKey(), reissued.GetPublicKey());
        Assert.Equal(keyFile, File.ReadAllText(_pki.KeyPath(ComponentRole.Nc)));
        Assert.True(MutualTls.IsSignedByCa(reissued, _pki.LoadCa()));
        // Only what lacked its role was touched; a second start finds nothing to do.
        Assert.Equal(walrus, File.ReadAllText(_pki.CertificatePath(ComponentRole.Walrus)));
        Assert.False(_pki.EnsureCreated());
    }

    [Fact]
    public async Task Without_the_ca_key_a_certificate_made_before_roles_is_left_and_its_component_will_not_start_with_it()
    {
        var host = new CloudCertificates(_dir.Combine("host", "pki"));
        Directory.CreateDirectory(host.Directory);
        foreach (var file in Directory.GetFiles(_pki.Directory).Where(f => f != _pki.CaKeyPath))
            File.Copy(file, Path.Combine(host.Directory, Path.GetFileName(file)));
        using var old = TestCertificates.SignedByCloudCa(_pki, "ironbark-nc");
        TestCertificates.WriteAs(host, ComponentRole.Nc, old);

        Assert.False(host.EnsureCreated());
        Assert.Equal(old.ExportCertificatePem(), File.ReadAllText(host.CertificatePath(ComponentRole.Nc)));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NcServer.StartAsync(new NcOptions
        {
            DataDir = _dir.Combine("host"), Url = "https://127.0.0.1:0", Hypervisor = "fake",
            WalrusUrl = "http://127.0.0.1:9", AccessKeyId = "unused", SecretAccessKey = "unused",
        }));
        Assert.Equal($"{host.CertificatePath(ComponentRole.Nc)} does not name the role nc (it predates roles): run `ironbark init` " +
                     "(or `ironbark up`) where the cloud CA key is to re-issue it, and copy it here.", refused.Message);
    }

    public void Dispose() => _dir.Dispose();
}
