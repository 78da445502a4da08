using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hoard.Cli.Cluster;

/// <summary>
/// Starts the cluster's child processes so that they die with the parent even when it is killed outright
/// (SIGKILL, a crash): where util-linux <c>setpriv</c> exists, each child runs under
/// <c>setpriv --pdeathsig TERM</c>, which asks the kernel to send it SIGTERM when its parent goes away.
/// The kernel ties that to the parent <i>thread</i> that forked the child, so every child is started from
/// one dedicated thread that lives as long as the process (a thread-pool thread may retire and take the
/// children with it). Where util-linux <c>setsid</c> exists, each child also gets a session of its own, so the
/// terminal's Ctrl-C reaches only the cluster process, which then stops the children one way, in order
/// (a second signal would make a server quit without its clean shutdown).
/// </summary>
internal sealed class ChildLauncher : IDisposable
{
    private static readonly string[] SetprivLocations = ["/usr/bin/setpriv", "/bin/setpriv"];
    private static readonly string[] SetsidLocations = ["/usr/bin/setsid", "/bin/setsid"];

    private readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> _requests = new();
    private readonly Thread _thread;

    public ChildLauncher()
    {
        Setpriv = OperatingSystem.IsLinux() ? SetprivLocations.FirstOrDefault(File.Exists) : null;
        Setsid = OperatingSystem.IsLinux() ? SetsidLocations.FirstOrDefault(File.Exists) : null;
        _thread = new Thread(Run) { IsBackground = true, Name = "hoard cluster launcher" };
        _thread.Start();
    }

    /// <summary>The setpriv program children are started under; null when there is none (then a parent killed outright leaves them running).</summary>
    public string? Setpriv { get; }

    /// <summary>The setsid program children are started under; null when there is none (then Ctrl-C reaches them too).</summary>
    public string? Setsid { get; }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; <paramref name="configure"/> sets output redirection and environment.</summary>
    public Task<Process> StartAsync(string fileName, IEnumerable<string> arguments, Action<ProcessStartInfo> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        // Each wrapper execs the next one, so the pid is the server's own from the start.
        var command = new List<string>();
        if (Setpriv is not null)
            command.AddRange([Setpriv, "--pdeathsig", "TERM", "--"]);
        if (Setsid is not null)
            command.AddRange([Setsid, "--"]);
        command.Add(fileName);
        var info = new ProcessStartInfo { FileName = command[0], UseShellExecute = false };
        foreach (var word in command.Skip(1))
            info.ArgumentList.Add(word);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        configure(info);
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((info, started));
        return started.Task;
    }

    public void Dispose()
    {
        // The thread is not ended: children started from it must keep their parent thread until the process exits.
        _requests.CompleteAdding();
    }

    private void Run()
    {
        foreach (var (info, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info };
                process.Start();
                started.SetResult(process);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                started.SetException(e);
            }
        }
        // Requests are done; stay alive as the children's parent thread until the process ends.
        Thread.Sleep(Timeout.Infinite);
    }
}
