using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;

namespace Ironbark.EndToEnd.Tests;

/// <summary>An access key of a running cloud and where its S3 endpoint answers, as a user gets them from the CLI.</summary>
public sealed partial record CloudCredentials(string AccessKeyId, string SecretAccessKey, string Region, string S3Url, string Ec2Url)
{
    /// <summary>Reads the <c>export NAME=value</c> lines `ironbark env` prints.</summary>
    public static IReadOnlyDictionary<string, string> ParseExports(string envOutput) =>
        ExportLine().Matches(envOutput).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    public static CloudCredentials FromEnvOutput(string envOutput)
    {
        var exports = ParseExports(envOutput);
        return new CloudCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_DEFAULT_REGION"], exports["S3_URL"], exports["EC2_URL"]);
    }

    /// <summary>The key `ironbark admin create-account` or `create-access-key` printed, on this cloud.</summary>
    public CloudCredentials WithKeyFrom(string adminOutput) => this with
    {
        AccessKeyId = KeyLine(adminOutput, "AccessKeyId"),
        SecretAccessKey = KeyLine(adminOutput, "SecretAccessKey"),
    };

    /// <summary>The variables the aws CLI and boto3 read, with no profile or config file of the host's user mixed in.</summary>
    public Dictionary<string, string> ClientEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = Region,
        ["S3_URL"] = S3Url,
        ["EC2_URL"] = Ec2Url,
        ["AWS_CONFIG_FILE"] = "/dev/null",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = "",
    };

    public AmazonS3Client S3Client() => new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = S3Url,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(60),
    });

    private static string KeyLine(string output, string name) =>
        Regex.Match(output, $@"^{name}:\s*(\S+)\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new FormatException($"No {name} in: {output}");

    [GeneratedRegex(@"^export ([A-Z0-9_]+)=(.*?)\s*$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
