using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>Writes an error as S3 does: the XML body with Code, Message, Resource and RequestId.</summary>
public static class S3ErrorWriter
{
    /// <param name="headers">Response headers that belong to the error (x-amz-delete-marker…), written after the response is cleared.</param>
    public static async Task WriteAsync(HttpContext http, string code, int status, string message, IReadOnlyDictionary<string, string>? details = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            http.Abort();
            return;
        }
        // CORS headers stay, so a browser script can read a cross-origin error (AWS keeps them too).
        var cors = response.Headers.Where(h => IsCorsHeader(h.Key)).ToList();
        response.Clear();
        foreach (var (name, value) in cors)
            response.Headers[name] = value;
        response.Headers["x-amz-request-id"] = http.TraceIdentifier;
        foreach (var (name, value) in headers ?? [])
            response.Headers[name] = value;
        if (http.Request.Method == HttpMethods.Head)
        {
            // HEAD answers carry no body; clients read the status code.
            response.StatusCode = status;
            response.Headers["x-amz-error-code"] = code;
            return;
        }
        await S3Xml.WriteAsync(response, "Error", w =>
        {
            w.WriteElementString("Code", code);
            w.WriteElementString("Message", message);
            if (details is not null)
                foreach (var (name, value) in details)
                    w.WriteElementString(name, value);
            w.WriteElementString("Resource", http.Request.Path.Value);
            w.WriteElementString("RequestId", http.TraceIdentifier);
        }, status, ns: "");
    }

    private static bool IsCorsHeader(string name) =>
        name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase) || name.Equals("Vary", StringComparison.OrdinalIgnoreCase);
}
