using Google.Protobuf.Reflection;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Identity;
using Ironbark.Common.Contracts.Kms;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Common.Pki;

/// <summary>
/// Who may call each internal gRPC method: the one table every component's server enforces
/// (<see cref="RoleAuthorization"/>) and docs/security.md shows. A method missing here is refused to every
/// caller, so a new method is unusable until someone decides who may call it.
/// </summary>
public static class InternalCallPolicy
{
    private static readonly ComponentRole[] Nobody = [];

    private static readonly Dictionary<string, ComponentRole[]> Allowed = new(StringComparer.Ordinal)
    {
        // The NC runs VMs for the CC of its cluster and no one else. The SC joins the volume methods
        // (attach/detach) when they exist; no method here is the SC's today.
        [Method(NodeController.Descriptor, "DescribeNode")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "RunInstance")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "TerminateInstance")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "RebootInstance")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "DescribeInstances")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "GetConsoleOutput")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "ModifyInstanceMetadataOptions")] = [ComponentRole.Cc],
        [Method(NodeController.Descriptor, "ApplyNetworkView")] = [ComponentRole.Cc],

        // The CC serves the CLC; the admin tools may only read the cluster's resources (describe-nodes).
        [Method(ClusterController.Descriptor, "DescribeResources")] = [ComponentRole.Clc, ComponentRole.Admin],
        [Method(ClusterController.Descriptor, "RunInstance")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "TerminateInstance")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "RebootInstance")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "GetConsoleOutput")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "DescribeInstances")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "ModifyInstanceMetadataOptions")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "PutSecurityGroups")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "SetInterfaceGroups")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "AssociateAddress")] = [ComponentRole.Clc],
        [Method(ClusterController.Descriptor, "DisassociateAddress")] = [ComponentRole.Clc],

        // The CLC owns accounts and keys; Walrus checks S3 signatures and ACL grantees against them. The SC
        // joins when it authenticates requests of its own.
        [Method(IdentityService.Descriptor, "ResolveAccessKey")] = [ComponentRole.Walrus],
        [Method(IdentityService.Descriptor, "FindAccount")] = [ComponentRole.Walrus],

        // The CLC holds the customer keys; Walrus makes and opens the data keys of SSE-KMS objects with them.
        [Method(KeyManagement.Descriptor, "GenerateDataKey")] = [ComponentRole.Walrus],
        [Method(KeyManagement.Descriptor, "Decrypt")] = [ComponentRole.Walrus],
    };

    /// <summary>Every method in the table, as gRPC names them (<c>/package.Service/Method</c>).</summary>
    public static IReadOnlyCollection<string> Methods => Allowed.Keys;

    /// <summary>The roles that may call <paramref name="method"/> (<c>/package.Service/Method</c>); none for a method not in the table.</summary>
    public static IReadOnlyList<ComponentRole> AllowedRoles(string method) => Allowed.GetValueOrDefault(method, Nobody);

    public static bool Allows(string method, ComponentRole role) => AllowedRoles(method).Contains(role);

    /// <summary>The gRPC name of a method of a contract, checked against the contract so the table cannot name one that does not exist.</summary>
    private static string Method(ServiceDescriptor service, string name) =>
        service.FindMethodByName(name) is { } method
            ? $"/{service.FullName}/{method.Name}"
            : throw new InvalidOperationException($"The contract {service.FullName} has no method {name}.");
}
