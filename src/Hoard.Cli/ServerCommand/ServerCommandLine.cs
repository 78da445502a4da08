using Hoard.Server;

namespace Hoard.Cli.ServerCommand;

/// <summary>
/// A parsed <c>hoard server</c> command line: the server's settings, plus the settings of the process
/// around it (daemon, pid file, user) that the server itself knows nothing of.
/// </summary>
internal sealed class ServerCommandLine
{
    public ServerCommandAction Action { get; set; } = ServerCommandAction.Run;

    public ServerOptions Options { get; } = new();

    /// <summary><c>-d</c>: detach from the terminal and run in the background.</summary>
    public bool Daemonize { get; set; }

    /// <summary><c>-P</c>: file to write the process id to.</summary>
    public string? PidFile { get; set; }

    /// <summary><c>-u</c>: user to become after binding, when started as root.</summary>
    public string? User { get; set; }

    /// <summary>One line each for flags and <c>-o</c> options accepted but without effect in Hoard.</summary>
    public IList<string> Warnings { get; } = new List<string>();
}
