using System.CommandLine;
using Ironbark.Common.Accounts;
using Ironbark.Walrus;
using Ironbark.Walrus.Backends;

namespace Ironbark.Commands;

/// <summary>`ironbark up` (the all-in-one cloud) and `ironbark walrus` (Walrus alone), both in the foreground until a signal.</summary>
public static class ServeCommands
{
    public static Command Up()
    {
        var command = new Command("up", "Run an all-in-one cloud on this host, in the foreground, until Ctrl-C or SIGTERM");
        return WithServe(command, allInOne: true);
    }

    public static Command Walrus()
    {
        var command = new Command("walrus", "Run Walrus, the S3-compatible object store, in the foreground");
        return WithServe(command, allInOne: false);
    }

    private static Command WithServe(Command command, bool allInOne)
    {
        var dataDir = CommonOptions.DataDir();
        var postgres = CommonOptions.Postgres();
        var listen = new Option<string>("--walrus-listen") { Description = "Walrus listen address", DefaultValueFactory = _ => "http://127.0.0.1:8779" };
        var domain = new Option<string>("--s3-domain") { Description = "Domain for virtual-hosted-style bucket addressing", DefaultValueFactory = _ => "s3.ironbark.localhost" };
        command.Options.Add(dataDir);
        command.Options.Add(postgres);
        command.Options.Add(listen);
        command.Options.Add(domain);
        command.SetAction(async (parse, ct) =>
        {
            var home = new CloudHome(parse.GetValue(dataDir)!, parse.GetValue(postgres));
            using var shutdown = new ShutdownSignal();
            var (accounts, identityDb) = await home.OpenAccountsAsync(ct);
            await using var _ = identityDb;
            var newAdminKey = await accounts.EnsureAdminAsync(ct);
            await using var walrus = await TryStartWalrusAsync(new WalrusOptions
            {
                DataDir = home.DataDir,
                Url = parse.GetValue(listen)!,
                Domain = parse.GetValue(domain)!,
                PostgresConnectionString = home.Postgres,
            }, accounts, ct);
            if (walrus is null)
                return 1;
            var endpoints = new Endpoints(walrus.Endpoint.ToString().TrimEnd('/'), Endpoints.Default.Region);
            home.WriteEndpoints(endpoints);
            Console.WriteLine(allInOne ? "Ironbark is up." : "Walrus is up.");
            Console.WriteLine($"  S3 (Walrus):  {endpoints.S3Url}");
            Console.WriteLine($"  Data:         {home.DataDir}");
            if (newAdminKey is not null)
                Console.WriteLine($"  Created the cloud admin account '{Account.AdminName}' (access key {newAdminKey.AccessKeyId}).");
            Console.WriteLine($"  Credentials:  eval \"$(ironbark env --data-dir {home.DataDir})\"");
            await shutdown.WaitAsync();
            Console.WriteLine("Stopping…");
            await walrus.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    /// <summary>Starts Walrus, or says why not and returns null when another process owns its data.</summary>
    private static async Task<WalrusServer?> TryStartWalrusAsync(WalrusOptions options, AccountStore accounts, CancellationToken ct)
    {
        try
        {
            return await WalrusServer.StartAsync(options, accounts, ct);
        }
        catch (ObjectStoreInUseException e)
        {
            Console.Error.WriteLine($"Cannot start: {e.Message}");
            return null;
        }
    }
}
