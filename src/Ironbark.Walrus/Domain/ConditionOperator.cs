using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// One condition operator with its qualifiers (<c>ForAllValues:</c>/<c>ForAnyValue:</c>, <c>…IfExists</c>): how it compares a
/// request's values with a policy's, and what it answers when the key is absent from the request.
/// </summary>
public sealed class ConditionOperator
{
    private enum Kind { String, StringIgnoreCase, StringLike, Numeric, Date, Bool, Binary, Ip, Arn, Null }
    private enum SetQualifier { None, ForAll, ForAny }

    private readonly Kind _kind;
    private readonly bool _negated;
    private readonly string _comparison; // Equals, LessThan, … for numeric and date
    private readonly bool _ifExists;
    private readonly SetQualifier _set;

    private ConditionOperator(Kind kind, bool negated, string comparison, bool ifExists, SetQualifier set) =>
        (_kind, _negated, _comparison, _ifExists, _set) = (kind, negated, comparison, ifExists, set);

    private static readonly string[] Ordered = ["Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals"];

    /// <summary>The operator a policy names, or null when there is no such operator.</summary>
    public static ConditionOperator? Parse(string name)
    {
        var set = SetQualifier.None;
        if (name.StartsWith("ForAllValues:", StringComparison.Ordinal))
            (set, name) = (SetQualifier.ForAll, name["ForAllValues:".Length..]);
        else if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal))
            (set, name) = (SetQualifier.ForAny, name["ForAnyValue:".Length..]);
        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists";
        if (ifExists)
            name = name[..^"IfExists".Length];
        ConditionOperator Make(Kind k, bool neg, string cmp = "Equals") => new(k, neg, cmp, ifExists, set);
        switch (name)
        {
            case "StringEquals": return Make(Kind.String, false);
            case "StringNotEquals": return Make(Kind.String, true);
            case "StringEqualsIgnoreCase": return Make(Kind.StringIgnoreCase, false);
            case "StringNotEqualsIgnoreCase": return Make(Kind.StringIgnoreCase, true);
            case "StringLike": return Make(Kind.StringLike, false);
            case "StringNotLike": return Make(Kind.StringLike, true);
            case "Bool": return Make(Kind.Bool, false);
            case "BinaryEquals": return Make(Kind.Binary, false);
            case "IpAddress": return Make(Kind.Ip, false);
            case "NotIpAddress": return Make(Kind.Ip, true);
            case "ArnEquals" or "ArnLike": return Make(Kind.Arn, false);
            case "ArnNotEquals" or "ArnNotLike": return Make(Kind.Arn, true);
            case "Null": return ifExists || set != SetQualifier.None ? null : Make(Kind.Null, false);
        }
        foreach (var (prefix, kind) in new[] { ("Numeric", Kind.Numeric), ("Date", Kind.Date) })
            if (name.StartsWith(prefix, StringComparison.Ordinal) && Ordered.Contains(name[prefix.Length..]))
            {
                var cmp = name[prefix.Length..];
                return cmp == "NotEquals" ? Make(kind, true) : Make(kind, false, cmp);
            }
        return null;
    }

    /// <summary>Whether a policy value is one this operator can compare with (a number, a date, a CIDR, a boolean…).</summary>
    public bool Accepts(string value) => _kind switch
    {
        Kind.Numeric => Number(value) is not null,
        Kind.Date => Date(value) is not null,
        Kind.Ip => Cidr.TryParse(value, out _),
        Kind.Null or Kind.Bool => value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase),
        Kind.Binary => IsBase64(value),
        _ => true,
    };

    /// <summary>
    /// Whether this operator pins a key to the given fixed values: a positive, non-IfExists comparison without wildcards
    /// (for IP ranges, CIDRs narrower than the whole address space).
    /// </summary>
    public bool PinsValues(IReadOnlyList<string> values) => !_negated && !_ifExists && _set != SetQualifier.ForAll && _kind switch
    {
        Kind.String or Kind.StringIgnoreCase => true,
        Kind.StringLike or Kind.Arn => values.All(v => !v.Contains('*') && !v.Contains('?')),
        Kind.Ip => values.All(v => Cidr.TryParse(v, out var c) && c.PrefixLength > 0),
        _ => false,
    };

    /// <summary>Whether the condition holds for the request's values of its key (null: the key is absent).</summary>
    public bool Holds(IReadOnlyList<string>? request, IReadOnlyList<string> policy)
    {
        if (_kind == Kind.Null)
            return (request is null || request.Count == 0) == policy[0].Equals("true", StringComparison.OrdinalIgnoreCase);
        if (request is null || request.Count == 0)
            return _set switch
            {
                SetQualifier.ForAll => true, // vacuously: every one of no values matches
                SetQualifier.ForAny => false,
                _ => _ifExists || _negated,
            };
        return _set switch
        {
            SetQualifier.ForAll => request.All(r => One(r, policy)),
            _ => request.Any(r => One(r, policy)),
        };
    }

    /// <summary>A negated operator holds when no policy value matches; a positive one when any does.</summary>
    private bool One(string request, IReadOnlyList<string> policy) => policy.Any(p => Matches(request, p)) != _negated;

    private bool Matches(string request, string policy)
    {
        switch (_kind)
        {
            case Kind.String: return string.Equals(request, policy, StringComparison.Ordinal);
            case Kind.StringIgnoreCase: return string.Equals(request, policy, StringComparison.OrdinalIgnoreCase);
            case Kind.StringLike: return Like(request, policy, false);
            case Kind.Arn: return Like(request, policy, false);
            case Kind.Bool: return string.Equals(request, policy, StringComparison.OrdinalIgnoreCase);
            case Kind.Binary: return string.Equals(Convert.ToBase64String(Encoding.UTF8.GetBytes(request)), policy, StringComparison.Ordinal);
            case Kind.Ip: return IPAddress.TryParse(request, out var ip) && Cidr.TryParse(policy, out var cidr) && cidr.Contains(ip);
            case Kind.Numeric: return Number(request) is { } n && Compare(n.CompareTo(Number(policy)!.Value));
            case Kind.Date: return Date(request) is { } d && Compare(d.CompareTo(Date(policy)!.Value));
            default: return false;
        }
    }

    private bool Compare(int c) => _comparison switch
    {
        "LessThan" => c < 0,
        "LessThanEquals" => c <= 0,
        "GreaterThan" => c > 0,
        "GreaterThanEquals" => c >= 0,
        _ => c == 0,
    };

    private static bool Like(string value, string pattern, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));

    private static decimal? Number(string s) =>
        decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>An ISO 8601 date (with or without time) or seconds since the epoch, as IAM reads dates.</summary>
    private static DateTimeOffset? Date(string s)
    {
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
            return DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(epoch, -62135596800, 253402300799));
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d : null;
    }

    private static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }
}
