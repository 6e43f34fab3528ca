using System.CommandLine;

namespace Ironbark.Commands;

/// <summary>`ironbark init`: creates the data directory, the secret key and the cloud admin account.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Create the cloud's data directory, CA and component certificates, keys and admin account (up does this on first start)");
        var dataDir = CommonOptions.DataDir();
        var postgres = CommonOptions.Postgres();
        command.Options.Add(dataDir);
        command.Options.Add(postgres);
        command.SetAction(async (parse, ct) =>
        {
            var home = new CloudHome(parse.GetValue(dataDir)!, parse.GetValue(postgres));
            try
            {
                var (_, db, key, pkiCreated) = await home.InitializeAsync(ct);
                await db.DisposeAsync();
                Console.WriteLine(key is null && !pkiCreated
                    ? $"The cloud in {home.DataDir} is already initialised."
                    : $"Initialised {home.DataDir}: cloud CA and component certificates in {home.Pki.Directory}"
                      + (key is null ? "." : $"; admin access key {key.AccessKeyId}."));
                return 0;
            }
            catch (DataDirectoryExposedException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
