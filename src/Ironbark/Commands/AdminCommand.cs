using System.CommandLine;
using Ironbark.Clc.Identity;

namespace Ironbark.Commands;

/// <summary>`ironbark admin …`: accounts, access keys and KMS keys of the cloud, and its nodes.</summary>
public static class AdminCommand
{
    public static Command Create()
    {
        var admin = new Command("admin", "Administer the cloud: accounts, access keys, KMS keys and nodes");
        admin.Subcommands.Add(CreateAccount());
        admin.Subcommands.Add(CreateAccessKey());
        admin.Subcommands.Add(ListAccounts());
        admin.Subcommands.Add(DeleteAccessKey());
        admin.Subcommands.Add(KeyCommands.CreateKey());
        admin.Subcommands.Add(KeyCommands.ListKeys());
        admin.Subcommands.Add(DescribeNodesCommand.Create());
        return admin;
    }

    private static Command CreateAccount()
    {
        var name = new Argument<string>("name") { Description = "The account name (lower-case letters, digits, '-' and '.')" };
        return WithHome(new Command("create-account", "Create an account and its first access key") { name }, async (parse, accounts, ct) =>
        {
            var account = await accounts.CreateAccountAsync(parse.GetValue(name)!, ct);
            var key = await accounts.CreateAccessKeyAsync(account.Name, ct);
            Console.WriteLine($"Account {account.Name} ({account.Id}), canonical id {account.CanonicalId}");
            PrintKey(key);
            return 0;
        });
    }

    private static Command CreateAccessKey()
    {
        var account = new Option<string>("--account") { Description = "The account to create the key for", Required = true };
        return WithHome(new Command("create-access-key", "Create an access key; its secret is printed once") { account }, async (parse, accounts, ct) =>
        {
            PrintKey(await accounts.CreateAccessKeyAsync(parse.GetValue(account)!, ct));
            return 0;
        });
    }

    private static Command ListAccounts() =>
        WithHome(new Command("list-accounts", "List the accounts and their access key ids"), async (_, accounts, ct) =>
        {
            foreach (var a in await accounts.ListAccountsAsync(ct))
                Console.WriteLine($"{a.Name}\t{a.Id}\t{a.CanonicalId}\t{string.Join(',', await accounts.ListAccessKeyIdsAsync(a.Id, ct))}");
            return 0;
        });

    private static Command DeleteAccessKey()
    {
        var keyId = new Argument<string>("access-key-id") { Description = "The access key id to delete" };
        return WithHome(new Command("delete-access-key", "Delete an access key; requests signed with it fail from then on") { keyId }, async (parse, accounts, ct) =>
        {
            if (await accounts.DeleteAccessKeyAsync(parse.GetValue(keyId)!, ct))
                return 0;
            Console.Error.WriteLine($"No access key {parse.GetValue(keyId)}.");
            return 1;
        });
    }

    private static void PrintKey(AccessKey key)
    {
        Console.WriteLine($"AccessKeyId:     {key.AccessKeyId}");
        Console.WriteLine($"SecretAccessKey: {key.SecretAccessKey}");
        Console.WriteLine("The secret is shown only now; keep it safe.");
    }

    private static Command WithHome(Command command, Func<ParseResult, AccountStore, CancellationToken, Task<int>> action) =>
        HomeCommand.Bind(command, async (parse, _, accounts, ct) =>
        {
            await accounts.EnsureAdminAsync(ct);
            return await action(parse, accounts, ct);
        });
}
