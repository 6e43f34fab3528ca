using System.Diagnostics;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>`ironbark admin …` and `ironbark env` against a running cloud, checked with the aws CLI.</summary>
public sealed class AdminCliTests(CloudFixture f) : IClassFixture<CloudFixture>, IDisposable
{
    private readonly Cloud _cloud = f.Cloud;
    private readonly TempDir _work = new();

    [Fact]
    public async Task New_account_is_isolated_listed_and_its_key_can_be_revoked()
    {
        var admin = _cloud.AdminCli;
        var bucket = TestData.BucketName("admins");
        await admin.OkAsync("s3", "mb", $"s3://{bucket}");
        await File.WriteAllTextAsync(_work.Combine("secret.txt"), "for the admin only");
        await admin.OkAsync("s3", "cp", _work.Combine("secret.txt"), $"s3://{bucket}/secret.txt");

        var (code, created, stderr) = await _cloud.RunCommandAsync("admin", "create-account", "carol");
        Assert.True(code == 0, stderr);
        Assert.Contains("Account carol (", created);
        var carolKey = _cloud.Admin.WithKeyFrom(created);
        var carol = new AwsCli(carolKey);

        Assert.DoesNotContain(bucket, await carol.OkAsync("s3", "ls"));
        Assert.Contains("AccessDenied", await carol.FailsAsync("s3api", "get-object", "--bucket", bucket, "--key", "secret.txt", _work.Combine("stolen")));
        Assert.Contains("AccessDenied", await carol.FailsAsync("s3", "ls", $"s3://{bucket}"));
        var own = TestData.BucketName("carols");
        await carol.OkAsync("s3", "mb", $"s3://{own}");
        Assert.DoesNotContain(own, await admin.OkAsync("s3", "ls"));

        var listed = await IronbarkBinary.RunOkAsync("admin", "list-accounts", "--data-dir", _cloud.DataDir);
        var carolLine = Assert.Single(listed.Split('\n'), l => l.StartsWith("carol\t", StringComparison.Ordinal));
        Assert.Contains(carolKey.AccessKeyId, carolLine);
        Assert.Contains(listed.Split('\n'), l => l.StartsWith("admin\t", StringComparison.Ordinal));
        Assert.DoesNotContain(carolKey.SecretAccessKey, listed);

        Assert.Equal(0, (await _cloud.RunCommandAsync("admin", "delete-access-key", carolKey.AccessKeyId)).Code);
        // Walrus caches a resolved key for up to 5 s; after that the key must be refused.
        var clock = Stopwatch.StartNew();
        string refusal;
        while (true)
        {
            var (status, _, error) = await carol.RunAsync("s3", "ls");
            if (status != 0)
            {
                refusal = error;
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "The deleted key still works after 15 s.");
            await Task.Delay(500);
        }
        Assert.Contains("InvalidAccessKeyId", refusal);

        var again = await _cloud.RunCommandAsync("admin", "delete-access-key", carolKey.AccessKeyId);
        Assert.Equal(1, again.Code);
        Assert.Contains("No access key", again.Stderr);
    }

    [Fact]
    public async Task Second_access_key_works_beside_the_first()
    {
        Assert.Equal(0, (await _cloud.RunCommandAsync("admin", "create-account", "dave")).Code);
        var (code, output, stderr) = await _cloud.RunCommandAsync("admin", "create-access-key", "--account", "dave");
        Assert.True(code == 0, stderr);
        var dave = new AwsCli(_cloud.Admin.WithKeyFrom(output));
        var bucket = TestData.BucketName("daves");
        await dave.OkAsync("s3", "mb", $"s3://{bucket}");
        Assert.Contains(bucket, await dave.OkAsync("s3", "ls"));

        var duplicate = await _cloud.RunCommandAsync("admin", "create-account", "dave");
        Assert.NotEqual(0, duplicate.Code);
        Assert.NotEqual("", duplicate.Stderr.Trim());
    }

