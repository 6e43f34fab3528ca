namespace Ironbark.Bench;

/// <summary>The cloud admin's keys and endpoints as `ironbark env --data-dir D` prints them for a shell.</summary>
public sealed record AdminCredentials(string AccessKeyId, string SecretAccessKey, string Region, string? Ec2Url)
{
    public static async Task<AdminCredentials> ReadAsync(string ironbark, string dataDir, CancellationToken ct)
    {
        var env = await WalrusLauncher.RunAsync(ironbark, ["env", "--data-dir", dataDir], ct);
        var exports = env.Split('\n')
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        return new AdminCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_DEFAULT_REGION"],
            exports.GetValueOrDefault("EC2_URL") is { Length: > 0 } ec2 ? ec2 : null);
    }
}
