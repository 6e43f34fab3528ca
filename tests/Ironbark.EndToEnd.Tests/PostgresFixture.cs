using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>One throw-away PostgreSQL server for a test class; each test takes a fresh database from it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
    }
}