    [Fact]
    public async Task A_key_the_admin_creates_is_listed_and_encrypts_an_object_through_the_clouds_key_service()
    {
        var (code, created, stderr) = await _cloud.RunCommandAsync("admin", "create-key", "--account", "admin", "--description", "backups", "--alias", "alias/backups");
        Assert.True(code == 0, stderr);
        var arn = Assert.Single(created.Split('\n'), l => l.StartsWith("Arn:", StringComparison.Ordinal))["Arn:".Length..].Trim();
        Assert.Matches(@"^arn:aws:kms:ironbark:\d{12}:key/[0-9a-f-]{36}$", arn);
        var listed = await _cloud.RunCommandAsync("admin", "list-keys", "--account", "admin");
        Assert.Contains(listed.Stdout.Split('\n'), l => l.Contains(arn, StringComparison.Ordinal) && l.Contains("Enabled\tbackups", StringComparison.Ordinal));

        // Walrus asks the CLC (kms.proto over mutual TLS) for the data key: the key named by its alias, then read back.
        var admin = _cloud.AdminCli;
        var bucket = TestData.BucketName("kms");
        await admin.OkAsync("s3", "mb", $"s3://{bucket}");
        await File.WriteAllTextAsync(_work.Combine("plain.txt"), "sealed by a key of the cloud");
        var put = await admin.OkAsync("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", _work.Combine("plain.txt"),
            "--server-side-encryption", "aws:kms", "--ssekms-key-id", "alias/backups");
        Assert.Contains(arn, put);
        var head = await admin.OkAsync("s3api", "head-object", "--bucket", bucket, "--key", "k");
        Assert.Contains("aws:kms", head);
        await admin.OkAsync("s3api", "get-object", "--bucket", bucket, "--key", "k", _work.Combine("back.txt"));
        Assert.Equal("sealed by a key of the cloud", await File.ReadAllTextAsync(_work.Combine("back.txt")));

        var unknown = await _cloud.RunCommandAsync("admin", "create-key", "--account", "nobody-here");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("No account nobody-here", unknown.Stderr);
        // A bad or taken alias makes no key.
        foreach (var refused in new[] { "backups", "alias/aws/mine", "alias/backups" })
        {
            var answer = await _cloud.RunCommandAsync("admin", "create-key", "--account", "admin", "--alias", refused);
            Assert.Equal(1, answer.Code);
            Assert.Contains(refused.StartsWith("alias/b") ? "AlreadyExistsException" : "InvalidAliasNameException", answer.Stderr);
        }
        var after = await _cloud.RunCommandAsync("admin", "list-keys", "--account", "admin");
        Assert.Equal(listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, after.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Env_output_evaluates_in_bash_and_drives_the_cli()
    {
        var bucket = TestData.BucketName("env");
        var env = $"\"{IronbarkBinary.DotnetHost}\" \"{IronbarkBinary.DllPath}\" env --data-dir \"{_cloud.DataDir}\"";
        // As the README has users do: with an explicit endpoint, and through the `aws` function env defines.
        var script = $"""
            set -e
            eval "$({env})"
            /usr/bin/aws --endpoint-url $S3_URL s3 mb s3://{bucket}
            /usr/bin/aws --endpoint-url $S3_URL s3 ls
            aws s3 ls s3://{bucket}
            aws ec2 describe-availability-zones --query 'AvailabilityZones[0].ZoneName' --output text
            aws sts get-caller-identity --query Arn --output text
            echo "region=$AWS_DEFAULT_REGION"
            """;
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/bin/bash", ["-c", script], new Dictionary<string, string>
        {
            // The `aws` function runs whatever `aws` is first on PATH: make that Debian's.
            ["PATH"] = "/usr/bin:/bin:" + Environment.GetEnvironmentVariable("PATH"),
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        });
        Assert.True(code == 0, $"bash exited {code}:\n{stdout}\n{stderr}");
        Assert.Contains($"make_bucket: {bucket}", stdout);
        Assert.Contains("ironbark-a", stdout);
        Assert.Contains(bucket, stdout);
        Assert.Contains("region=ironbark", stdout);
        Assert.Matches(@"arn:aws:iam::\d{12}:root", stdout);
    }

    public void Dispose() => _work.Dispose();
}
