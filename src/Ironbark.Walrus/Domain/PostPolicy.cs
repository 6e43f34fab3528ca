using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The signed policy of a browser POST upload: its expiration and conditions, checked against the
/// form fields. Every field the form sends must be allowed by a condition, as on AWS.
/// </summary>
public sealed class PostPolicy
{
    private readonly List<(string Op, string Field, string Value)> _matches = [];
    private long _minLength;
    private long _maxLength = long.MaxValue;

    public DateTimeOffset Expiration { get; }

    private PostPolicy(DateTimeOffset expiration) => Expiration = expiration;

    public long MaxLength => _maxLength;

    public static PostPolicy Parse(string base64)
    {
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            var root = doc.RootElement;
            if (!root.TryGetProperty("expiration", out var exp) ||
                !DateTimeOffset.TryParse(exp.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration))
                throw Invalid("Invalid Policy: Invalid 'expiration' value.");
            var policy = new PostPolicy(expiration);
            if (!root.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Array)
                throw Invalid("Invalid Policy: Policy missing conditions.");
            foreach (var c in conditions.EnumerateArray())
            {
                if (c.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in c.EnumerateObject())
                        policy._matches.Add(("eq", p.Name.ToLowerInvariant(), p.Value.ToString()));
                    continue;
                }
                var items = c.EnumerateArray().ToList();
                var op = items[0].GetString()?.ToLowerInvariant();
                if (op == "content-length-range" && items.Count == 3)
                {
                    policy._minLength = items[1].GetInt64();
                    policy._maxLength = items[2].GetInt64();
                }
                else if (op is "eq" or "starts-with" && items.Count == 3)
                    policy._matches.Add((op, (items[1].GetString() ?? "").TrimStart('$').ToLowerInvariant(), items[2].GetString() ?? ""));
                else
                    throw Invalid("Invalid Policy: Invalid Simple-Condition.");
            }
            return policy;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw Invalid("Invalid Policy: Invalid JSON.");
        }
    }

    /// <summary>Checks every form field against the conditions; fields exempt from signing are skipped.</summary>
    public void Check(IReadOnlyDictionary<string, string> fields, DateTimeOffset now)
    {
        if (now > Expiration)
            throw new WalrusException("AccessDenied", 403, "Invalid according to Policy: Policy expired.");
        foreach (var (op, field, value) in _matches)
        {
            var actual = fields.TryGetValue(field, out var v) ? v : null;
            var ok = op == "eq" ? actual == value : actual is not null && actual.StartsWith(value, StringComparison.Ordinal);
            if (!ok)
                throw new WalrusException("AccessDenied", 403, $"Invalid according to Policy: Policy Condition failed: [\"{op}\", \"${field}\", \"{value}\"]");
        }
        foreach (var name in fields.Keys)
        {
            if (Exempt(name))
                continue;
            if (!_matches.Any(m => m.Field == name))
                throw new WalrusException("AccessDenied", 403, $"Invalid according to Policy: Extra input fields: {name}");
        }
    }

    public void CheckLength(long length)
    {
        if (length > _maxLength)
            throw S3Errors.EntityTooLarge(_maxLength);
        if (length < _minLength)
            throw S3Errors.EntityTooSmall();
    }

    private static bool Exempt(string name) =>
        name is "policy" or "x-amz-signature" or "signature" or "awsaccesskeyid" or "file" or "bucket"
        || name.StartsWith("x-ignore-", StringComparison.Ordinal);

    private static WalrusException Invalid(string message) => new("InvalidPolicyDocument", 400, message);
}
