using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hoard.Client;
using Hoard.Client.Connections;
using Hoard.Router.Config;
using Hoard.Router.Deletes;
using Hoard.Router.Front;
using Hoard.Router.Routes;
using Hoard.Router.Stats;
using Hoard.Router.Upstream;
using Hoard.Server;
using Hoard.Server.Network;
using Hoard.Server.Network.Epoll;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Router;

/// <summary>
/// An mcrouter-style memcached proxy: to clients a memcached server (text and meta protocols), to servers a
/// client (Hoard.Client's pipelined connections, shared by all client connections). Routes come from a JSON
/// file in mcrouter's format, watched and swapped in whole when it changes.
/// </summary>
public sealed class HoardRouter : IAsyncDisposable
{
    private readonly RouterOptions _options;
    private readonly ILogger _logger;
    private readonly UpstreamRegistry _registry;
    private readonly RouteRuntime _runtime;
    private readonly DeleteLog? _deleteLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<EndPoint> _endPoints = [];
    private readonly List<Task> _background = [];
    private readonly ConcurrentDictionary<long, FrontConnection> _connections = new();
    /// <summary>The front threads (<c>-t</c>), each an event loop serving its share of the client connections; empty where epoll is unavailable (then .NET's asynchronous sockets serve them).</summary>
    private readonly EpollLoop[] _loops = [];
    private int _nextLoop;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _replayGate = new(1, 1);
    // The poll and SIGHUP may both reload; one at a time, so the hash and the table in force agree.
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private RouterCore? _core;
    private MetricsEndpoint? _metrics;
    private byte[] _configHash = [];
    private long _nextConnectionId;
    private int _stopRequested;

