using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Pki;

namespace Ironbark.Commands;

/// <summary>
/// `ironbark admin describe-nodes`: the nodes of a cluster as its CC sees them (state, capacity, free,
/// instances, last answer), asked over mutual TLS with the `admin` certificate (the host must hold DATA/pki), whose
/// role may read the cluster's resources and do nothing else.
/// </summary>
public static class DescribeNodesCommand
{
    public static Command Create()
    {
        var cc = new Option<string?>("--cc") { Description = "The Cluster Controller's gRPC URL (default: the one this data directory announced)" };
        return HomeCommand.Bind(new Command("describe-nodes", "List a cluster's nodes with their state, capacity and instances") { cc }, async (parse, home, _, ct) =>
        {
            var url = parse.GetValue(cc) ?? home.ReadEndpoints().CcUrl;
            if (url is null)
            {
                Console.Error.WriteLine("No Cluster Controller is known here: give --cc URL, or start one (`ironbark up` or `ironbark cc`).");
                return 1;
            }
            var pki = home.Pki;
            X509Certificate2 admin;
            try
            {
                admin = pki.Load(ComponentRole.Admin);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = MutualTls.ClientHandler(admin, pki.LoadCa(), ComponentRole.Cc), DisposeHttpClient = true,
            });
            ClusterResources resources;
            try
            {
                resources = await new ClusterController.ClusterControllerClient(channel)
                    .DescribeResourcesAsync(new DescribeResourcesRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
            }
            catch (RpcException e)
            {
                Console.Error.WriteLine($"The Cluster Controller at {url} did not answer: {e.StatusCode}: {e.Status.Detail}");
                return 1;
            }
            Console.WriteLine($"Cluster {resources.Cluster} at {url}, placement {resources.PlacementPolicy}");
            Console.WriteLine("NODE\tURL\tSTATE\tCORES FREE/TOTAL\tMEMORY MiB FREE/TOTAL\tINSTANCES\tLAST SEEN\tREASON");
            foreach (var n in resources.Nodes)
            {
                var seen = n.LastSeenMs == 0 ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(n.LastSeenMs).UtcDateTime.ToString("u");
                Console.WriteLine($"{(n.NodeId.Length > 0 ? n.NodeId : "-")}\t{n.Url}\t{n.State}\t{n.CoresFree}/{n.CoresTotal}\t" +
                                  $"{n.MemoryMibFree}/{n.MemoryMibTotal}\t{n.Instances}\t{seen}\t{n.Reason}");
            }
            return 0;
        });
    }
}
