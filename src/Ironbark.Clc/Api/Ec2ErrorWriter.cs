using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Clc.Api;

/// <summary>Writes an error as EC2 does: Response/Errors/Error with Code and Message, and the RequestID.</summary>
public static class Ec2ErrorWriter
{
    public static async Task WriteAsync(HttpContext http, string requestId, string code, string message, int status)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            http.Abort();
            return;
        }
        response.Clear();
        response.Headers["x-amzn-RequestId"] = requestId;
        var body = new XElement("Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", code), new XElement("Message", message))),
            new XElement("RequestID", requestId));
        await Ec2Xml.WriteAsync(response, body, status);
    }
}
