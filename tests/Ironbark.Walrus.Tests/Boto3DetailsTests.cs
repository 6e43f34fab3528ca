using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>boto3 against the details clients check (scripts/boto3_details.py): display names, repeated completion, tag limits, delete markers.</summary>
public abstract class Boto3DetailsTests(WalrusFixture f)
{
    [Fact]
    public async Task Boto3_sees_the_details_as_s3_answers_them()
    {
        var bucket = await f.AliceBucketAsync("boto");
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "boto3_details.py");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/python3", [script, f.Host.Endpoint.ToString(), bucket, "alice"],
            new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = f.Alice.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = f.Alice.SecretAccessKey,
                ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            });
        Assert.True(code == 0, $"boto3 script failed ({code}):\n{stdout}\n{stderr}");
        Assert.Equal("ok", stdout.Trim());
    }
}

public sealed class SqliteBoto3DetailsTests(SqliteWalrusFixture f) : Boto3DetailsTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBoto3DetailsTests(PostgresWalrusFixture f) : Boto3DetailsTests(f), IClassFixture<PostgresWalrusFixture>;
