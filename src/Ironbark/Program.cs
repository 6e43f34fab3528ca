using System.CommandLine;
using Ironbark.Commands;

var root = new RootCommand("Ironbark: an open private cloud with the EC2 and S3 APIs")
{
    ServeCommands.Up(),
    ServeCommands.Walrus(),
    InitCommand.Create(),
    EnvCommand.Create(),
    AdminCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
