using System.CommandLine;
using System.CommandLine.Help;
using Hoard.Cli.Stats;

namespace Hoard.Cli.Cluster;

/// <summary><c>hoard cluster up</c>: a local cluster of <c>hoard server</c> processes (and a router) in one command.</summary>
internal static class ClusterCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new ClusterSettings();
        var nodes = new Option<int>("--nodes") { Description = $"How many hoard server processes, 1-{ClusterSettings.MaxNodes}", DefaultValueFactory = _ => defaults.Nodes };
        var router = new Option<bool>("--router") { Description = "Also start hoard router over the nodes (mcrouter-style config, PoolRoute over all nodes)" };
        var memory = new Option<int>("--memory") { Description = "Item memory per node in megabytes (memcached's -m)", DefaultValueFactory = _ => defaults.MemoryMegabytes };
        var basePort = new Option<int>("--base-port") { Description = $"Port of the first node; the others follow it", DefaultValueFactory = _ => ClusterSettings.DefaultBasePort };
        var threads = new Option<int?>("--threads") { Description = $"Worker threads per node, 1-{ClusterSettings.MaxThreads} (memcached's -t; default: the server's)" };
        var host = new Option<string>("--host") { Description = $"Address the nodes (and the router) listen on (memcached's -l)", DefaultValueFactory = _ => defaults.Host };
        var routerPort = new Option<int>("--router-port") { Description = $"Port of the router", DefaultValueFactory = _ => ClusterSettings.DefaultRouterPort };
        var interval = new Option<string>("--interval") { Description = "Time between status refreshes: 500ms, 1s, 5s, ...", DefaultValueFactory = _ => "1s" };

        var up = new Command("up", "Start N hoard server processes (and optionally hoard router), show their status live, stop them all on Ctrl-C.")
        {
            nodes, router, memory, basePort, threads, host, routerPort, interval,
        };
        up.Options.Add(new HelpOption());
        up.SetAction(async (parse, cancellationToken) =>
        {
            var intervalText = parse.GetValue(interval)!;
            if (!DurationText.TryParse(intervalText, "--interval", ClusterSettings.MinInterval, ClusterSettings.MaxInterval, out var refresh, out var problem))
            {
                await error.WriteLineAsync("hoard cluster up: " + problem).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var settings = new ClusterSettings
            {
                Nodes = parse.GetValue(nodes),
                Router = parse.GetValue(router),
                MemoryMegabytes = parse.GetValue(memory),
                BasePort = parse.GetValue(basePort),
                Threads = parse.GetValue(threads),
                Host = parse.GetValue(host)!,
                RouterPort = parse.GetValue(routerPort),
                Interval = refresh,
            };
            return await ClusterUp.RunAsync(settings, output, error, cancellationToken).ConfigureAwait(false);
        });

        var cluster = new Command("cluster", "Run a local Hoard cluster: hoard cluster up [--nodes 3] [--router].") { up };
        cluster.Options.Add(new HelpOption());
        return cluster;
    }
}
