using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Ironbark.Clc.Api;

/// <summary>The parameters of a Query API request (EC2, STS): its query string and its form body.</summary>
public static class QueryParameters
{
    private const int MaxFormValueLength = 512 * 1024;

    /// <summary>
    /// The body is read from the stream the authenticator handed back (which checks the signed payload hash at
    /// its end), not through Kestrel's form feature: that reads the connection's own pipe, so the check never saw the bytes.
    /// </summary>
    public static async Task<Dictionary<string, string>> ReadAsync(HttpRequest request, Stream body, CancellationToken ct)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
            parameters[name] = value.ToString();
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            using var reader = new FormReader(body, Encoding.UTF8) { ValueLengthLimit = MaxFormValueLength };
            foreach (var (name, value) in await reader.ReadFormAsync(ct))
                parameters[name] = value.ToString();
        }
        return parameters;
    }
}
