using Hoard.Cli.Cluster;
using Hoard.Cli.Stats;
using Hoard.Cli.Tests.Stats;
using Hoard.Client.Distribution;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Cli.Tests.Cluster;

/// <summary>
/// The supervisor's handling of children that misbehave, with small shell scripts standing in for hoard
/// (<c>sh -c SCRIPT sh server -p ...</c>: the member's arguments become the script's $1...).
/// </summary>
public sealed class ClusterSupervisorTests
{
    private static HoardExecutable Shell(string script) => new("/bin/sh", ["-c", script, "sh"]);

    private static ClusterMember Member(int port) => new("node1", new ServerEndPoint("127.0.0.1", port), ["server", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    [Fact]
    public async Task A_child_that_exits_before_answering_fails_the_start_with_its_last_words()
    {
        var events = new ClusterEventLog();
        using var supervisor = new ClusterSupervisor(Shell("echo \"cannot bind port $3\" >&2; exit 3"), events);
        int port = CliRun.ClosedPort();
        var member = Member(port);
        await using var reader = new StatsReader([member.EndPoint], TimeSpan.FromSeconds(1));

        await supervisor.StartAsync(member);
        var failure = await Assert.ThrowsAsync<ClusterStartException>(() =>
            supervisor.WaitUntilAnsweringAsync(member, reader, 0, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal($"node1 (port {port}, pid {member.Pid}) exited (exit 3) before answering", failure.Message);
        Assert.Same(member, failure.Member);
        await member.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([$"cannot bind port {port}"], member.Output.Lines());
        Assert.Equal(MemberState.Down, member.State);
    }

    [Fact]
    public async Task A_child_that_dies_is_reported_down_with_its_exit_code()
    {
        var events = new ClusterEventLog();
        using var supervisor = new ClusterSupervisor(Shell("echo 'out of memory'; exit 5"), events);
        var member = Member(CliRun.ClosedPort());

        await supervisor.StartAsync(member);
        await member.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(MemberState.Down, member.State);
        Assert.Equal(5, member.ExitCode);
        Assert.Contains(events.Recent(10, 0), line => line.EndsWith(
            $"node1 (port {member.EndPoint.Port}, pid {member.Pid}) is DOWN: exited on its own (exit 5); its last output: out of memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_child_that_ignores_SIGTERM_is_killed_after_the_grace_time()
    {
        var events = new ClusterEventLog();
        // Ignores SIGTERM and waits on its standard input, which the supervisor never closes.
        using var supervisor = new ClusterSupervisor(Shell("trap '' TERM; echo ready; read line"), events);
        var member = Member(CliRun.ClosedPort());
        await supervisor.StartAsync(member);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (member.Output.Last() != "ready" && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);

        await supervisor.StopAllAsync(TimeSpan.FromMilliseconds(500)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(MemberState.Stopped, member.State);
        Assert.Equal(128 + 9, member.ExitCode);
        Assert.False(ChildProcess.IsRunning(member.Pid!.Value));
        var recent = events.Recent(10, 0);
        Assert.Contains(recent, line => line.Contains("did not stop within 500ms of SIGTERM; killing it", StringComparison.Ordinal));
        Assert.Contains(recent, line => line.Contains("stopped (exit 137, SIGKILL)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_child_that_stops_on_SIGTERM_is_reported_stopped_not_down()
    {
        var events = new ClusterEventLog();
        using var supervisor = new ClusterSupervisor(Shell("echo ready; exec sleep 60"), events);
        var member = Member(CliRun.ClosedPort());
        await supervisor.StartAsync(member);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (member.Output.Last() != "ready" && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);

        await supervisor.StopAllAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(MemberState.Stopped, member.State);
        Assert.Equal(128 + 15, member.ExitCode);
        Assert.DoesNotContain(events.Recent(10, 0), line => line.Contains("DOWN", StringComparison.Ordinal));
    }
}
