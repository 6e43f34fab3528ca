using System.CommandLine;
using Ironbark;
using Ironbark.Commands;

// Whatever this process and its children (SQLite, QEMU) create in the data directory is the cloud user's alone.
DataDirectoryPermissions.RestrictProcess();

var root = new RootCommand("Ironbark: an open private cloud with the EC2 and S3 APIs")
{
    ServeCommands.Up(),
    ServeCommands.Clc(),
    ServeCommands.Walrus(),
    ServeCommands.Cc(),
    ServeCommands.Nc(),
    InitCommand.Create(),
    EnvCommand.Create(),
    AdminCommand.Create(),
    ImageCommand.Create(),
};
// The serve commands stop gracefully on SIGTERM and Ctrl-C by themselves (ShutdownSignal). System.CommandLine's
// own handler would hold the signal for its 2 s timeout, then end the invocation with 143 mid-stop.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
