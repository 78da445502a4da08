using System.Diagnostics;
using Hoard.Cli.Stats;

namespace Hoard.Cli.Cluster;

/// <summary>
/// Starts the cluster's children, notices when one exits, and stops them all: SIGTERM, then SIGKILL for any
/// still running after the grace time. A child that exits on its own is logged and left down.
/// </summary>
internal sealed class ClusterSupervisor : IDisposable
{
    private readonly HoardExecutable _executable;
    private readonly ChildLauncher _launcher = new();
    private readonly List<ClusterMember> _members = [];

    public ClusterSupervisor(HoardExecutable executable, ClusterEventLog events)
    {
        _executable = executable;
        Events = events;
    }

    public ClusterEventLog Events { get; }

    public IReadOnlyList<ClusterMember> Members
    {
        get
        {
            lock (_members)
                return [.. _members];
        }
    }

    /// <summary>False when children are started directly (no setpriv): then only a parent that exits normally stops them.</summary>
    public bool ChildrenDieWithParent => _launcher.Setpriv is not null;

    /// <summary>Starts <paramref name="member"/>'s process; does not wait for it to answer.</summary>
    public async Task StartAsync(ClusterMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_members)
            _members.Add(member);
        Process process;
        try
        {
            process = await StartProcessAsync(member).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ClusterStartException(member, $"could not be started ({_executable.FileName}): {e.Message}");
        }
        member.Attach(process, OnExited);
        Events.Add($"{member.Describe()} started: hoard {string.Join(' ', member.Arguments)}");
    }

    private Task<Process> StartProcessAsync(ClusterMember member) =>
        _launcher.StartAsync(_executable.FileName, [.. _executable.LeadingArguments, .. member.Arguments], info =>
        {
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.RedirectStandardInput = true; // children must not read the keys meant for the live table
            // Each child writes its own port file if asked; an inherited one would be shared by all of them.
            info.Environment.Remove("MEMCACHED_PORT_FILENAME");
            // As ./hoard does for "hoard server": long-running servers JIT for this CPU (docs/benchmarks.md).
            if (Environment.GetEnvironmentVariable("DOTNET_ReadyToRun") is null)
                info.Environment["DOTNET_ReadyToRun"] = "0";
        });

    /// <summary>
    /// Waits until <paramref name="member"/> answers <c>version</c>. Throws <see cref="ClusterStartException"/>
    /// when it exits first or does not answer within <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilAnsweringAsync(ClusterMember member, StatsReader reader, int index, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(reader);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.Exited.IsCompleted)
                throw new ClusterStartException(member, $"exited ({ExitStatus.Describe(member.ExitCode ?? -1)}) before answering");
            if (await reader.VersionAsync(index, cancellationToken).ConfigureAwait(false) is { } version)
            {
                member.MarkRunning();
                Events.Add($"{member.Describe()} answers: version {version}");
                return;
            }
            if (clock.Elapsed > timeout)
                throw new ClusterStartException(member, $"did not answer 'version' within {timeout.TotalSeconds:0} s");
            await Task.WhenAny(member.Exited, Task.Delay(100, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM to every running child, without waiting: from now on their exits are expected, not "down".</summary>
    public void RequestStopAll()
    {
        foreach (var member in Members)
            member.RequestStop();
    }

    /// <summary>SIGTERM to every running child, then SIGKILL to those still running after <paramref name="grace"/>.</summary>
    public async Task StopAllAsync(TimeSpan grace)
    {
        RequestStopAll();
        var members = Members;
        var all = Task.WhenAll(members.Select(m => m.Exited));
        if (await Task.WhenAny(all, Task.Delay(grace)).ConfigureAwait(false) != all)
        {
            foreach (var member in members.Where(m => !m.Exited.IsCompleted))
            {
                Events.Add($"{member.Describe()} did not stop within {DurationText.Describe(grace)} of SIGTERM; killing it");
                member.Kill();
            }
            await all.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The last resort on an abnormal exit (unhandled exception, the runtime shutting down): synchronous,
    /// bounded, and safe to call more than once.
    /// </summary>
    public void KillAll()
    {
        var members = Members;
        foreach (var member in members)
            member.RequestStop();
        Task.WaitAny([Task.WhenAll(members.Select(m => m.Exited))], TimeSpan.FromSeconds(1));
        foreach (var member in members)
            member.Kill();
    }

    public void Dispose() => _launcher.Dispose();

    private void OnExited(ClusterMember member)
    {
        var status = ExitStatus.Describe(member.ExitCode ?? -1);
        if (member.State == MemberState.Stopped)
        {
            Events.Add($"{member.Describe()} stopped ({status})");
            return;
        }
        var last = member.Output.Last();
        Events.Add($"{member.Describe()} is DOWN: exited on its own ({status})" + (last is null ? "" : $"; its last output: {last}"));
    }
}
