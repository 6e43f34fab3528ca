using System.Text;

namespace Ironbark.Auth.Tests;

/// <summary>
/// Turns a valid signed request into a wrong one the way a fuzzer does: flips, drops and repeats fields of the
/// Authorization header, query parameters and headers; huge values, odd Unicode, broken percent-encoding,
/// negative and overflowing numbers, impossible dates and payload hashes. Deterministic for a given Random.
/// </summary>
public sealed class RequestMutator(Random random)
{
    private static readonly string[] Numbers =
        ["-1", "0", "-9223372036854775808", "9223372036854775807", "99999999999999999999", "1e9", "0x10", " 1", "+1", "١٢٣", "NaN", ""];
    private static readonly string[] Dates =
    [
        "00010101T000000Z", "99991231T235959Z", "20261301T000000Z", "20260230T250000Z", "2026-12-03T10:00:00Z", "20261203T100000",
        "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "٢٠٢٦١٢٠٣T100000Z", "", "-1", "20261203T100000Z\u0085",
    ];
    private static readonly string[] Hashes =
    [
        "UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        new string('a', 63), new string('b', 65), new string('g', 64), new string('F', 64), "", "unsigned-payload", "STREAMING-",
    ];
    private static readonly string[] Odd =
    [
        "é", "\u202e", "😀", "\ufeff", "%", "%zz", "%c3", "%ff%fe", "%00", "%2F", "/", ";", ",", "=", "&", "+", "\\", "..", "AWS4-HMAC-SHA256",
        "Credential=", "aws4_request", "\t", "%25", "%E2%80%AE",
    ];
    private static readonly string[] AddedHeaders =
    [
        "x-amz-acl", "x-amz-copy-source", "x-amz-decoded-content-length", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token",
        "Authorization", "Date", "Content-MD5", "x-amz-meta-a", "Expect", "x-amz-checksum-crc32",
    ];

    /// <summary>One to three mutations of <paramref name="request"/>, and what they were (for the failure message).</summary>
    public (RawRequest Request, string What) Mutate(RawRequest request)
    {
        var what = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var (next, description) = random.Next(8) switch
            {
                0 or 1 => AuthorizationField(request),
                2 or 3 => QueryParameter(request),
                4 => HeaderValue(request),
                5 => AddHeader(request),
                6 => DropHeader(request),
                _ => BodyOrPath(request),
            };
            request = next;
            what.Add(description);
        }
        return (request, string.Join(" + ", what));
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A wrong version of <paramref name="value"/>: edited, emptied, huge, odd, numeric, a date or a hash.</summary>
    private string Value(string value) => random.Next(10) switch
    {
        0 => Flip(value),
        1 => "",
        2 => string.Concat(Enumerable.Repeat(value.Length > 0 ? value : "x", 1 + 8000 / Math.Max(1, value.Length))),
        3 => value.Insert(random.Next(value.Length + 1), Pick(Odd)),
        4 => Pick(Numbers),
        5 => Pick(Dates),
        6 => Pick(Hashes),
        7 => value[..random.Next(value.Length + 1)],
        8 => value + "," + value,
        _ => Pick(Odd),
    };

    private string Flip(string value)
    {
        if (value.Length == 0)
            return "x";
        var i = random.Next(value.Length);
        var c = value[i];
        var flipped = char.IsAsciiLetterOrDigit(c) ? (char)(c ^ 1) : 'A';
        return value[..i] + flipped + value[(i + 1)..];
    }

