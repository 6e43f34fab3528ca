using Ironbark.Cc;
using Ironbark.Clc;
using Ironbark.Clc.Identity;
using Ironbark.Common.Auth;
using Ironbark.Common.Keys;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Nc.Drivers;
using Ironbark.Walrus;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Drivers;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cloud;

/// <summary>
/// The entries of a composition, one per component, with the wiring between components: each takes its options
/// as a function of the components started before it (an NC's Walrus URL is where this cloud's Walrus answers).
/// </summary>
public static class CloudComponents
{
    /// <summary>
    /// Walrus, authenticating through the CLC's identity service: this cloud's own CLC when it runs one (it starts
    /// after Walrus, so its address is asked for when first needed), else <paramref name="clcUrl"/>. A test of Walrus
    /// alone may hand in <paramref name="credentials"/> instead (the CLC's account store itself), and an
    /// <paramref name="objectStore"/> other than files under the data directory (a disk that fails on purpose), and
    /// <paramref name="keys"/> (the CLC's key service itself) for SSE-KMS.
    /// </summary>
    public static CloudComposition AddWalrus(this CloudComposition composition, Func<RunningCloud, WalrusOptions> options,
        Func<string?>? clcUrl = null, ICredentialSource? credentials = null, Func<WalrusOptions, IObjectStore>? objectStore = null,
        Action<ILoggingBuilder>? logging = null, IKeyService? keys = null) =>
        composition.Add((cloud, ct) =>
        {
            var walrus = options(cloud);
            var source = credentials ?? cloud.Owns(new IdentityClient(new CloudCertificates(Path.Combine(walrus.DataDir, "pki")),
                () => cloud.Find<ClcServer>()?.InternalEndpoint.ToString() ?? clcUrl?.Invoke()));
            return WalrusServer.StartAsync(walrus, source, ct, logging, objectStore, keys);
        });

    /// <summary>An NC running VMs on <paramref name="hypervisor"/> when given, else on the one its options name (QEMU, or the fake for scale runs).</summary>
    public static CloudComposition AddNc(this CloudComposition composition, Func<RunningCloud, NcOptions> options, Action<ILoggingBuilder>? logging = null,
        IHypervisor? hypervisor = null) =>
        composition.Add((cloud, ct) => NcServer.StartAsync(options(cloud), ct, logging, hypervisor));

    public static CloudComposition AddCc(this CloudComposition composition, Func<RunningCloud, CcOptions> options, Action<ILoggingBuilder>? logging = null) =>
        composition.Add((cloud, ct) => CcServer.StartAsync(options(cloud), ct, logging));

    /// <summary>The CLC over <paramref name="accounts"/>, the identity state it owns (the host opens it: `init` and `admin` share it).</summary>
    public static CloudComposition AddClc(this CloudComposition composition, Func<RunningCloud, ClcOptions> options, AccountStore accounts,
        Action<ILoggingBuilder>? logging = null) =>
        composition.Add((cloud, ct) => ClcServer.StartAsync(options(cloud), accounts, ct, logging));

    /// <summary>The address a component announces: its endpoint without the trailing slash.</summary>
    public static string Url(this Common.Hosting.IComponentServer server) => server.Endpoint.ToString().TrimEnd('/');
}
