using System.Globalization;
using System.Text.RegularExpressions;
using Hoard.Cli.Tests.Stats;
using Hoard.Integration.Tests.Infrastructure;

namespace Hoard.Cli.Tests.Cluster;

/// <summary>
/// <c>hoard cluster up</c> run for real, as its own process (the apphost built with these tests), its output
/// read as a pipe: plain text, one table per refresh.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class ClusterUpProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static ChildProcess StartCluster(params string[] args) =>
        ChildProcess.Start(HoardApphost.Executable, ["cluster", "up", "--memory", "8", "--interval", "300ms", .. args]);

    /// <summary>Whether a table row for <paramref name="node"/> matching <paramref name="rest"/> (a regex after port and pid) was printed.</summary>
    private static bool HasRow(string output, string node, int port, int pid, string rest) =>
        Regex.IsMatch(output, $@"(?m)^{node} +{port} +{pid} +{rest}");

    [Fact]
    public void Three_nodes_answer_a_killed_node_is_reported_down_and_SIGTERM_stops_the_others_killing_a_frozen_one_with_exit_0()
    {
        int basePort = FreePorts.FindConsecutive(3);
        using var cluster = StartCluster("--nodes", "3", "--base-port", Text(basePort));
        cluster.WaitForOutput(o => o.Contains($"hoard cluster: up: 3 nodes on 127.0.0.1:{basePort}-{basePort + 2}", StringComparison.Ordinal),
            StartTimeout, "the cluster to be up");

        // Every node answers, and is the process the table names.
        var pids = new int[3];
        for (int i = 0; i < 3; i++)
        {
            using var connection = TextConnection.Open(basePort + i);
            Assert.StartsWith("VERSION 1.6.18-hoard-", connection.Version(), StringComparison.Ordinal);
            var stats = connection.Stats();
            pids[i] = int.Parse(stats["pid"], CultureInfo.InvariantCulture);
            Assert.Equal(8L * 1024 * 1024, long.Parse(stats["limit_maxbytes"], CultureInfo.InvariantCulture));
            int node = i;
            cluster.WaitForOutput(o => HasRow(o, $"node{node + 1}", basePort + node, pids[node], "up "), StepTimeout, $"node{node + 1}'s row");
        }
        using (var connection = TextConnection.Open(basePort))
        {
            for (int k = 0; k < 5; k++)
                connection.Set("key" + Text(k), "value");
        }
        cluster.WaitForOutput(o => HasRow(o, "node1", basePort, pids[0], @"up +5 "), StepTimeout, "node1's 5 items in the table");

        Assert.True(ChildProcess.SignalPid(pids[1], ChildProcess.SigKill));
        var output = cluster.WaitForOutput(o => HasRow(o, "node2", basePort + 1, pids[1], Regex.Escape("down (exit 137, SIGKILL)")),
            StepTimeout, "node2 reported down in the table");
        Assert.Contains($"node2 (port {basePort + 1}, pid {pids[1]}) is DOWN: exited on its own (exit 137, SIGKILL)", output, StringComparison.Ordinal);
        using (var connection = TextConnection.Open(basePort + 2))
            Assert.StartsWith("VERSION ", connection.Version(), StringComparison.Ordinal);

        // node3 frozen: it cannot act on SIGTERM, so the shutdown has to kill it after the 5 s grace time, and
        // still exit 0 (System.CommandLine's own handler would make it 143 after two seconds).
        Assert.True(ChildProcess.SignalPid(pids[2], ChildProcess.SigStop));
        cluster.Signal(ChildProcess.SigTerm);
        var exit = cluster.WaitForExit(StepTimeout);

        output = cluster.Output;
        Assert.True(exit == 0, $"exit code {exit?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"}; output:\n{output}");
        Assert.Contains("hoard cluster: stopping 2 children (SIGTERM)", output, StringComparison.Ordinal);
        Assert.Contains($"node1 (port {basePort}, pid {pids[0]}) stopped (exit 0)", output, StringComparison.Ordinal);
        Assert.Contains($"node3 (port {basePort + 2}, pid {pids[2]}) did not stop within 5s of SIGTERM; killing it", output, StringComparison.Ordinal);
        Assert.Contains($"node3 (port {basePort + 2}, pid {pids[2]}) stopped (exit 137, SIGKILL)", output, StringComparison.Ordinal);
        Assert.EndsWith("hoard cluster: all stopped", output.TrimEnd(), StringComparison.Ordinal);
        foreach (var pid in pids)
            Assert.False(ChildProcess.IsRunning(pid), $"node pid {pid} outlived the cluster");
        for (int i = 0; i < 3; i++)
            Assert.False(TextConnection.CanConnect(basePort + i), $"port {basePort + i} still answers");
    }

    [SetprivFact]
    public void Nodes_die_with_a_cluster_process_killed_outright()
    {
        int basePort = FreePorts.FindConsecutive(2);
        using var cluster = StartCluster("--nodes", "2", "--base-port", Text(basePort));
        cluster.WaitForOutput(o => o.Contains("hoard cluster: up:", StringComparison.Ordinal), StartTimeout, "the cluster to be up");
        var pids = Enumerable.Range(0, 2).Select(i =>
        {
            using var connection = TextConnection.Open(basePort + i);
            return int.Parse(connection.Stats()["pid"], CultureInfo.InvariantCulture);
        }).ToArray();

        cluster.Signal(ChildProcess.SigKill);
        Assert.Equal(137, cluster.WaitForExit(StepTimeout));

        // The kernel sends each node SIGTERM (setpriv --pdeathsig); they shut down on their own.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (pids.Any(ChildProcess.IsRunning) && clock.Elapsed < StepTimeout)
            Thread.Sleep(50);
        foreach (var pid in pids)
            Assert.False(ChildProcess.IsRunning(pid), $"node pid {pid} outlived a killed cluster process");
    }

    [Fact]
    public void The_router_runs_over_the_nodes_and_is_a_row_of_the_table()
    {
        int basePort = FreePorts.FindConsecutive(3);
        int routerPort = basePort + 2;
        using var cluster = StartCluster("--nodes", "2", "--base-port", Text(basePort), "--router", "--router-port", Text(routerPort));
        cluster.WaitForOutput(o => o.Contains($"hoard cluster: up: 2 nodes on 127.0.0.1:{basePort}-{basePort + 1}, router on 127.0.0.1:{routerPort}", StringComparison.Ordinal),
            StartTimeout, "the cluster and router to be up");

        int routerPid = Process(cluster.Output, "router");
        using (var router = TextConnection.Open(routerPort))
        {
            Assert.StartsWith("VERSION ", router.Version(), StringComparison.Ordinal);
            for (int k = 0; k < 20; k++)
                router.Set("routed" + Text(k), "v" + Text(k));
            for (int k = 0; k < 20; k++)
                Assert.Equal("v" + Text(k), router.Get("routed" + Text(k)));
        }
        // The keys went to the nodes, spread over both.
        var items = Enumerable.Range(0, 2).Select(i =>
        {
            using var node = TextConnection.Open(basePort + i);
            return int.Parse(node.Stats()["curr_items"], CultureInfo.InvariantCulture);
        }).ToArray();
        Assert.Equal(20, items.Sum());
        Assert.All(items, count => Assert.True(count > 0, $"one node holds no keys: {string.Join(", ", items)}"));
        cluster.WaitForOutput(o => HasRow(o, "router", routerPort, routerPid, "up "), StepTimeout, "the router's row");

        cluster.Signal(ChildProcess.SigTerm);
        var exit = cluster.WaitForExit(StepTimeout);
        Assert.True(exit == 0, $"exit code {exit?.ToString(CultureInfo.InvariantCulture) ?? "none (still running)"}; output:\n{cluster.Output}");
        Assert.False(ChildProcess.IsRunning(routerPid));
        Assert.False(TextConnection.CanConnect(routerPort));
    }

    /// <summary>The pid of a child from its "started" log line.</summary>
    private static int Process(string output, string name)
    {
        var match = Regex.Match(output, $@"{name} \(port \d+, pid (\d+)\) started");
        Assert.True(match.Success, $"no start line for {name} in:\n{output}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
