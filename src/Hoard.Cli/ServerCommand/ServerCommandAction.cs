namespace Hoard.Cli.ServerCommand;

/// <summary>What a <c>hoard server</c> command line asks for.</summary>
internal enum ServerCommandAction
{
    Run,
    ShowHelp,
    ShowVersion,
    ShowLicense,
}
