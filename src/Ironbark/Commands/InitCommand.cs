using System.CommandLine;

namespace Ironbark.Commands;

/// <summary>`ironbark init`: creates the data directory, the secret key and the cloud admin account.</summary>
public static class InitCommand
{
    public static Command Create() =>
        HomeCommand.Bind(new Command("init", "Create the cloud's data directory, CA and component certificates, keys and admin account (up does this on first start)"),
            async (_, home, accounts, ct) =>
        {
            var key = await accounts.EnsureAdminAsync(ct);
            var pkiCreated = home.Pki.EnsureCreated();
            await home.EnsureSystemCredentialsAsync(accounts, ct);
            Console.WriteLine(key is null && !pkiCreated
                ? $"The cloud in {home.DataDir} is already initialised."
                : $"Initialised {home.DataDir}: cloud CA and component certificates in {home.Pki.Directory}"
                  + (key is null ? "." : $"; admin access key {key.AccessKeyId}."));
            return 0;
        });
}
