using System.CommandLine;
using System.CommandLine.Help;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hoard.Cli.Hosting;
using Hoard.Router;
using Hoard.Router.Config;
using Hoard.Server;

namespace Hoard.Cli.Router;

/// <summary>
/// <c>hoard router --config FILE [-p 5000]</c>: an mcrouter-style proxy in front of memcached-compatible servers.
/// Runs until SIGINT/SIGTERM; SIGHUP re-reads the config at once (it is also polled every second).
/// </summary>
internal static class RouterCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config", "-f") { Description = "Route config: JSON in mcrouter's format (file:PATH accepted, as mcrouter writes it)", Required = true };
        var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: a free one)", DefaultValueFactory = _ => 5000 };
        var listen = new Option<string>("--listen", "-l") { Description = "Addresses to listen on, comma-separated (memcached's -l)", DefaultValueFactory = _ => "0.0.0.0" };
        var threads = new Option<int>("--threads", "-t") { Description = "Front threads: event loops, each serving its share of the client connections and upstream sockets", DefaultValueFactory = _ => 4 };
        var transport = new Option<string>("--transport") { Description = "epoll (event loops, Linux x86-64), sockets (.NET's asynchronous sockets) or auto", DefaultValueFactory = _ => "auto" };
        transport.AcceptOnlyFromAmong("auto", "epoll", "sockets");
        var connections = new Option<int>("--connections-per-server") { Description = "Pipelined connections to each upstream server, shared by all clients", DefaultValueFactory = _ => 2 };
        var timeout = new Option<int>("--server-timeout") { Description = "Milliseconds an upstream request may take (mcrouter's --server-timeout)", DefaultValueFactory = _ => 1000 };
        var tko = new Option<int>("--timeouts-until-tko") { Description = "Failures in a row that mark a server down (TKO)", DefaultValueFactory = _ => 3 };
        var probeInitial = new Option<int>("--probe-delay-initial-ms") { Description = "First wait before probing a TKO server", DefaultValueFactory = _ => 1000 };
        var probeMax = new Option<int>("--probe-delay-max-ms") { Description = "Longest wait between probes (the wait doubles, with jitter)", DefaultValueFactory = _ => 30000 };
        var missOnError = new Option<bool>("--get-errors-as-misses") { Description = "Answer a failed get with a miss instead of SERVER_ERROR" };
        var flush = new Option<bool>("--enable-flush-all") { Description = "Pass flush_all to every server of every pool (refused otherwise)" };
        var deleteLog = new Option<string?>("--delete-log") { Description = "File of undelivered deletes, replayed when their server is back (off unless given)" };
        var routePrefix = new Option<string?>("--route-prefix") { Description = "Default routing prefix when the config has \"routes\" (/region/cluster/)" };
        var metrics = new Option<int?>("--metrics-port") { Description = "Serve Prometheus metrics on http://*:PORT/metrics" };
        var maxConnections = new Option<int>("--max-conns", "-c") { Description = "Client connections accepted at most", DefaultValueFactory = _ => 65536 };
        var maxValue = new Option<int>("--max-item-size", "-I") { Description = "Largest value accepted from clients, in bytes", DefaultValueFactory = _ => 1024 * 1024 };
        var lenient = new Option<bool>("--lenient-keys") { Description = "Accept keys with control characters, as memcached does (hoard server's -o lenient_keys)" };
        var verbose = new Option<int>("--verbose", "-v") { Description = "Log more: 1 info, 2 debug", DefaultValueFactory = _ => 0 };

        var command = new Command("router", "Run an mcrouter-style memcached proxy: pooled connections, routing, failover, replication, warm-up.")
        {
            config, port, listen, threads, transport, connections, timeout, tko, probeInitial, probeMax, missOnError, flush, deleteLog,
            routePrefix, metrics, maxConnections, maxValue, lenient, verbose,
        };
        command.Options.Add(new HelpOption());
        command.SetAction((parse, cancellationToken) =>
        {
            string path = parse.GetValue(config)!;
            if (path.StartsWith("file:", StringComparison.Ordinal))
                path = path["file:".Length..];
            var options = new RouterOptions
            {
                ConfigPath = path,
                Port = parse.GetValue(port),
                ListenAddresses = parse.GetValue(listen)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Threads = parse.GetValue(threads),
                Transport = parse.GetValue(transport) switch
                {
                    "epoll" => TransportKind.Epoll,
                    "sockets" => TransportKind.Sockets,
                    _ => TransportKind.Auto,
                },
                ConnectionsPerServer = parse.GetValue(connections),
                ServerTimeout = TimeSpan.FromMilliseconds(parse.GetValue(timeout)),
                ConnectTimeout = TimeSpan.FromMilliseconds(parse.GetValue(timeout)),
                TimeoutsUntilTko = parse.GetValue(tko),
                ProbeDelayInitial = TimeSpan.FromMilliseconds(parse.GetValue(probeInitial)),
                ProbeDelayMax = TimeSpan.FromMilliseconds(parse.GetValue(probeMax)),
                GetErrorsAsMisses = parse.GetValue(missOnError),
                EnableFlushAll = parse.GetValue(flush),
                DeleteLogPath = parse.GetValue(deleteLog),
                DefaultRoutePrefix = parse.GetValue(routePrefix),
                MetricsPort = parse.GetValue(metrics),
                MaxConnections = parse.GetValue(maxConnections),
                MaxValueLength = parse.GetValue(maxValue),
                LenientKeys = parse.GetValue(lenient),
            };
            return RunAsync(options, parse.GetValue(verbose), output, error);
        });
        return command;
    }

    internal static async Task<int> RunAsync(RouterOptions options, int verbosity, TextWriter output, TextWriter error)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"hoard router: {string.Join("; ", problems)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        if (!File.Exists(options.ConfigPath))
        {
            await error.WriteLineAsync($"hoard router: config file {options.ConfigPath} does not exist").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        bool eventLoops;
        try
        {
            eventLoops = HoardRouter.UsesEventLoops(options);
        }
        catch (PlatformNotSupportedException e)
        {
            await error.WriteLineAsync($"hoard router: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        // Before the first socket of the process: the runtime reads the socket engine's settings once.
        // With event loops, .NET's socket engine only accepts connections: one thread is plenty.
        HoardServer.ConfigureSocketEngine(eventLoops ? 1 : options.Threads);
        using var loggerFactory = ConsoleLogging.Create(Math.Max(verbosity, 1));
        var stopSignal = new TaskCompletionSource<PosixSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context) => context.Cancel = stopSignal.TrySetResult(context.Signal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var router = new HoardRouter(options, loggerFactory, $"hoard-router {ProductInfo.Version}");
        try
        {
            await router.StartAsync().ConfigureAwait(false);
        }
        catch (RouterConfigException e)
        {
            await error.WriteLineAsync($"hoard router: config {options.ConfigPath}: {e.Message}").ConfigureAwait(false);
            await router.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"hoard router: cannot listen on port {options.Port}: {e.Message}").ConfigureAwait(false);
            await router.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.OsError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.HttpListenerException)
        {
            await error.WriteLineAsync($"hoard router: {e.Message}").ConfigureAwait(false);
            await router.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.OsError;
        }
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = router.ReloadAsync();
        });
        await output.WriteLineAsync($"hoard router listening on {string.Join(", ", router.EndPoints)}").ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
        await Task.WhenAny(stopSignal.Task, router.Completion).ConfigureAwait(false);
        await router.DisposeAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
