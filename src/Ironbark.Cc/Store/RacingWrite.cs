using System.Data.Common;
using Ironbark.Common.Data;

namespace Ironbark.Cc.Store;

/// <summary>
/// A write transaction that chooses a unique value (the lowest free address, a random MAC) and inserts it: when a
/// concurrent writer took the same value first, the unique constraint refuses it and the whole write runs again.
/// </summary>
internal static class RacingWrite
{
    private const int Attempts = 200;

    public static async Task<T> RunAsync<T>(Database db, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var c = await db.OpenAsync(ct);
                await using var tx = await db.BeginWriteAsync(c, ct);
                var result = await work(c, tx);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (DbException e) when (UniqueViolation.Is(e) && attempt < Attempts)
            {
                // Lost the race: let the winners commit, then read again.
                await Task.Delay(Random.Shared.Next(1, 4), ct);
            }
        }
    }
}
