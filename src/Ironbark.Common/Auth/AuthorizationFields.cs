namespace Ironbark.Common.Auth;

/// <summary>The comma-separated name=value fields of a SigV4 Authorization header (Credential, SignedHeaders, Signature).</summary>
public static class AuthorizationFields
{
    /// <summary>Each field once: a repeated field or one without '=' is a malformed header, never a guess at which one counts.</summary>
    public static Dictionary<string, string> Parse(string fields, Func<string, AuthException> malformed)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = field.IndexOf('=');
            if (eq <= 0)
                throw malformed($"'{Shorten(field)}' is not a valid key=value pair (missing equal-sign) in the Authorization header.");
            var name = field[..eq].Trim();
            if (!result.TryAdd(name, field[(eq + 1)..].Trim()))
                throw malformed($"The Authorization header has '{Shorten(name)}' more than once.");
        }
        return result;
    }

    /// <summary>Echoes at most a little of what the client sent: an error message is not a place for a megabyte of it.</summary>
    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
