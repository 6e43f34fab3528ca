using System.Text;

namespace Ironbark.Clc.Domain;

/// <summary>
/// MaxResults/NextToken paging as on AWS: MaxResults 5–1000 (or an action's own ceiling), and an opaque token that names the last
/// item given (by a sort key), so items added or deleted between pages neither repeat nor vanish.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextToken)
{
    private const string TokenPrefix = "ironbark-page-1:";

    /// <summary>One page of <paramref name="items"/> in the order of <paramref name="sortKey"/>; all of them when neither parameter is given.</summary>
    public static Page<T> Of(IEnumerable<T> items, Func<T, string> sortKey, int? maxResults, string? nextToken, int maxLimit = 1000)
    {
        if (maxResults is null && nextToken is null)
            return new Page<T>(items.ToList(), null);
        if (maxResults < 5 || maxResults > maxLimit)
            throw Ec2Exception.InvalidParameterValue($"Value ({maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and {maxLimit}.");
        var after = nextToken is null ? null : Decode(nextToken);
        var limit = maxResults ?? maxLimit;
        var rest = items.OrderBy(sortKey, StringComparer.Ordinal).Where(i => after is null || string.CompareOrdinal(sortKey(i), after) > 0).Take(limit + 1).ToList();
        return rest.Count > limit
            ? new Page<T>(rest[..limit], Encode(sortKey(rest[limit - 1])))
            : new Page<T>(rest, null);
    }

    private static string Encode(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenPrefix + key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal))
                return text[TokenPrefix.Length..];
        }
        catch (FormatException)
        {
        }
        throw new Ec2Exception("InvalidNextToken", $"The token '{token}' is invalid.");
    }
}
