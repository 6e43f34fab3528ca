using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ironbark.Cc.Store;

/// <summary>A write that lost a race for a unique value (an address, a MAC, a tunnel id): tried again from the start.</summary>
internal static class UniqueViolation
{
    public static bool Is(DbException e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 1555 or 2067, // PRIMARY KEY, UNIQUE
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
