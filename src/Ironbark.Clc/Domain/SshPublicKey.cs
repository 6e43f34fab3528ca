using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Clc.Domain;

/// <summary>
/// A public key in the SSH wire format (RFC 4253 "ssh-rsa", RFC 8709 "ssh-ed25519"): parsed from
/// what users import, written as the OpenSSH line instances receive, fingerprinted as AWS does.
/// </summary>
public sealed class SshPublicKey
{
    public const string RsaType = "ssh-rsa";
    public const string Ed25519Type = "ssh-ed25519";
    private const int MinRsaBits = 1024, MaxRsaBits = 16384;

    private readonly RSAParameters? _rsa;

    private SshPublicKey(string type, byte[] blob, RSAParameters? rsa)
    {
        Type = type;
        Blob = blob;
        _rsa = rsa;
    }

    public string Type { get; }
    public byte[] Blob { get; }

    /// <summary>The EC2 key type: "rsa" or "ed25519".</summary>
    public string KeyType => Type == RsaType ? "rsa" : "ed25519";

    public static SshPublicKey FromRsa(RSAParameters key)
    {
        var blob = new MemoryStream();
        WriteString(blob, Encoding.ASCII.GetBytes(RsaType));
        WriteString(blob, MpInt(key.Exponent!));
        WriteString(blob, MpInt(key.Modulus!));
        return new SshPublicKey(RsaType, blob.ToArray(), key);
    }

    public static SshPublicKey FromEd25519(ReadOnlySpan<byte> publicKey)
    {
        var blob = new MemoryStream();
        WriteString(blob, Encoding.ASCII.GetBytes(Ed25519Type));
        WriteString(blob, publicKey);
        return new SshPublicKey(Ed25519Type, blob.ToArray(), null);
    }

    /// <summary>
    /// Reads a public key file: the OpenSSH one-line format ("ssh-rsa AAAA… comment") or the
    /// RFC 4716 block ("---- BEGIN SSH2 PUBLIC KEY ----"); null when it is neither, or not RSA/Ed25519.
    /// </summary>
    public static SshPublicKey? TryParse(string text)
    {
        var lines = text.Replace("\r", "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? base64;
        if (lines.Length > 0 && lines[0] == "---- BEGIN SSH2 PUBLIC KEY ----")
        {
            var end = Array.IndexOf(lines, "---- END SSH2 PUBLIC KEY ----");
            if (end < 0)
                return null;
            // Header lines are "Name: value", continued with a trailing backslash.
            var body = new StringBuilder();
            var continued = false;
            foreach (var line in lines[1..end])
            {
                var isHeader = continued || line.Contains(':');
                continued = isHeader && line.EndsWith('\\');
                if (!isHeader)
                    body.Append(line);
            }
            base64 = body.ToString();
        }
        else
        {
            var fields = lines.FirstOrDefault(l => !l.StartsWith('#'))?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not { Length: >= 2 } || fields[0] is not (RsaType or Ed25519Type))
                return null;
            base64 = fields[1];
        }
        try
        {
            return FromBlob(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static SshPublicKey? FromBlob(byte[] blob)
    {
        var reader = new ReadOnlyMemory<byte>(blob);
        var type = ReadString(ref reader) is { } t ? Encoding.ASCII.GetString(t.Span) : null;
        switch (type)
        {
            case RsaType:
                var e = ReadString(ref reader);
                var n = ReadString(ref reader);
                if (e is null || n is null || reader.Length != 0)
                    return null;
                var modulus = n.Value.Span.TrimStart((byte)0).ToArray();
                var exponent = e.Value.Span.TrimStart((byte)0).ToArray();
                if (modulus.Length * 8 is < MinRsaBits or > MaxRsaBits || exponent.Length == 0)
                    return null;
                return new SshPublicKey(RsaType, blob, new RSAParameters { Modulus = modulus, Exponent = exponent });
            case Ed25519Type:
                var key = ReadString(ref reader);
                return key is { Length: 32 } && reader.Length == 0 ? new SshPublicKey(Ed25519Type, blob, null) : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The fingerprint AWS shows for an imported key: for RSA the MD5 of the DER SubjectPublicKeyInfo
    /// in colon-separated hex; for Ed25519 the base64 SHA-256 of the key blob (ssh-keygen's "SHA256:" form, padded).
    /// </summary>
    public string ImportedFingerprint()
    {
        if (_rsa is not { } rsa)
            return Convert.ToBase64String(SHA256.HashData(Blob));
        using var key = RSA.Create(rsa);
        return ColonHex(MD5.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    public string ToOpenSsh(string comment) => $"{Type} {Convert.ToBase64String(Blob)} {comment}".TrimEnd();

    public static string ColonHex(byte[] hash) => string.Join(':', hash.Select(b => b.ToString("x2")));

    private static ReadOnlyMemory<byte>? ReadString(ref ReadOnlyMemory<byte> data)
    {
        if (data.Length < 4)
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(data.Span);
        if (length > data.Length - 4)
            return null;
        var value = data.Slice(4, (int)length);
        data = data[(4 + (int)length)..];
        return value;
    }

    private static void WriteString(Stream stream, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        stream.Write(length);
        stream.Write(value);
    }

    /// <summary>An unsigned big-endian integer as an SSH mpint: a leading zero byte when the high bit is set.</summary>
    private static byte[] MpInt(byte[] unsigned)
    {
        var trimmed = unsigned.AsSpan().TrimStart((byte)0);
        return trimmed.Length > 0 && (trimmed[0] & 0x80) != 0 ? [0, .. trimmed] : trimmed.ToArray();
    }
}
