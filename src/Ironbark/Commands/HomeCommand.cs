using System.CommandLine;
using Ironbark.Clc.Identity;

namespace Ironbark.Commands;

/// <summary>
/// The shape of every command that works on a cloud's data directory: --data-dir and --postgres (or --clc-postgres:
/// the identity is the CLC's),
/// the account store of the existing cloud opened for the action (never creating one), and account
/// and data-directory errors printed as a message with exit code 1.
/// </summary>
public static class HomeCommand
{
    public static Command Bind(Command command, Func<ParseResult, CloudHome, AccountStore, CancellationToken, Task<int>> action) =>
        BindHome(command, async (parse, home, ct) =>
        {
            var (accounts, db) = await home.OpenExistingAsync(ct);
            await using var _ = db;
            return await action(parse, home, accounts, ct);
        });

    /// <summary>The data directory alone, for a command that opens it its own way (init makes a cloud of it).</summary>
    public static Command BindHome(Command command, Func<ParseResult, CloudHome, CancellationToken, Task<int>> action)
    {
        var dataDir = CommonOptions.DataDir();
        var postgres = CommonOptions.Postgres();
        var clcPostgres = CommonOptions.ComponentPostgres("clc");
        command.Options.Add(dataDir);
        command.Options.Add(postgres);
        command.Options.Add(clcPostgres);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, new CloudHome(parse.GetValue(dataDir)!, parse.GetValue(clcPostgres) ?? parse.GetValue(postgres)), ct);
            }
            catch (AccountException e)
            {
                Console.Error.WriteLine($"{e.Code}: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is NoCloudException or DataDirectoryExposedException)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
