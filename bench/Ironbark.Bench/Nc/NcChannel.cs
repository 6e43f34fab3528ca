using Grpc.Net.Client;
using Ironbark.Common.Pki;

namespace Ironbark.Bench.Nc;

/// <summary>A gRPC channel to an NC as the CC calls it: mutual TLS with the cloud's `cc` certificate, trusting only the cloud CA.</summary>
public static class NcChannel
{
    public static GrpcChannel AsCc(string dataDir, string ncUrl)
    {
        var pki = new CloudCertificates(Path.Combine(dataDir, "pki"));
        return GrpcChannel.ForAddress(ncUrl, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(pki.Load(ComponentRole.Cc), pki.LoadCa(), ComponentRole.Nc) });
    }
}
