using System.CommandLine;
using Ironbark.Clc.Identity;
using Ironbark.Clc.Keys;
using Ironbark.Clc.Store;
using Ironbark.Common.Data;
using Ironbark.Common.Keys;

namespace Ironbark.Commands;

/// <summary>
/// `ironbark admin create-key` and `list-keys`: the cloud's KMS keys of an account, made and listed on the CLC's host
/// through the CLC's own database (the CLC need not run), as accounts are through the identity database.
/// </summary>
public static class KeyCommands
{
    public static Command CreateKey()
    {
        var account = new Option<string>("--account") { Description = "The account (name or id) the key belongs to", Required = true };
        var description = new Option<string?>("--description") { Description = "What the key is for" };
        var alias = new Option<string?>("--alias") { Description = "An alias for the key (alias/NAME)" };
        return WithKeys(new Command("create-key", "Create a KMS key for an account (for SSE-KMS and the KMS API)") { account, description, alias },
            async (parse, owner, keys, ct) =>
            {
                var key = await keys.CreateKeyAsync(owner.Id, parse.GetValue(description), ct, parse.GetValue(alias));
                Console.WriteLine($"KeyId: {key.KeyId}");
                Console.WriteLine($"Arn:   {key.Arn}");
                return 0;
            }, account);
    }

    public static Command ListKeys()
    {
        var account = new Option<string>("--account") { Description = "The account (name or id) whose keys to list", Required = true };
        return WithKeys(new Command("list-keys", "List an account's KMS keys: id, ARN, state and description") { account },
            async (_, owner, keys, ct) =>
            {
                foreach (var key in await keys.ListKeysAsync(owner.Id, ct))
                    Console.WriteLine($"{key.KeyId}\t{key.Arn}\t{key.State}\t{key.Description}");
                return 0;
            }, account);
    }

    private static Command WithKeys(Command command, Func<ParseResult, Account, KeyService, CancellationToken, Task<int>> action, Option<string> account) =>
        HomeCommand.Bind(command, async (parse, home, accounts, ct) =>
        {
            var owner = await accounts.FindAccountAsync(parse.GetValue(account)!, ct);
            if (owner is null)
            {
                Console.Error.WriteLine($"No account {parse.GetValue(account)}.");
                return 1;
            }
            await using var db = new Database(DatabaseOptions.For(home.DataDir, "clc.db", home.Postgres));
            await ClcSchema.MigrateAsync(db, ct);
            try
            {
                return await action(parse, owner, KeyService.Over(db, accounts, home.ReadEndpoints().Region), ct);
            }
            catch (KeyRequestException e)
            {
                Console.Error.WriteLine($"{e.Code}: {e.Message}");
                return 1;
            }
            catch (KeyServiceException e)
            {
                Console.Error.WriteLine($"{e.Error}: {e.Message}");
                return 1;
            }
        });
}
