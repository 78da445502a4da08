using System.Globalization;

namespace Hoard.Cli.Cluster;

/// <summary>A child's exit code in words: .NET reports a child ended by a signal as 128 + the signal number.</summary>
internal static class ExitStatus
{
    public static string Describe(int exitCode)
    {
        var code = exitCode.ToString(CultureInfo.InvariantCulture);
        if (exitCode is > 128 and < 128 + 65)
        {
            var signal = exitCode - 128;
            return $"exit {code}, {SignalName(signal)}";
        }
        return "exit " + code;
    }

    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}
