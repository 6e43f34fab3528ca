using System.Net;

namespace Ironbark.Walrus.Domain;

/// <summary>The S3 bucket naming rules for new buckets.</summary>
public static class BucketNames
{
    public static void Validate(string name)
    {
        if (name.Length is < 3 or > 63)
            throw S3Errors.InvalidBucketName(name, "bucket names must be between 3 and 63 characters long");
        if (!name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-'))
            throw S3Errors.InvalidBucketName(name, "only lower-case letters, digits, '.' and '-' are allowed");
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
            throw S3Errors.InvalidBucketName(name, "bucket names must begin and end with a letter or number");
        if (name.Contains("..") || name.Contains(".-") || name.Contains("-."))
            throw S3Errors.InvalidBucketName(name, "labels must not be empty or begin or end with a hyphen");
        if (IPAddress.TryParse(name, out _) && name.Count(c => c == '.') == 3)
            throw S3Errors.InvalidBucketName(name, "bucket names must not be formatted as an IP address");
        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.EndsWith("-s3alias", StringComparison.Ordinal))
            throw S3Errors.InvalidBucketName(name, "the prefix xn-- and the suffix -s3alias are reserved");
    }
}
