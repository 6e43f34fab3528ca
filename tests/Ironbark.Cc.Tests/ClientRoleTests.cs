using Ironbark.Common.Pki;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The client's half of roles: the CC talks to a node only if the node's certificate names the role nc, so an
/// "NC" URL where Walrus (or anything else of the cloud) answers gets no instance and no placement.
/// </summary>
[Collection(RoleCollection.Name)]
public sealed class ClientRoleTests(RoleFixture f)
{
    [Theory]
    [InlineData("walrus", "The server's certificate 'CN=ironbark-walrus' names role walrus, not nc: refused.")]
    [InlineData("cc", "The server's certificate 'CN=ironbark-cc' names role cc, not nc: refused.")]
    [InlineData("none", "The server's certificate 'CN=ironbark-nc' names role none, not nc: refused.")]
    public async Task The_cc_refuses_a_node_whose_certificate_names_another_role_or_none(string presented, string reason)
    {
        using var certificate = presented == "none"
            ? TestCertificates.SignedByCloudCa(f.Pki, "ironbark-nc")
            : f.Pki.Load(ComponentRole.Named(presented)!);
        await using var impostor = await ImpostorServer<ImpostorNode>.StartAsync(new ImpostorNode(), certificate, f.Pki.LoadCa());

        // The CC polls its nodes once before it serves: the answer is in when StartAsync returns.
        await using var cluster = await f.StartClusterAsync($"zone-{presented}", [impostor.Endpoint.ToString()]);

        var node = Assert.Single(cluster.Registry.Nodes);
        Assert.False(node.Up);
        Assert.Contains(reason, node.Reason);
        Assert.Equal(0, impostor.Service.Calls);
        await cluster.StopAsync();
    }

    [Fact]
    public async Task The_same_server_presenting_the_nc_certificate_is_polled_as_a_node()
    {
        using var certificate = f.Pki.Load(ComponentRole.Nc);
        await using var impostor = await ImpostorServer<ImpostorNode>.StartAsync(new ImpostorNode(), certificate, f.Pki.LoadCa());

        await using var cluster = await f.StartClusterAsync("zone-nc", [impostor.Endpoint.ToString()]);

        var node = Assert.Single(cluster.Registry.Nodes);
        Assert.True(node.Up, node.Reason);
        Assert.Equal("impostor", node.NodeId);
        Assert.True(impostor.Service.Calls >= 2);
        await cluster.StopAsync();
    }
}
