using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ironbark.Common.Pki;

/// <summary>
/// Mutual TLS between components: each side presents its component certificate and accepts only
/// a peer whose certificate chains to the cloud CA (and nothing from the system trust store).
/// </summary>
public static class MutualTls
{
    /// <summary>Whether <paramref name="peer"/> was issued by the cloud CA.</summary>
    public static bool IsSignedByCa(X509Certificate2? peer, X509Certificate2 ca)
    {
        if (peer is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (!chain.Build(peer))
            return false;
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }

    /// <summary>An HTTP handler for gRPC clients: presents <paramref name="clientCertificate"/>, trusts only the CA.</summary>
    public static SocketsHttpHandler ClientHandler(X509Certificate2 clientCertificate, X509Certificate2 ca) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && IsSignedByCa(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), ca),
        },
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    };
}
