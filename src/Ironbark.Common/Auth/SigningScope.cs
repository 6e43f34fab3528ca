namespace Ironbark.Common.Auth;

/// <summary>The credential scope of a SigV4 request: key id / date / region / service / aws4_request.</summary>
public sealed record SigningScope(string AccessKeyId, string Date, string Region, string Service)
{
    public string Scope => $"{Date}/{Region}/{Service}/aws4_request";

    public static SigningScope Parse(string credential, Func<string, AuthException> malformed)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[4] != "aws4_request" || parts[1].Length != 8)
            throw malformed($"The credential '{credential}' is malformed; expected \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        return new SigningScope(parts[0], parts[1], parts[2], parts[3]);
    }
}
