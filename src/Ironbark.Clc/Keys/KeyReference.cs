namespace Ironbark.Clc.Keys;

/// <summary>
/// What a KeyId parameter names, in the four forms KMS takes: a key id, a key ARN, an alias name, an alias ARN.
/// The owner is the ARN's account, or the caller's for the short forms.
/// </summary>
public sealed record KeyReference(string Owner, string? KeyId, string? Alias)
{
    /// <summary>The reference, or null when <paramref name="text"/> is none of the four forms (or an ARN of another region).</summary>
    public static KeyReference? Parse(string text, string callerAccount, string region)
    {
        if (text.StartsWith("arn:", StringComparison.Ordinal))
        {
            var parts = text.Split(':', 6);
            if (parts.Length != 6 || parts[1] != "aws" || parts[2] != "kms" || parts[3] != region || !IsAccountId(parts[4]))
                return null;
            return Short(parts[5], parts[4]);
        }
        return Short(text, callerAccount);
    }

    private static KeyReference? Short(string text, string owner)
    {
        if (text.StartsWith("alias/", StringComparison.Ordinal))
            return IsAliasName(text) ? new KeyReference(owner, null, text) : null;
        if (text.StartsWith("key/", StringComparison.Ordinal))
            text = text["key/".Length..];
        return Guid.TryParseExact(text, "D", out var id) ? new KeyReference(owner, id.ToString("D"), null) : null;
    }

    /// <summary>An alias name as KMS allows it: alias/ then 1-250 letters, digits, '/', '_' or '-'.</summary>
    public static bool IsAliasName(string alias) =>
        alias.StartsWith("alias/", StringComparison.Ordinal) && alias.Length is > 6 and <= 256
        && alias.Skip(6).All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-');

    private static bool IsAccountId(string text) => text.Length == 12 && text.All(char.IsAsciiDigit);
}
