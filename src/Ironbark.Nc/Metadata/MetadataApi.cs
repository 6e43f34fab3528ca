using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ironbark.Nc.Domain;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Metadata;

/// <summary>
/// The EC2 instance metadata service, answered by the node for its own VMs from the data sent with
/// the launch: /latest/meta-data/…, /latest/user-data, and IMDSv2 session tokens. The asking VM
/// is known by the connection it came in on (see <see cref="PeerProcess"/>); its metadata options
/// (<see cref="MetadataAccess"/>) decide whether it is answered, and whether it needs a token.
/// </summary>
public sealed class MetadataApi(InstanceManager instances, ILogger<MetadataApi> log)
{
    private const string TokenHeader = "X-aws-ec2-metadata-token";
    private const string TtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
    private const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>A request on the node's metadata socket (USER networking), known by the forwarder process on the other end.</summary>
    public Task HandleAsync(HttpContext http) => AnswerAsync(http, Identify(http));

    /// <summary>
    /// A request on the metadata listener of a VPC namespace: the asker is the running VM of that VNI whose private address
    /// the connection comes from (anti-spoofing lets a tap send only its own address), never anything the request claims.
    /// </summary>
    public Task HandleInVpcAsync(HttpContext http, uint vni)
    {
        var from = http.Connection.RemoteIpAddress?.MapToIPv4().ToString();
        var instance = from is null ? null : instances.FindRunningAt(vni, from);
        if (instance is null)
            log.LogWarning("Metadata request from {Address} in VNI {Vni}, which is no running instance of this node", from, vni);
        // The hop limit is the TTL of the answer's packets: 1 reaches the VM itself and nothing routed behind it (a container, a proxy).
        else if (http.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            socket.Ttl = (short)instance.MetadataAccess.HopLimit;
        return AnswerAsync(http, instance);
    }

    private async Task AnswerAsync(HttpContext http, Instance? instance)
    {
        if (instance is null)
        {
            await TextAsync(http, 403, "Forbidden: the request does not come from an instance of this node");
            return;
        }
        var access = instance.MetadataAccess;
        if (!access.EndpointEnabled)
        {
            // HttpEndpoint=disabled: EC2's metadata service answers such an instance 403 Forbidden, whatever it asks.
            await TextAsync(http, 403, "Forbidden");
            return;
        }
        var path = MetadataVersion.AsLatest(http.Request.Path.Value ?? "/");
        if (HttpMethods.IsPut(http.Request.Method) && path == "/latest/api/token")
        {
            // A token PUT that went through a proxy (X-Forwarded-For) is refused, as EC2 does: an open reverse proxy or
            // SSRF on the instance must not be able to fetch a session token for whoever is behind it.
            if (http.Request.Headers.ContainsKey(ForwardedForHeader))
                await TextAsync(http, 403, "Forbidden");
            else
                await IssueTokenAsync(http, instance);
            return;
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await TextAsync(http, 405, "Method Not Allowed");
            return;
        }
        // HttpTokens=required turns IMDSv1 off: a GET without a session token is 401, as a bad or expired token is.
        var hasToken = http.Request.Headers.TryGetValue(TokenHeader, out var token);
        if (hasToken ? !ValidToken(instance, token.ToString()) : access.TokensRequired)
        {
            await TextAsync(http, 401, "Unauthorized");
            return;
        }
        if (path == "/latest/user-data")
        {
            var data = instance.Request.Data?.UserData;
            if (data is null || data.IsEmpty)
            {
                await TextAsync(http, 404, "Not Found");
                return;
            }
            http.Response.ContentType = "application/octet-stream";
            await http.Response.Body.WriteAsync(data.Memory);
            return;
        }
        const string prefix = "/latest/meta-data";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            await TextAsync(http, 404, "Not Found");
            return;
        }
        var answer = MetadataTree.Lookup(instance, instances.InForce(instance), path[prefix.Length..].Trim('/'));
        await (answer is null ? TextAsync(http, 404, "Not Found") : TextAsync(http, 200, answer));
    }

    private Instance? Identify(HttpContext http)
    {
        var socket = http.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null || PeerProcess.PeerPid(socket) is not { } pid)
            return null;
        foreach (var process in PeerProcess.Lineage(pid, depth: 3))
        {
            var tag = PeerProcess.CommandLine(process).FirstOrDefault(a => a.StartsWith(Instance.ForwarderTag, StringComparison.Ordinal));
            if (tag is not null && instances.FindRunning(tag[Instance.ForwarderTag.Length..]) is { } instance)
                return instance;
        }
        log.LogWarning("Metadata request from process {Pid}, which is no metadata forwarder of a running instance", pid);
        return null;
    }

    private static async Task IssueTokenAsync(HttpContext http, Instance instance)
    {
        if (!int.TryParse(http.Request.Headers[TtlHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > 21600)
        {
            await TextAsync(http, 400, "Bad Request: X-aws-ec2-metadata-token-ttl-seconds must be between 1 and 21600");
            return;
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var (old, expiry) in instance.MetadataTokens)
            if (expiry < now)
                instance.MetadataTokens.TryRemove(old, out _);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(40));
        instance.MetadataTokens[token] = now.AddSeconds(ttl);
        http.Response.Headers[TtlHeader] = ttl.ToString(CultureInfo.InvariantCulture);
        await TextAsync(http, 200, token);
    }

    private static bool ValidToken(Instance instance, string token) =>
        instance.MetadataTokens.TryGetValue(token, out var expiry) && expiry > DateTimeOffset.UtcNow;

    private static async Task TextAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain";
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes);
    }
}
