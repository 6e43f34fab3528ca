using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ironbark.Common.Data;

/// <summary>
/// One component's database. Opens connections for either provider and applies the component's
/// schema migrations in order; the SQL the stores write is portable between SQLite and PostgreSQL.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _npgsql;
    private readonly string _connectionString;

    /// <summary>Physical SQLite connections (pooled across opens) whose per-connection PRAGMAs have run.</summary>
    private readonly ConditionalWeakTable<object, object> _configured = new();

    /// <summary>
    /// SQLite has one writer at a time. Writers queue here, asynchronously, instead of in SQLite's busy
    /// handler, which sleeps on (and so starves) a thread-pool thread for milliseconds per retry.
    /// </summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> _gateHolders = new();

    private readonly string _synchronous;

    /// <summary>Writes waiting for the next group commit (SQLite; see <see cref="WriteBatchedAsync{T}"/>).</summary>
    private readonly Channel<BatchedWrite> _batched = Channel.CreateUnbounded<BatchedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _batchLoop;

    public DatabaseProvider Provider { get; }

    public Database(DatabaseOptions options)
    {
        Provider = options.Provider;
        _connectionString = options.ConnectionString;
        _synchronous = options.SyncEveryCommit ? "FULL" : "NORMAL";
        _batchLoop = new Lazy<Task>(() => Task.Run(CommitBatchesAsync));
        if (Provider == DatabaseProvider.Postgres)
            _npgsql = NpgsqlDataSource.Create(options.ConnectionString);
        else
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(_connectionString).DataSource))!);
    }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>The column type for keys that must sort by their bytes, as S3 lists them.</summary>
    public string BinaryText => IsPostgres ? "TEXT COLLATE \"C\"" : "TEXT";

    /// <summary>The column type for bytes.</summary>
    public string BinaryType => IsPostgres ? "BYTEA" : "BLOB";

    /// <summary>
    /// "column is one of the list in parameter", for a list Dapper binds: PostgreSQL takes it as one array
    /// parameter (<c>= ANY</c>), SQLite as an expanded <c>IN (…)</c>.
    /// </summary>
    public string AnyOf(string column, string parameter) => IsPostgres ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_npgsql is not null)
            return await _npgsql.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // A pooled physical connection keeps its settings: configure each one once, not on every open.
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            await connection.ExecuteAsync($"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-256;");
            _configured.AddOrUpdate(handle, handle);
        }
        return connection;
    }

    /// <summary>
    /// Starts a transaction that takes the write lock at once (SQLite IMMEDIATE), so two writers
    /// never deadlock upgrading a read lock. With SQLite the connection holds this database's write
    /// gate from here until it is closed.
    /// </summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct = default)
    {
        if (connection is not SqliteConnection sqlite)
            return await connection.BeginTransactionAsync(ct);
        if (!_gateHolders.TryGetValue(sqlite, out _))
        {
            await _writeGate.WaitAsync(ct);
            _gateHolders.AddOrUpdate(sqlite, sqlite);
            sqlite.StateChange += ReleaseGateOnClose;
        }
        return sqlite.BeginTransaction(deferred: false);
    }

    private void ReleaseGateOnClose(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Closed || sender is not SqliteConnection sqlite)
            return;
        sqlite.StateChange -= ReleaseGateOnClose;
        if (_gateHolders.Remove(sqlite))
            _writeGate.Release();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and commits it before returning. With SQLite, writes that
    /// arrive while another commit is under way share the next transaction (a group commit): each runs inside a
    /// savepoint of its own, so one that throws is undone alone and gets its exception, and every other is
    /// acknowledged only once the shared commit — one WAL append, one fsync with <see cref="DatabaseOptions.SyncEveryCommit"/> —
    /// has returned. Outcomes are those of running the writes one after another in arrival order.
    /// PostgreSQL, which groups concurrent commits itself, runs each in a transaction of its own.
    /// </summary>
    public async Task<T> WriteBatchedAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        if (IsPostgres)
        {
            await using var c = await OpenAsync(ct);
            await using var tx = await BeginWriteAsync(c, ct);
            var result = await work(c, tx);
            await tx.CommitAsync(ct);
            return result;
        }
        var write = new BatchedWrite<T>(work, ct);
        if (!_batched.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(Database));
        _ = _batchLoop.Value;
        return await write.Task;
    }

    /// <summary>The one reader of <see cref="_batched"/>: takes what has queued, runs it in one transaction, commits, answers.</summary>
    private async Task CommitBatchesAsync()
    {
        const int maxBatch = 256;
        var batch = new List<BatchedWrite>(maxBatch);
        while (await _batched.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && _batched.Reader.TryRead(out var write))
                if (!write.CancelIfRequested())
                    batch.Add(write);
            if (batch.Count == 0)
                continue;
            try
            {
                await using var c = await OpenAsync();
                await using var tx = (SqliteTransaction)await BeginWriteAsync(c);
                foreach (var write in batch)
                {
                    await tx.SaveAsync("write");
                    try
                    {
                        await write.RunAsync(c, tx);
                    }
                    catch (Exception e)
                    {
                        await tx.RollbackAsync("write");
                        write.Failed(e);
                    }
                    await tx.ReleaseAsync("write");
                }
                await tx.CommitAsync();
                foreach (var write in batch)
                    write.Answer();
            }
            catch (Exception e)
            {
                // The transaction itself failed (the disk, the database): none of the batch was committed.
                foreach (var write in batch)
                    write.Failed(e);
                foreach (var write in batch)
                    write.Answer();
            }
        }
    }

    private abstract class BatchedWrite
    {
        public abstract bool CancelIfRequested();
        public abstract Task RunAsync(DbConnection c, DbTransaction tx);
        /// <summary>Records why this write did not commit; the first reason stands.</summary>
        public abstract void Failed(Exception e);
        public abstract void Answer();
    }

    private sealed class BatchedWrite<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) : BatchedWrite
    {
        private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _answer.Task;

        public override bool CancelIfRequested() => ct.IsCancellationRequested && _answer.TrySetCanceled(ct);

        public override async Task RunAsync(DbConnection c, DbTransaction tx) => _result = await work(c, tx);

        public override void Failed(Exception e) => _error ??= e;

        public override void Answer()
        {
            if (_error is null)
                _answer.TrySetResult(_result!);
            else
                _answer.TrySetException(_error);
        }
    }

    /// <summary>Serialises writers of one logical key inside a transaction (PostgreSQL only; SQLite's write lock already does).</summary>
    public async Task LockAsync(DbConnection connection, DbTransaction tx, string lockKey)
    {
        if (IsPostgres)
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@k, 0))", new { k = lockKey }, tx);
    }

    /// <summary>Applies the numbered migrations of one component that have not run yet.</summary>
    public async Task MigrateAsync(string component, IReadOnlyList<string> migrations, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (component, version))");
        for (var i = 0; i < migrations.Count; i++)
        {
            await using var tx = await BeginWriteAsync(connection, ct);
            if (IsPostgres)
                await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(4242)", transaction: tx);
            var done = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM schema_versions WHERE component = @component AND version = @version",
                new { component, version = i + 1 }, tx);
            if (done == 0)
            {
                await connection.ExecuteAsync(migrations[i], transaction: tx);
                await connection.ExecuteAsync("INSERT INTO schema_versions (component, version) VALUES (@component, @version)",
                    new { component, version = i + 1 }, tx);
            }
            await tx.CommitAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _batched.Writer.TryComplete();
        if (_batchLoop.IsValueCreated)
            await _batchLoop.Value;
        if (_npgsql is not null)
            await _npgsql.DisposeAsync();
    }
}