    public HoardRouter(RouterOptions options, ILoggerFactory? loggerFactory = null, string version = "hoard-router")
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        _options = options;
        Version = version;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Hoard.Router");
        _deleteLog = options.DeleteLogPath is { } path ? new DeleteLog(path) : null;
        if (_deleteLog is { SkippedLines: > 0 } log)
            RouterLog.DeleteLogProblem(_logger, log.Path, $"{log.SkippedLines} unreadable lines skipped");
        _runtime = new RouteRuntime(options, new RouterStatistics(), _deleteLog, _logger);
        if (UsesEventLoops(options))
        {
            _loops = new EpollLoop[options.Threads];
            for (int i = 0; i < _loops.Length; i++)
            {
                string name = $"hoard-router-{i}";
                _loops[i] = new EpollLoop(name)
                {
                    // Every upstream request the round's clients sent goes out in one write per upstream connection.
                    AfterBatch = SendBatch.EndRound,
                    SocketFailed = (socket, e) => RouterLog.ConnectionFailed(_logger, socket is FrontConnection front ? front.Id : 0, e),
                    LoopFailed = e => RouterLog.LoopFailed(_logger, name, e),
                };
            }
        }
        // The upstream sockets are driven by the same loops: a server's replies go back to the clients from the
        // thread that read them.
        _registry = new UpstreamRegistry(options, _logger) { Poller = _loops.Length > 0 ? new LoopConnectionPoller(_loops) : null };
        _registry.BeforeReturn = ReplayDeletesAsync;
    }

    public string Version { get; }

    /// <summary>
    /// Whether <paramref name="options"/> put the sockets on the router's own event loops (the epoll transport)
    /// rather than .NET's socket engine; throws when epoll is asked for where it is not available.
    /// </summary>
    public static bool UsesEventLoops(RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Transport == TransportKind.Epoll && !LinuxNative.IsSupported)
            throw new PlatformNotSupportedException("the epoll transport needs Linux on x86-64; use --transport sockets");
        return options.Transport == TransportKind.Epoll || (options.Transport == TransportKind.Auto && LinuxNative.IsSupported);
    }

    public IReadOnlyList<EndPoint> EndPoints => _endPoints;

    /// <summary>The Prometheus endpoint's port, when enabled.</summary>
    public int? MetricsPort => _metrics?.Port;

    public Task Completion => _completion.Task;

    public RouterStatistics Statistics => _runtime.Statistics;

    internal RouterCore Core => _core ?? throw new InvalidOperationException("the router has not started");

    /// <summary>
    /// Loads the config (an invalid one stops the start with a <see cref="RouterConfigException"/>), resolves
    /// discovered pools, binds the listeners and starts serving.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var (json, hash) = ReadConfig();
        var table = RouterConfigLoader.Load(json, _registry, _runtime);
        await table.StartAsync(cancellationToken).ConfigureAwait(false);
        _configHash = hash;
        _core = new RouterCore(_options, table, _registry, _runtime, Version);
        LogLoaded(table);
        try
        {
            foreach (var address in _options.ListenAddresses)
            {
                foreach (var endPoint in TcpAcceptor.ResolveListenEndPoint(address, _options.Port))
                {
                    var listener = TcpAcceptor.Bind(endPoint, _options.Backlog);
                    _listeners.Add(listener);
                    _endPoints.Add(listener.LocalEndPoint!);
                    RouterLog.Listening(_logger, listener.LocalEndPoint!);
                }
            }
            if (_options.MetricsPort is { } metricsPort)
                _metrics = MetricsEndpoint.Start(metricsPort, () => Core, _logger);
        }
        catch
        {
            foreach (var listener in _listeners)
                listener.Dispose();
            throw;
        }
        var token = _stopping.Token;
        foreach (var loop in _loops)
            loop.Start();
        foreach (var listener in _listeners)
            _background.Add(TcpAcceptor.RunAcceptLoopAsync(listener, Admit, _logger, token));
        _background.Add(WatchConfigAsync(token));
        if (_deleteLog is not null)
            _background.Add(ReplayLoopAsync(token));
    }

    public Task StopAsync() => StopAsync("stop requested");

    private async Task StopAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }
        RouterLog.ShuttingDown(_logger, reason);
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            foreach (var listener in _listeners)
                listener.Dispose();
            foreach (var connection in _connections.Values)
                connection.Close();
            try
            {
                await Task.WhenAll(_background.Concat(_connections.Values.Select(c => c.Completion)))
                    .WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            if (_metrics is not null)
                await _metrics.DisposeAsync().ConfigureAwait(false);
            if (_core is not null)
                await _core.Table.DisposeAsync().ConfigureAwait(false);
            await _registry.DisposeAsync().ConfigureAwait(false);
            _deleteLog?.Dispose();
            foreach (var loop in _loops)
            {
                loop.Stop();
                await loop.Stopped.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                loop.Dispose();
            }
        }
        finally
        {
            _completion.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _replayGate.Dispose();
        _reloadGate.Dispose();
    }

    /// <summary>Reads the config now (not waiting for the poll) and swaps it in if it changed; the error when it is invalid.</summary>
    public async Task<string?> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReloadOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private async Task<string?> ReloadOnceAsync(CancellationToken cancellationToken)
    {
        (string Json, byte[] Hash) config;
        try
        {
            config = ReadConfig();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read {_options.ConfigPath}: {e.Message}";
        }
        if (config.Hash.AsSpan().SequenceEqual(_configHash))
            return null;
        RouteTable table;
        try
        {
            table = RouterConfigLoader.Load(config.Json, _registry, _runtime);
        }
        catch (RouterConfigException e)
        {
            _configHash = config.Hash;
            Core.ReloadFailed(e.Message);
            RouterLog.ConfigRejected(_logger, _options.ConfigPath, e.Message);
            return e.Message;
        }
        await table.StartAsync(cancellationToken).ConfigureAwait(false);
        _configHash = config.Hash;
        var previous = Core.Swap(table);
        LogLoaded(table);
        // Requests already routed by the old table finish on it; its discovery stops after a grace period.
        var grace = _options.ServerTimeout + TimeSpan.FromSeconds(1);
        _ = DisposeLaterAsync(previous, grace);
        _registry.Retain(table.ServerNames, grace);
        return null;
    }

    private void LogLoaded(RouteTable table)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            int servers = table.ServerNames.Count();
            RouterLog.ConfigLoaded(_logger, _options.ConfigPath, table.Pools.Count, servers);
        }
    }

    private static async Task DisposeLaterAsync(RouteTable table, TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        await table.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Polls the file's content rather than watching events: a Kubernetes ConfigMap is updated by swapping a
    /// symlink to a new directory, which inotify on the file never reports.
    /// </summary>
    private async Task WatchConfigAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ConfigPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private (string Json, byte[] Hash) ReadConfig()
    {
        var bytes = File.ReadAllBytes(_options.ConfigPath);
        return (System.Text.Encoding.UTF8.GetString(bytes), SHA256.HashData(bytes));
    }

    private void Admit(Socket client)
    {
        var statistics = _runtime.Statistics;
        if (statistics.CurrentConnections >= _options.MaxConnections)
        {
            statistics.ConnectionRejected();
            RouterLog.ConnectionRefused(_logger, (int)statistics.CurrentConnections, _options.MaxConnections);
            try
            {
                client.Blocking = false;
                client.Send("ERROR Too many open connections\r\n"u8);
            }
            catch (SocketException)
            {
            }
            client.Dispose();
            return;
        }
        client.NoDelay = true;
        statistics.ConnectionOpened();
        long id = Interlocked.Increment(ref _nextConnectionId);
        FrontConnection connection;
        if (_loops.Length > 0)
        {
            var loop = _loops[(int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)_loops.Length)];
            var epoll = new EpollFrontConnection(client, loop, Core, id);
            connection = epoll;
            _connections[id] = connection;
            epoll.Start();
        }
        else
        {
            connection = new AsyncFrontConnection(client, Core, id, _stopping.Token);
            _connections[id] = connection;
        }
        _ = ForgetWhenClosedAsync(connection);
    }

    private async Task ForgetWhenClosedAsync(FrontConnection connection)
    {
        try
        {
            await connection.Completion.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RouterLog.ConnectionFailed(_logger, connection.Id, e);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
            _runtime.Statistics.ConnectionClosed();
        }
    }

    /// <summary>Retries logged deletes every second for servers that are up (a server back from TKO replays at once).</summary>
    private async Task ReplayLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var name in _deleteLog!.DepthByServer.Keys)
                {
                    if (_registry.TryGet(name, out var server) && server!.State == UpstreamState.Up)
                        await ReplayDeletesAsync(server).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReplayDeletesAsync(UpstreamServer server)
    {
        if (_deleteLog is null)
            return;
        await _replayGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var pending = _deleteLog.PendingFor(server.Name);
            var delivered = new List<DeleteLog.Entry>();
            foreach (var entry in pending)
            {
                try
                {
                    var reply = await server.ForwardAsync(entry.Request, entry.Framing, "logged delete", CancellationToken.None).ConfigureAwait(false);
                    // DELETED / NOT_FOUND (HD / NF) both mean the value is gone; an error means try again later.
                    if (reply.AsSpan().StartsWith("SERVER_ERROR"u8))
                        break;
                    delivered.Add(entry);
                }
                catch (HoardException)
                {
                    break;
                }
            }
            _deleteLog.Delivered(delivered);
            if (delivered.Count > 0)
                RouterLog.DeletesReplayed(_logger, delivered.Count, server.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RouterLog.DeleteLogProblem(_logger, _deleteLog.Path, e.Message);
        }
        finally
        {
            _replayGate.Release();
        }
    }
}
