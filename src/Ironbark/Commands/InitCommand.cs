using System.CommandLine;

namespace Ironbark.Commands;

/// <summary>`ironbark init`: creates the data directory, the secret key and the cloud admin account.</summary>
public static class InitCommand
{
    public static Command Create() =>
        HomeCommand.BindHome(new Command("init", "Create the cloud's data directory, CA and component certificates, keys and admin account (up does this on first start)"),
            async (_, home, ct) =>
        {
            var (_, db, key, pkiCreated) = await home.InitializeAsync(ct);
            await db.DisposeAsync();
            Console.WriteLine(key is null && !pkiCreated
                ? $"The cloud in {home.DataDir} is already initialised."
                : $"Initialised {home.DataDir}: cloud CA and component certificates in {home.Pki.Directory}"
                  + (key is null ? "." : $"; admin access key {key.AccessKeyId}."));
            return 0;
        });
}
