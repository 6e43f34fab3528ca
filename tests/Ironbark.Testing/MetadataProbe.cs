using Ironbark.Nc.Domain;

namespace Ironbark.Testing;

/// <summary>
/// Raw HTTP requests to the NC's metadata service exactly as a VM's come in: through socat on the node's
/// metadata socket, with the command line QEMU's guestfwd gives the forwarder of that instance (by which the
/// service knows who asks). socat must not half-close the socket when its input ends (shut-none): the server
/// would take that for a client gone away before its answer.
/// </summary>
public sealed class MetadataProbe(string socket, string instanceId)
{
    public async Task<(int Status, string Body)> SendAsync(string method, string path, params (string Name, string Value)[] headers)
    {
        var request = $"{method} {path} HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n" +
                      (method == "PUT" ? "Content-Length: 0\r\n" : "") +
                      string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n";
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("socat",
            ["-t", "10", "-lp", Instance.ForwarderTag + instanceId, "-", $"UNIX-CONNECT:{socket},shut-none"], stdin: request, timeout: TimeSpan.FromSeconds(30));
        if (code != 0 || !stdout.StartsWith("HTTP/", StringComparison.Ordinal))
            throw new InvalidOperationException($"No HTTP answer from the metadata service (socat exit {code}): \"{stdout}\" {stderr}");
        var head = stdout.Split("\r\n", 2)[0].Split(' ');
        var body = stdout.Contains("\r\n\r\n", StringComparison.Ordinal) ? stdout[(stdout.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..] : "";
        return (int.Parse(head[1], System.Globalization.CultureInfo.InvariantCulture), body);
    }

    public Task<(int Status, string Body)> GetAsync(string path, string? token = null) =>
        token is null ? SendAsync("GET", path) : SendAsync("GET", path, ("X-aws-ec2-metadata-token", token));

    /// <summary>The IMDSv2 session-token PUT, optionally as a proxy would forward it.</summary>
    public Task<(int Status, string Body)> PutTokenAsync(string? forwardedFor = null) =>
        forwardedFor is null
            ? SendAsync("PUT", "/latest/api/token", ("X-aws-ec2-metadata-token-ttl-seconds", "300"))
            : SendAsync("PUT", "/latest/api/token", ("X-aws-ec2-metadata-token-ttl-seconds", "300"), ("X-Forwarded-For", forwardedFor));
}
