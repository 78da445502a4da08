using System.Runtime.InteropServices;

namespace Hoard.Cli.Cluster;

/// <summary>kill(2): .NET can only SIGKILL a process, and the children deserve a SIGTERM first.</summary>
internal static partial class ProcessSignal
{
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