    private (RawRequest, string) AuthorizationField(RawRequest request)
    {
        var header = request.Header("Authorization");
        if (header is null || !header.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
            return header is null ? QueryParameter(request) : HeaderValue(request, "Authorization");
        var fields = header["AWS4-HMAC-SHA256 ".Length..].Split(", ").ToList();
        if (fields.Count == 0)
            fields.Add("");
        var i = random.Next(fields.Count);
        string what;
        switch (random.Next(5))
        {
            case 0:
                fields.Insert(random.Next(fields.Count + 1), fields[i]);
                what = $"Authorization: {fields[i].Split('=')[0]} twice";
                break;
            case 1:
                what = $"Authorization: {fields[i].Split('=')[0]} dropped";
                fields.RemoveAt(i);
                break;
            case 2:
                fields = [.. fields.OrderBy(_ => random.Next())];
                fields.Insert(random.Next(fields.Count + 1), Pick(Odd));
                what = "Authorization: fields shuffled, an odd one added";
                break;
            case 3 when fields[i].StartsWith("Credential=", StringComparison.Ordinal):
                var parts = fields[i]["Credential=".Length..].Split('/');
                var p = random.Next(parts.Length + 1);
                if (p == parts.Length)
                    parts = [.. parts, Pick(Odd)];
                else
                    parts[p] = Value(parts[p]);
                fields[i] = "Credential=" + string.Join('/', parts);
                what = $"Authorization: Credential part {p} changed";
                break;
            default:
                var eq = fields[i].IndexOf('=');
                fields[i] = eq < 0 ? Value(fields[i]) : fields[i][..(eq + 1)] + Value(fields[i][(eq + 1)..]);
                what = $"Authorization: {fields[i].Split('=')[0]} value changed";
                break;
        }
        var value = (random.Next(6) == 0 ? "AWS4-HMAC-SHA256" : "AWS4-HMAC-SHA256 ") + string.Join(random.Next(4) == 0 ? "," : ", ", fields);
        return (Replace(request, "Authorization", value), what);
    }

    private (RawRequest, string) QueryParameter(RawRequest request)
    {
        var q = request.Target.IndexOf('?');
        if (q < 0)
            return HeaderValue(request);
        var path = request.Target[..q];
        var pairs = request.Target[(q + 1)..].Split('&').ToList();
        var i = random.Next(pairs.Count);
        var name = pairs[i].Split('=')[0];
        string what;
        switch (random.Next(4))
        {
            case 0:
                pairs.Insert(random.Next(pairs.Count + 1), random.Next(2) == 0 ? pairs[i] : $"{name}={Encoded(Value(""))}");
                what = $"query: {name} twice";
                break;
            case 1:
                pairs.RemoveAt(i);
                what = $"query: {name} dropped";
                break;
            default:
                var value = pairs[i].Contains('=') ? Uri.UnescapeDataString(pairs[i][(name.Length + 1)..]) : "";
                // Raw (possibly invalid percent-encoding, never raw non-ASCII, which Kestrel refuses before Walrus) or encoded.
                var mutated = Value(value);
                pairs[i] = $"{name}={(random.Next(3) == 0 ? Ascii(mutated) : Encoded(mutated))}";
                what = $"query: {name} value changed";
                break;
        }
        return (request with { Target = path + (pairs.Count > 0 ? "?" + string.Join('&', pairs) : "") }, what);
    }

    private (RawRequest, string) HeaderValue(RawRequest request, string? name = null)
    {
        if (request.Headers.Count == 0)
            return AddHeader(request);
        name ??= Pick(request.Headers).Name;
        var current = request.Header(name) ?? "";
        return (Replace(request, name, HeaderSafe(Value(current))), $"header {name} changed");
    }

    private (RawRequest, string) AddHeader(RawRequest request)
    {
        var name = Pick(AddedHeaders);
        var value = name switch
        {
            "x-amz-decoded-content-length" => Pick(Numbers),
            "x-amz-content-sha256" => Pick(Hashes),
            "x-amz-date" or "Date" => Pick(Dates),
            "x-amz-copy-source" => "/some-bucket/some-key",
            "Expect" => "100-continue",
            _ => Value("public-read"),
        };
        return (request.WithHeader(name, HeaderSafe(value)), $"header {name} added");
    }

    private (RawRequest, string) DropHeader(RawRequest request)
    {
        if (request.Headers.Count == 0)
            return AddHeader(request);
        var name = Pick(request.Headers).Name;
        return (request.WithHeaders(request.Headers.Where(h => h.Name != name)), $"header {name} dropped");
    }

    private (RawRequest, string) BodyOrPath(RawRequest request)
    {
        if (random.Next(2) == 0 && request.Body.Length > 0)
        {
            var body = (byte[])request.Body.Clone();
            body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
            return (request with { Body = body }, "body byte flipped");
        }
        var q = request.Target.IndexOf('?');
        var path = q < 0 ? request.Target : request.Target[..q];
        var rest = q < 0 ? "" : request.Target[q..];
        return (request with { Target = path + Ascii(Pick(Odd)) + rest }, "path changed");
    }

    private static RawRequest Replace(RawRequest request, string name, string value) =>
        request.WithHeaders(request.Headers.Select(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase) ? (h.Name, value) : h));

    /// <summary>Header values keep to one line (a CR or LF would only split the request, not test a parser).</summary>
    private static string HeaderSafe(string value) => value.Replace("\r", "").Replace("\n", "");

    private static string Encoded(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            // A lone surrogate (a value cut in the middle of an emoji): send what a browser would, U+FFFD.
            return "%EF%BF%BD";
        }
    }

    /// <summary>As typed in a URL: ASCII left as is (even a lone '%'), anything else percent-encoded.</summary>
    private static string Ascii(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value)
            builder.Append(c is > ' ' and < (char)127 && c is not '#' and not '&' ? c.ToString() : Encoded(c.ToString()));
        return builder.ToString();
    }
}
