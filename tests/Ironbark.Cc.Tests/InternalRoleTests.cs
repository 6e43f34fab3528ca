using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Identity;
using Ironbark.Common.Contracts.Kms;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>
/// Every internal method against every role, with real certificates of one cloud CA: a role the policy does not
/// name is refused (PermissionDenied) before the method runs, a role it names reaches the method. Driven by
/// <see cref="InternalCallPolicy"/> itself, so a method added to the table is tested here without a line more.
/// </summary>
[Collection(RoleCollection.Name)]
public sealed class InternalRoleTests(RoleFixture f)
{
    public static TheoryData<string, string> MethodsAndRoles()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in InternalCallPolicy.Methods)
            foreach (var role in ComponentRole.All)
                data.Add(method, role.Name);
        return data;
    }

    public static TheoryData<string> Methods() => [.. InternalCallPolicy.Methods];

    [Theory]
    [MemberData(nameof(MethodsAndRoles))]
    public async Task A_role_not_in_the_policy_is_refused_and_a_role_in_it_reaches_the_method(string method, string roleName)
    {
        var role = ComponentRole.Named(roleName)!;
        using var certificate = f.Pki.Load(role);

        var status = await f.CallAsync(method, certificate);

        var allowed = InternalCallPolicy.AllowedRoles(method);
        if (allowed.Contains(role))
            // An empty request is either answered or refused by the method itself (a malformed or unknown instance id).
            Assert.Contains(status.StatusCode, new[] { StatusCode.OK, StatusCode.InvalidArgument, StatusCode.NotFound });
        else
        {
            Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
            Assert.Equal($"Role {role} may not call {method}; it is for role {string.Join(" or ", allowed)}.", status.Detail);
        }
    }

    [Fact]
    public void The_nc_serves_only_the_cc_the_cc_only_the_clc_and_the_admin_describe_and_the_clc_identity_and_keys_only_walrus()
    {
        foreach (var method in NodeController.Descriptor.Methods)
            Assert.Equal([ComponentRole.Cc], InternalCallPolicy.AllowedRoles($"/{NodeController.Descriptor.FullName}/{method.Name}"));
        foreach (var method in ClusterController.Descriptor.Methods)
            Assert.Equal(method.Name == "DescribeResources" ? [ComponentRole.Clc, ComponentRole.Admin] : [ComponentRole.Clc],
                InternalCallPolicy.AllowedRoles($"/{ClusterController.Descriptor.FullName}/{method.Name}"));
        foreach (var method in IdentityService.Descriptor.Methods)
            Assert.Equal([ComponentRole.Walrus], InternalCallPolicy.AllowedRoles($"/{IdentityService.Descriptor.FullName}/{method.Name}"));
        foreach (var method in KeyManagement.Descriptor.Methods)
            Assert.Equal([ComponentRole.Walrus], InternalCallPolicy.AllowedRoles($"/{KeyManagement.Descriptor.FullName}/{method.Name}"));
        Assert.DoesNotContain(InternalCallPolicy.Methods, m => InternalCallPolicy.Allows(m, ComponentRole.Walrus)
            && !m.Contains(".identity.", StringComparison.Ordinal) && !m.Contains(".kms.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_method_of_every_internal_contract_is_in_the_policy_and_nothing_else_is()
    {
        ServiceDescriptor[] contracts = [NodeController.Descriptor, ClusterController.Descriptor, IdentityService.Descriptor, KeyManagement.Descriptor];
        var methods = contracts.SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}")).Order().ToList();

        Assert.Equal(methods, InternalCallPolicy.Methods.Order().ToList());
        Assert.Empty(InternalCallPolicy.AllowedRoles($"/{NodeController.Descriptor.FullName}/AttachVolume"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("urn:ironbark:role:cc urn:ironbark:role:clc")]
    [InlineData("urn:ironbark:role:root")]
    [InlineData("URN:IRONBARK:ROLE:cc")]
    [InlineData("spiffe://ironbark/cc urn:example:role:clc")]
    public async Task A_cloud_certificate_without_exactly_one_known_role_is_refused_every_method(string uris)
    {
        // Signed by the cloud's own CA, so it passes the handshake; what it may do is nothing.
        using var certificate = TestCertificates.SignedByCloudCa(f.Pki, "ironbark-cc", uris.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Null(ComponentRole.Of(certificate));
        foreach (var method in InternalCallPolicy.Methods)
        {
            var status = await f.CallAsync(method, certificate);

            Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
            Assert.Equal("The client certificate 'CN=ironbark-cc' names no Ironbark role (one subject alternative name urn:ironbark:role:NAME); " +
                         "it predates roles: re-issue it with `ironbark init` where the cloud CA key is.", status.Detail);
        }
    }

    [Theory]
    [InlineData("none", "nc")]
    [InlineData("none", "cc")]
    [InlineData("self-signed", "nc")]
    [InlineData("self-signed", "cc")]
    [InlineData("forged CA", "nc")]
    [InlineData("forged CA", "cc")]
    public async Task A_client_without_a_certificate_of_the_cloud_ca_is_refused_in_the_handshake(string kind, string server)
    {
        var method = InternalCallPolicy.Methods.First(m => m.StartsWith($"/ironbark.{server}.v1.", StringComparison.Ordinal));
        var (endpoint, serverRole) = f.Serving(method);
        var allowed = InternalCallPolicy.AllowedRoles(method)[0];
        using var certificate = kind switch
        {
            "self-signed" => IntruderCertificate.Create(),
            // Same CA name, the role the method wants: only the CA's key may count.
            "forged CA" => TestCertificates.FromForgedCa(allowed),
            _ => null,
        };
        var handler = MutualTls.ClientHandler(certificate ?? f.Pki.Load(allowed), f.Pki.LoadCa(), serverRole);
        if (certificate is null)
            handler.SslOptions.ClientCertificates = null;
        using var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        var error = await Assert.ThrowsAsync<RpcException>(() => server == "nc"
            ? new NodeController.NodeControllerClient(channel).DescribeNodeAsync(new DescribeNodeRequest()).ResponseAsync
            : new ClusterController.ClusterControllerClient(channel).DescribeResourcesAsync(new DescribeResourcesRequest()).ResponseAsync);

        // Refused in the TLS handshake: the call fails before any answer (Unavailable or, when the connection drops
        // mid-setup, Internal), with the transport's exception, never an application status from the server.
        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.NotNull(error.Status.DebugException);
    }

    [Fact]
    public async Task Walrus_cannot_launch_on_a_node_nor_through_its_cluster_and_nothing_is_started()
    {
        using var walrus = f.Pki.Load(ComponentRole.Walrus);
        var launch = new RunInstanceRequest
        {
            InstanceId = ClusterFixture.NewInstanceId(), Cores = 1, MemoryMib = 128,
            Kernel = new ImageRef { Id = "vmlinux", Bucket = "images", Key = "vmlinux", Sha256 = new string('0', 64) },
        };
        using (var toNode = f.Channel($"/{NodeController.Descriptor.FullName}/RunInstance", walrus))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => new NodeController.NodeControllerClient(toNode).RunInstanceAsync(launch).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Equal("Role walrus may not call /ironbark.nc.v1.NodeController/RunInstance; it is for role cc.", error.Status.Detail);
        }
        using (var toCluster = f.Channel($"/{ClusterController.Descriptor.FullName}/RunInstance", walrus))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => new ClusterController.ClusterControllerClient(toCluster).RunInstanceAsync(launch).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
            Assert.Equal("Role walrus may not call /ironbark.cc.v1.ClusterController/RunInstance; it is for role clc.", error.Status.Detail);
        }

        Assert.Empty(f.Node.Instances.Describe([]));
        using var cc = f.Pki.Load(ComponentRole.Cc);
        using var asCc = f.Channel($"/{NodeController.Descriptor.FullName}/DescribeInstances", cc);
        Assert.Empty((await new NodeController.NodeControllerClient(asCc).DescribeInstancesAsync(new DescribeInstancesRequest())).Instances);
    }
}
