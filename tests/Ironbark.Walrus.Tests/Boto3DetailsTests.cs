using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>boto3 against the details clients check (scripts/boto3_details.py): display names, repeated completion, tag limits, delete markers.</summary>
public abstract class Boto3DetailsTests(WalrusFixture f)
{
    [Fact]
    public async Task Boto3_sees_the_details_as_s3_answers_them()
    {
        var bucket = await f.AliceBucketAsync("boto");
        await f.RunBoto3ScriptAsync("boto3_details.py", bucket, "alice");
    }
}

public sealed class SqliteBoto3DetailsTests(SqliteWalrusFixture f) : Boto3DetailsTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBoto3DetailsTests(PostgresWalrusFixture f) : Boto3DetailsTests(f), IClassFixture<PostgresWalrusFixture>;
