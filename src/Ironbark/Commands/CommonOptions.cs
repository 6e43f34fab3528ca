using System.CommandLine;

namespace Ironbark.Commands;

/// <summary>Options every command that touches a cloud's state takes.</summary>
public static class CommonOptions
{
    public static Option<string> DataDir() => new("--data-dir")
    {
        Description = "The cloud's data directory (state, keys, objects)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("IRONBARK_DATA_DIR") ?? "/var/lib/ironbark",
    };

    public static Option<string?> Postgres() => new("--postgres")
    {
        Description = "PostgreSQL connection string for the state of every component (default: SQLite files in the data directory)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("IRONBARK_POSTGRES"),
    };

    /// <summary>One component's own database (<c>--clc-postgres</c>), over the shortcut <c>--postgres</c>.</summary>
    public static Option<string?> ComponentPostgres(string component) => new($"--{component}-postgres")
    {
        Description = $"PostgreSQL connection string for the {component.ToUpperInvariant()}'s own state (default: --postgres, else SQLite)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable($"IRONBARK_{component.ToUpperInvariant()}_POSTGRES"),
    };
}
