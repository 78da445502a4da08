using System.Diagnostics;
using Hoard.Client.Distribution;

namespace Hoard.Cli.Cluster;

/// <summary>One child of <c>hoard cluster up</c>: a <c>hoard server</c> node or the <c>hoard router</c>.</summary>
internal sealed class ClusterMember
{
    private Process? _process;
    private int _state = (int)MemberState.Starting;

    public ClusterMember(string name, ServerEndPoint endPoint, IReadOnlyList<string> arguments)
    {
        Name = name;
        EndPoint = endPoint;
        Arguments = arguments;
    }

    /// <summary>node1, node2, ... or router.</summary>
    public string Name { get; }

    /// <summary>Where it is reached (the listen port on the connect address).</summary>
    public ServerEndPoint EndPoint { get; }

    /// <summary>The hoard arguments it runs with (<c>server -p 11211 ...</c>).</summary>
    public IReadOnlyList<string> Arguments { get; }

    public OutputTail Output { get; } = new(20);

    public MemberState State => (MemberState)Volatile.Read(ref _state);

    public int? Pid { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>Completes when the process has exited (at once if it never started).</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    public string Describe() => Pid is { } pid ? $"{Name} (port {EndPoint.Port}, pid {pid})" : $"{Name} (port {EndPoint.Port})";

    /// <summary>Takes the started process and watches it; <paramref name="onExit"/> runs when it exits.</summary>
    public void Attach(Process process, Action<ClusterMember> onExit)
    {
        _process = process;
        Pid = process.Id;
        process.OutputDataReceived += (_, e) => Output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => Output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Exited = WatchAsync(process, onExit);
    }

    public void MarkRunning() => Interlocked.CompareExchange(ref _state, (int)MemberState.Running, (int)MemberState.Starting);

    /// <summary>Asks the process to stop (SIGTERM); from now on its exit is expected. False when it had already exited.</summary>
    public bool RequestStop()
    {
        var before = (MemberState)Interlocked.Exchange(ref _state, (int)MemberState.Stopping);
        if (before is MemberState.Down or MemberState.Stopped)
        {
            Volatile.Write(ref _state, (int)before);
            return false;
        }
        // One SIGTERM only: a server takes a second one as "quit now, skip the clean shutdown".
        if (before == MemberState.Stopping)
            return true;
        return Pid is { } pid && ProcessSignal.Send(pid, ProcessSignal.SigTerm);
    }

    /// <summary>SIGKILL, for a child that did not stop in its grace time or when the parent is going down abnormally.</summary>
    public void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
                process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited meanwhile, or not ours to kill any more.
        }
    }

    private async Task WatchAsync(Process process, Action<ClusterMember> onExit)
    {
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        ExitCode = process.ExitCode;
        // An exit while stopping was asked for; any other exit is a node going down.
        var before = (MemberState)Volatile.Read(ref _state);
        Volatile.Write(ref _state, (int)(before == MemberState.Stopping ? MemberState.Stopped : MemberState.Down));
        onExit(this);
    }
}
