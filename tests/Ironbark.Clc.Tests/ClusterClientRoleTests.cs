using Ironbark.Clc.Drivers;
using Ironbark.Common.Pki;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests;

/// <summary>
/// The CLC's client of the Cluster Controllers talks only to a server whose certificate names the role cc: a zone
/// configured with a URL where Walrus (or another component of the cloud) answers gets no call at all.
/// </summary>
public sealed class ClusterClientRoleTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CloudCertificates _pki;

    public ClusterClientRoleTests()
    {
        _pki = new CloudCertificates(_dir.Combine("pki"));
        _pki.EnsureCreated();
    }

    [Theory]
    [InlineData("walrus", null)]
    [InlineData("nc", null)]
    [InlineData("cc", "impostor")]
    public async Task The_clc_calls_a_cluster_only_when_its_certificate_names_the_role_cc(string presented, string? answered)
    {
        using var certificate = _pki.Load(ComponentRole.Named(presented)!);
        await using var server = await ImpostorServer<ImpostorCluster>.StartAsync(new ImpostorCluster(), certificate, _pki.LoadCa());
        using var client = new ClusterClient(new ClcOptions
        {
            DataDir = _dir.Path, ClusterControllers = new Dictionary<string, string> { ["zone-1"] = server.Endpoint.ToString() },
        });

        if (answered is not null)
        {
            Assert.Equal(answered, (await client.DescribeResourcesAsync("zone-1", CancellationToken.None)).Cluster);
            return;
        }
        var refused = await Assert.ThrowsAsync<ClusterException>(() => client.DescribeResourcesAsync("zone-1", CancellationToken.None));
        Assert.Equal((ClusterFailure.Unavailable, "Unavailable"), (refused.Failure, refused.Code));
        Assert.Contains($"The server's certificate 'CN=ironbark-{presented}' names role {presented}, not cc: refused.", refused.Message);
        Assert.Equal(0, server.Service.Calls);
    }

    public void Dispose() => _dir.Dispose();
}
