using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Ironbark.Common.Pki;

/// <summary>
/// Mutual TLS between components: each side presents its component certificate and accepts only
/// a peer whose certificate chains to the cloud CA (and nothing from the system trust store). A client
/// also requires the server to hold the role it means to call; a server authorizes each call by the
/// client's role (<see cref="RoleAuthorization"/>).
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

    /// <summary>Whether <see cref="ListenGrpc"/> can listen at <paramref name="url"/>: https, at an IP address or localhost.</summary>
    public static bool IsListenUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme == "https"
        && (parsed.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || parsed.Host == "localhost");

    /// <summary>
    /// Listens for gRPC (HTTP/2 over TLS) at <paramref name="url"/>, presenting <paramref name="serverCertificate"/>
    /// and requiring a client certificate the cloud CA signed.
    /// </summary>
    public static void ListenGrpc(KestrelServerOptions kestrel, Uri url, X509Certificate2 serverCertificate, X509Certificate2 ca)
    {
        var address = url.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(url.Host);
        kestrel.Listen(address, url.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (peer, _, _) => IsSignedByCa(peer, ca),
            });
        });
    }

    /// <summary>
    /// An HTTP handler for gRPC clients: presents <paramref name="clientCertificate"/>, trusts only the CA, and talks
    /// only to a server whose certificate names <paramref name="server"/> (a CC configured with an "NC" URL where
    /// Walrus answers refuses it).
    /// </summary>
    public static SocketsHttpHandler ClientHandler(X509Certificate2 clientCertificate, X509Certificate2 ca, ComponentRole server) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [clientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                    return false;
                using var peer = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                if (!IsSignedByCa(peer, ca))
                    return false;
                var role = ComponentRole.Of(peer);
                // Thrown rather than returned false: the message reaches the caller's error (and the CC's node reason).
                if (role != server)
                    throw new AuthenticationException($"The server's certificate '{peer.Subject}' names role {role?.Name ?? "none"}, not {server}: refused.");
                return true;
            },
        },
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    };
}
