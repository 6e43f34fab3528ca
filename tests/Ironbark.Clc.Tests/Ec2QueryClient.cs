using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Ironbark.Common.Auth;

namespace Ironbark.Clc.Tests;

/// <summary>An EC2 answer as it came over the wire.</summary>
public sealed record Ec2Answer(HttpStatusCode Status, XElement Body)
{
    public string? ErrorCode => Body.Descendants("Code").FirstOrDefault()?.Value;
}

/// <summary>
/// EC2 Query requests built by hand, signed with Signature Version 2 the way boto 2 and euca2ools
/// do, for what the SDK cannot send (SigV2, unknown actions, bad parameters, tampering).
/// </summary>
public sealed class Ec2QueryClient(Uri endpoint, string accessKeyId, string secret) : IDisposable
{
    private readonly HttpClient _http = new();

    /// <param name="tamper">Changes the signed parameters before sending (to break the signature).</param>
    public async Task<Ec2Answer> SendAsync(IDictionary<string, string> parameters, string method = "POST", string path = "/",
        string signatureMethod = "HmacSHA256", DateTimeOffset? timestamp = null, Action<Dictionary<string, string>>? tamper = null, bool sign = true)
    {
        var all = new Dictionary<string, string>(parameters) { ["Version"] = "2016-11-15" };
        if (sign)
        {
            all["AWSAccessKeyId"] = accessKeyId;
            all["SignatureVersion"] = "2";
            all["SignatureMethod"] = signatureMethod;
            if (!all.ContainsKey("Expires"))
                all["Timestamp"] = (timestamp ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var host = $"{endpoint.Host}:{endpoint.Port}";
            all["Signature"] = Convert.ToBase64String(QuerySignatureV2.Sign(secret, signatureMethod, QuerySignatureV2.StringToSign(method, host, path, all)));
        }
        tamper?.Invoke(all);
        var encoded = string.Join('&', all.Select(p => $"{SigV4.UriEncode(p.Key, false)}={SigV4.UriEncode(p.Value, false)}"));
        using var request = method == "GET"
            ? new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, path + "?" + encoded))
            : new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, path))
            {
                Content = new StringContent(encoded, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
        using var response = await _http.SendAsync(request);
        return new Ec2Answer(response.StatusCode, XElement.Parse(await response.Content.ReadAsStringAsync()));
    }

    public void Dispose() => _http.Dispose();
}
