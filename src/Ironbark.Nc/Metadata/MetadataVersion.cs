using System.Text.RegularExpressions;

namespace Ironbark.Nc.Metadata;

/// <summary>
/// The dated API versions of the metadata service (/2009-04-04/meta-data/…, /2021-03-23/user-data), which
/// cloud-init's Ec2 datasource asks for instead of /latest: each is answered as /latest, as EC2 answers the
/// versions it knows with the same data.
/// </summary>
public static partial class MetadataVersion
{
    public static string AsLatest(string path)
    {
        var match = DatedVersion().Match(path);
        return match.Success ? "/latest" + path[match.Length..] : path;
    }

    [GeneratedRegex(@"^/\d{4}-\d{2}-\d{2}(?=/|$)")]
    private static partial Regex DatedVersion();
}
