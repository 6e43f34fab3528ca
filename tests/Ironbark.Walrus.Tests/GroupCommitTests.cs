using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Ironbark.Common.Data;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// <see cref="Database.WriteBatchedAsync{T}"/> on SQLite: writes that queue while the write lock is taken share one
/// transaction, and one that fails is undone alone, with its own exception, while the others commit.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Queued_writes_share_a_commit_and_a_failing_one_is_undone_alone()
    {
        using var dir = new TempDir();
        await using var db = new Database(DatabaseOptions.Sqlite(dir.Combine("t.db")) with { SyncEveryCommit = true });
        await using (var c = await db.OpenAsync())
            await c.ExecuteAsync("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");

        const int writes = 50;
        var transactions = new ConcurrentDictionary<DbTransaction, bool>();
        Task<int>[] pending;
        // Another writer holds the write lock while all 50 queue up behind it.
        await using (var holder = await db.OpenAsync())
        {
            await using var held = await db.BeginWriteAsync(holder);
            pending = Enumerable.Range(0, writes).Select(i => db.WriteBatchedAsync(async (c, tx) =>
            {
                transactions[tx] = true;
                await c.ExecuteAsync("INSERT INTO t (k, v) VALUES (@i, 'first')", new { i }, tx);
                if (i % 10 == 3)
                    throw new InvalidOperationException($"write {i} refuses");
                if (i % 10 == 7)
                    // The same key again: a constraint violation from SQLite itself.
                    await c.ExecuteAsync("INSERT INTO t (k, v) VALUES (@i, 'again')", new { i }, tx);
                return i;
            })).ToArray();
            await Task.Delay(200);
            Assert.All(pending, p => Assert.False(p.IsCompleted));
            await held.CommitAsync();
        }

        for (var i = 0; i < writes; i++)
        {
            if (i % 10 == 3)
                Assert.Equal($"write {i} refuses", (await Assert.ThrowsAsync<InvalidOperationException>(() => pending[i])).Message);
            else if (i % 10 == 7)
                await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => pending[i]);
            else
                Assert.Equal(i, await pending[i]);
        }
        // At most two transactions: what the loop took before it waited for the lock, and everything after.
        Assert.InRange(transactions.Count, 1, 2);
        await using var read = await db.OpenAsync();
        var stored = (await read.QueryAsync<long>("SELECT k FROM t ORDER BY k")).ToList();
        Assert.Equal(Enumerable.Range(0, writes).Where(i => i % 10 is not 3 and not 7).Select(i => (long)i), stored);
    }

    [Fact]
    public async Task When_the_shared_commit_fails_no_write_of_the_batch_is_acknowledged_or_stored()
    {
        using var dir = new TempDir();
        await using var db = new Database(DatabaseOptions.Sqlite(dir.Combine("t.db")) with { SyncEveryCommit = true });
        await using (var c = await db.OpenAsync())
            await c.ExecuteAsync("""
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE t (k INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
                """);
        Task<int>[] pending;
        var batchOf = new DbTransaction?[10];
        await using (var holder = await db.OpenAsync())
        {
            await using var held = await db.BeginWriteAsync(holder);
            // Write 5 breaks a deferred foreign key: every statement succeeds, the COMMIT of its batch fails.
            pending = Enumerable.Range(0, 10).Select(i => db.WriteBatchedAsync((c, tx) =>
            {
                batchOf[i] = tx;
                return c.ExecuteAsync("INSERT INTO t (k, parent) VALUES (@i, @parent)", new { i, parent = i == 5 ? 42 : (int?)null }, tx);
            })).ToArray();
            await Task.Delay(200);
            await held.CommitAsync();
        }
        var outcomes = await Task.WhenAll(pending.Select(async p =>
        {
            try
            {
                await p;
                return true;
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                return false;
            }
        }));
        // The loop may have taken the first few writes before it waited for the lock (at most two batches):
        // the batch with write 5 fails whole, the other commits.
        var failed = batchOf[5];
        Assert.True(batchOf.Count(b => b == failed) >= 2, "write 5 should share its batch");
        var expected = Enumerable.Range(0, 10).Where(i => batchOf[i] != failed).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => !ReferenceEquals(batchOf[i], failed)), outcomes);
        await using var read = await db.OpenAsync();
        var stored = (await read.QueryAsync<long>("SELECT k FROM t ORDER BY k")).ToList();
        Assert.Equal(expected.Select(i => (long)i), stored);
        // The database takes writes again after the failed batch.
        Assert.Equal(1, await db.WriteBatchedAsync((c, tx) => c.ExecuteAsync("INSERT INTO t (k) VALUES (100)", transaction: tx)));
    }

    [Fact]
    public async Task A_write_cancelled_before_its_turn_does_not_run()
    {
        using var dir = new TempDir();
        await using var db = new Database(DatabaseOptions.Sqlite(dir.Combine("t.db")));
        await using (var c = await db.OpenAsync())
            await c.ExecuteAsync("CREATE TABLE t (k INTEGER PRIMARY KEY)");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var cancelled = db.WriteBatchedAsync((c, tx) => c.ExecuteAsync("INSERT INTO t (k) VALUES (2)", transaction: tx), cancel.Token);
        var kept = db.WriteBatchedAsync((c, tx) => c.ExecuteAsync("INSERT INTO t (k) VALUES (3)", transaction: tx));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, await kept);
        await using var read = await db.OpenAsync();
        Assert.Equal([3L], (await read.QueryAsync<long>("SELECT k FROM t ORDER BY k")).ToList());
    }
}
