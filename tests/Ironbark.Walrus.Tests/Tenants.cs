using Ironbark.Clc.Identity;

namespace Ironbark.Walrus.Tests;

/// <summary>The fixture's tenant accounts by name (their account ids and canonical ids for grants and policies).</summary>
public static class Tenants
{
    public static async Task<Account> AccountAsync(this WalrusFixture f, string name) =>
        await f.Host.Accounts.FindAccountAsync(name) ?? throw new InvalidOperationException($"No account {name}.");
}
