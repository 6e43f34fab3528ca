using System.Security.Cryptography;

namespace Ironbark.Common.Ids;

/// <summary>Resource ids as AWS writes them: a prefix, a dash and 17 lower-case hex digits (i-0123456789abcdef0).</summary>
public static class ResourceId
{
    private const int Digits = 17;

    /// <summary>A new random id with the given prefix ("i", "sg", "key", "ami"…).</summary>
    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[9];
        RandomNumberGenerator.Fill(bytes);
        return $"{prefix}-{Convert.ToHexStringLower(bytes)[..Digits]}";
    }

    /// <summary>Whether <paramref name="id"/> has the shape of an id with this prefix (17 hex digits, or the old 8).</summary>
    public static bool IsValid(string id, string prefix)
    {
        if (!id.StartsWith(prefix + "-", StringComparison.Ordinal))
            return false;
        var hex = id.AsSpan(prefix.Length + 1);
        return hex.Length is Digits or 8 && !hex.ContainsAnyExcept("0123456789abcdef");
    }
}
