using System.Globalization;
using Hoard.Cli.Stats;
using Spectre.Console;

namespace Hoard.Cli.Cluster;

/// <summary>
/// <c>hoard cluster up</c>: starts the nodes (and the router), waits until each answers, shows their status
/// until Ctrl-C / SIGTERM / SIGHUP / q, then stops them all and exits 0. Exit codes: 1 bad options, 71 a port
/// is taken (nothing is started), 69 a child would not come up (the others are stopped again).
/// </summary>
internal static class ClusterUp
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);
    private const int EventsShown = 6;

    public static async Task<int> RunAsync(ClusterSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (settings.Problem() is { } problem)
        {
            await error.WriteLineAsync("hoard cluster up: " + problem).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var ports = settings.Router ? settings.NodePorts.Append(settings.RouterPort) : settings.NodePorts;
        var taken = ports.Select(port => PortCheck.Problem(settings.Host, port)).OfType<string>().ToList();
        if (taken.Count > 0)
        {
            foreach (var reason in taken)
                await error.WriteLineAsync("hoard cluster up: " + reason).ConfigureAwait(false);
            await error.WriteLineAsync("hoard cluster up: nothing was started; stop what holds the port, or choose others with --base-port" +
                (settings.Router ? " / --router-port" : "")).ConfigureAwait(false);
            return ExitCodes.OsError;
        }

        using var stop = StopSignals.Register(cancellationToken);
        var events = new ClusterEventLog();
        using var supervisor = new ClusterSupervisor(HoardExecutable.Current(), events);
        // Children must not outlive this process: the finally below stops them on every ordinary path, these
        // hooks on the others (an exception nobody caught, the runtime exiting under us).
        UnhandledExceptionEventHandler onCrash = (_, _) => supervisor.KillAll();
        EventHandler onProcessExit = (_, _) => supervisor.KillAll();
        AppDomain.CurrentDomain.UnhandledException += onCrash;
        AppDomain.CurrentDomain.ProcessExit += onProcessExit;

        // The children are told at once, so none of them exiting from here on is mistaken for a node going down.
        using var stopChildren = stop.Token.Register(supervisor.RequestStopAll);

        var console = StatusConsole.For(output);
        var members = Enumerable.Range(0, settings.Nodes).Select(i => NodeMember(settings, i)).ToList();
        string? configDirectory = null;
        if (settings.Router)
        {
            configDirectory = Directory.CreateTempSubdirectory("hoard-cluster-").FullName;
            var config = RouterConfig.Write(configDirectory, [.. members.Select(m => m.EndPoint)]);
            members.Add(new ClusterMember("router", settings.RouterEndPoint,
                ["router", "--config", config, "-p", settings.RouterPort.ToString(CultureInfo.InvariantCulture), "-l", settings.Host]));
        }

        try
        {
            await using var reader = new StatsReader([.. members.Select(m => m.EndPoint)], ReadTimeout);
            try
            {
                await StartAsync(settings, supervisor, members, reader, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                PrintEvents(console, events);
            }
            if (!supervisor.ChildrenDieWithParent)
                console.WriteLine("hoard cluster: setpriv not found: if this process is killed with SIGKILL, its children keep running");
            console.WriteLine(ReadyLine(settings));

            var keys = console.IsLive ? QuitKey.WatchAsync(stop.Stop, stop.Token) : Task.CompletedTask;
            await MonitorAsync(settings, members, reader, console, events, stop.Token).ConfigureAwait(false);
            stop.Stop();
            await keys.ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ClusterStartException e)
        {
            await error.WriteLineAsync("hoard cluster up: " + e.Message).ConfigureAwait(false);
            foreach (var line in e.Member?.Output.Lines() ?? [])
                await error.WriteLineAsync($"  {e.Member!.Name}: {line}").ConfigureAwait(false);
            return ExitCodes.Unavailable;
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            // Stopped while starting: as asked.
            return ExitCodes.Success;
        }
        finally
        {
            var running = supervisor.Members.Count(m => !m.Exited.IsCompleted);
            if (running > 0)
                console.WriteLine($"hoard cluster: stopping {running} {(running == 1 ? "child" : "children")}" +
                    (stop.Received is { } signal ? $" ({signal})" : ""));
            await supervisor.StopAllAsync(settings.StopGrace).ConfigureAwait(false);
            PrintEvents(console, events);
            console.WriteLine("hoard cluster: all stopped");
            AppDomain.CurrentDomain.UnhandledException -= onCrash;
            AppDomain.CurrentDomain.ProcessExit -= onProcessExit;
            if (configDirectory is not null)
                TryDelete(configDirectory);
            stop.Finished();
        }
    }

    private static ClusterMember NodeMember(ClusterSettings settings, int index)
    {
        var inv = CultureInfo.InvariantCulture;
        var endPoint = settings.NodeEndPoint(index);
        List<string> arguments =
        [
            "server",
            "-p", endPoint.Port.ToString(inv),
            "-m", settings.MemoryMegabytes.ToString(inv),
            "-l", settings.Host,
        ];
        if (settings.Threads is { } threads)
            arguments.AddRange(["-t", threads.ToString(inv)]);
        return new ClusterMember("node" + (index + 1).ToString(inv), endPoint, arguments);
    }

    /// <summary>Starts the nodes together, then the router over them once they all answer.</summary>
    private static async Task StartAsync(
        ClusterSettings settings, ClusterSupervisor supervisor, List<ClusterMember> members, StatsReader reader, CancellationToken cancellationToken)
    {
        var nodes = members.Take(settings.Nodes).ToList();
        foreach (var node in nodes)
            await supervisor.StartAsync(node).ConfigureAwait(false);
        await Task.WhenAll(nodes.Select((node, i) =>
            supervisor.WaitUntilAnsweringAsync(node, reader, i, settings.StartTimeout, cancellationToken))).ConfigureAwait(false);
        if (settings.Router)
        {
            var router = members[^1];
            await supervisor.StartAsync(router).ConfigureAwait(false);
            await supervisor.WaitUntilAnsweringAsync(router, reader, members.Count - 1, settings.StartTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task MonitorAsync(
        ClusterSettings settings, List<ClusterMember> members, StatsReader reader, StatusConsole console, ClusterEventLog events, CancellationToken stopToken)
    {
        var previous = new StatsSnapshot?[members.Count];
        var none = new StatsRates?[members.Count];
        // Events printed before the table (the start-up) are not repeated under it.
        long shownFrom = events.Count;
        await console.RunAsync(Frame(settings, members, previous, none, console, events, shownFrom, 0), async show =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int refresh = 1; !stopToken.IsCancellationRequested; refresh++)
            {
                var current = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                var rates = current.Select((snapshot, i) => StatsRates.Between(previous[i], snapshot)).ToArray();
                // Live, the latest events show under the table; otherwise they are printed as log lines.
                var fresh = events.TakeUnprinted();
                if (!console.IsLive)
                {
                    foreach (var line in fresh)
                        console.WriteLine(line);
                }
                show(Frame(settings, members, current, rates, console, events, shownFrom, refresh));
                previous = [.. current];
                try
                {
                    var wait = settings.Interval * refresh - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, stopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }).ConfigureAwait(false);
    }

    private static Rows Frame(
        ClusterSettings settings, IReadOnlyList<ClusterMember> members, IReadOnlyList<StatsSnapshot?> snapshots, IReadOnlyList<StatsRates?> rates,
        StatusConsole console, ClusterEventLog events, long shownFrom, int refresh)
    {
        var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var table = ClusterTable.Build(members, snapshots, rates, console);
        if (!console.IsLive)
            return new Rows(new Text($"hoard cluster {time} refresh {refresh.ToString(CultureInfo.InvariantCulture)}"), table, new Text(""));

        var recent = events.Recent(EventsShown, shownFrom);
        return new Rows(
            new Markup($"[bold]{time}[/]  {Markup.Escape(Where(settings))}  [dim](q or Ctrl-C stops all)[/]"),
            table,
            new Markup("[dim]" + Markup.Escape(string.Join('\n', recent)) + "[/]"));
    }

    private static string Where(ClusterSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var first = settings.NodeEndPoint(0);
        var nodes = settings.Nodes == 1
            ? $"1 node on {first.HostPort}"
            : $"{settings.Nodes} nodes on {first.HostPort}-{(settings.BasePort + settings.Nodes - 1).ToString(inv)}";
        return settings.Router ? $"{nodes}, router on {settings.RouterEndPoint.HostPort}" : nodes;
    }

    private static string ReadyLine(ClusterSettings settings) =>
        $"hoard cluster: up: {Where(settings)}; Ctrl-C stops them all";

    private static void PrintEvents(StatusConsole console, ClusterEventLog events)
    {
        foreach (var line in events.TakeUnprinted())
            console.WriteLine(line);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
