namespace Ironbark.Common.Data;

/// <summary>Where a component keeps its state: an SQLite file (the embedded default) or PostgreSQL.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>
    /// SQLite only: every commit is fsynced before it returns (<c>synchronous=FULL</c>), so a power loss keeps what
    /// was acknowledged; otherwise (<c>NORMAL</c>) a commit survives a crash of the process but the last ones may be
    /// lost with the machine's power. PostgreSQL commits durably either way.
    /// </summary>
    public bool SyncEveryCommit { get; init; }

    public static DatabaseOptions Sqlite(string path) =>
        new(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=True;Default Timeout=30");

    public static DatabaseOptions Postgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    /// <summary>A PostgreSQL connection string when one is given, else an SQLite file in the data directory.</summary>
    public static DatabaseOptions For(string dataDir, string fileName, string? postgresConnectionString) =>
        string.IsNullOrWhiteSpace(postgresConnectionString)
            ? Sqlite(Path.Combine(dataDir, fileName))
            : Postgres(postgresConnectionString);
}

public enum DatabaseProvider { Sqlite, Postgres }
