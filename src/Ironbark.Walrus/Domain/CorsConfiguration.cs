using System.Text.Json;
using System.Xml.Linq;

namespace Ironbark.Walrus.Domain;

/// <summary>A bucket's CORS configuration: parsed from and written back to the S3 XML, stored as JSON.</summary>
public sealed record CorsConfiguration(List<CorsRule> Rules)
{
    private static readonly string[] Methods = ["GET", "PUT", "POST", "DELETE", "HEAD"];

    public static CorsConfiguration FromXml(XElement root)
    {
        if (root.Name.LocalName != "CORSConfiguration")
            throw S3Errors.MalformedXml();
        var rules = root.Elements().Where(e => e.Name.LocalName == "CORSRule").Select(rule =>
        {
            var methods = Values(rule, "AllowedMethod").ToList();
            var origins = Values(rule, "AllowedOrigin").ToList();
            if (methods.Count == 0 || origins.Count == 0)
                throw S3Errors.MalformedXml();
            foreach (var m in methods.Where(m => !Methods.Contains(m)))
                throw S3Errors.InvalidRequest($"Found unsupported HTTP method in CORS config. Unsupported method is {m}");
            var maxAge = Values(rule, "MaxAgeSeconds").FirstOrDefault();
            return new CorsRule(Values(rule, "ID").FirstOrDefault(), origins, methods, Values(rule, "AllowedHeader").ToList(),
                Values(rule, "ExposeHeader").ToList(), maxAge is null ? null : int.TryParse(maxAge, out var age) ? age : throw S3Errors.MalformedXml());
        }).ToList();
        if (rules.Count is 0 or > 100)
            throw S3Errors.MalformedXml();
        return new CorsConfiguration(rules);
    }

    private static IEnumerable<string> Values(XElement e, string name) =>
        e.Elements().Where(c => c.Name.LocalName == name).Select(c => c.Value);

    public CorsRule? Match(string origin, string method, IEnumerable<string> requestHeaders) =>
        Rules.FirstOrDefault(r => r.Matches(origin, method, requestHeaders));

    public string ToJson() => JsonSerializer.Serialize(this);

    public static CorsConfiguration FromJson(string json) => JsonSerializer.Deserialize<CorsConfiguration>(json)!;
}
