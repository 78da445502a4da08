using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hoard.Server.Network;
using Hoard.Server.Network.Epoll;
using Hoard.Server.Network.Udp;
using Hoard.Server.Text;
using Hoard.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hoard.Server;

/// <summary>
/// A memcached-compatible cache server: listeners, connections and the cache engine they share.
/// <c>-t</c> worker threads are the socket engine's event threads, which run each request to completion
/// without a thread-pool hop (memcached's own model of one event loop per worker).
/// </summary>
public sealed class HoardServer : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly CacheEngine _engine;
    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly List<Socket> _listeners = [];
    private readonly List<EndPoint> _tcpEndPoints = [];
    private readonly List<UdpListener> _udpListeners = [];
    private readonly List<EndPoint> _udpEndPoints = [];
    /// <summary>The listeners whose connections speak TLS: with <c>-Z</c>, every TCP one not marked <c>notls:</c>.</summary>
    private readonly HashSet<Socket> _tlsListeners = [];
    private readonly List<EndPoint> _tlsEndPoints = [];
    private readonly ConcurrentDictionary<long, IServerConnection> _connections = new();
    private readonly EpollWorker[] _workers = [];
    private int _nextWorker;
    private readonly ConcurrentDictionary<long, Task> _connectionTasks = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _acceptLoops = [];
    private Timer? _idleTimer;
    private long _nextConnectionId;
    /// <summary>UDP receive loops per socket at most; each holds 64 KiB of buffers whether busy or not.</summary>
    private const int MaxUdpReceiveLoops = 8;
    private int _stopRequested;

    public HoardServer(ServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Hoard.Server");
        // First, before anything holds resources: a certificate that cannot be loaded stops the server here.
        var tls = options.TlsEnabled ? Security.TlsCertificates.Load(options, _logger) : null;
        UsesEpoll = options.Transport == TransportKind.Epoll
            || (options.Transport == TransportKind.Auto && LinuxNative.IsSupported);
        if (UsesEpoll && !LinuxNative.IsSupported)
            throw new PlatformNotSupportedException("the epoll transport needs Linux on x86-64; use -o transport=sockets");
        // With epoll workers .NET's socket engine only accepts connections, so one event thread is plenty,
        // unless it also serves TLS connections (epoll workers cannot run TLS).
        ConfigureSocketEngine(UsesEpoll && !options.TlsEnabled ? 1 : options.Threads);
        _engine = new CacheEngine(new CacheOptions
        {
            MemoryLimitBytes = options.MemoryLimitBytes,
            MaxItemSize = options.MaxItemSize,
            EvictionsEnabled = !options.DisableEvictions,
            CasEnabled = !options.DisableCas,
        });
        _context = new ServerContext(options, _engine)
        {
            Logger = _logger,
            RequestShutdown = () => _ = StopAsync("shutdown command"),
            AcceptingConnections = () => Volatile.Read(ref _stopRequested) == 0,
            Tls = tls,
        };
        if ((options.AsciiAuthFile ?? (options.SaslEnabled ? options.SaslPasswordFile : null)) is { } passwordFile)
            _context.Authenticator = new Security.Authenticator(_context, passwordFile);
        _handler = new TextCommandHandler(_context);
        if (UsesEpoll)
        {
            _workers = new EpollWorker[options.Threads];
            for (int i = 0; i < _workers.Length; i++)
                _workers[i] = new EpollWorker(i, _context, _handler, _logger, OnEpollConnectionOpened, OnEpollConnectionClosed);
        }
    }

    /// <summary>Whether connections are served by epoll worker threads (else by .NET's asynchronous sockets).</summary>
    public bool UsesEpoll { get; }

    public IReadOnlyList<EndPoint> TcpEndPoints => _tcpEndPoints;

    /// <summary>The TCP endpoints (a subset of <see cref="TcpEndPoints"/>) whose connections speak TLS.</summary>
    public IReadOnlyList<EndPoint> TlsEndPoints => _tlsEndPoints;

    /// <summary>The bound UDP endpoints (<c>-U</c>); empty when UDP is off, the default.</summary>
    public IReadOnlyList<EndPoint> UdpEndPoints => _udpEndPoints;

    /// <summary>Completes when the server has stopped (<see cref="StopAsync()"/> or the <c>shutdown</c> command).</summary>
    public Task Completion => _completion.Task;

    public ServerContext Context => _context;

    /// <summary>
    /// Sets the socket engine's event thread count and turns on inline completions. The runtime reads these
    /// once, when the first socket is created, so this must run before any socket work in the process.
    /// </summary>
    public static void ConfigureSocketEngine(int threads)
    {
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            if (_options.UnixSocketPath is { } path)
                BindUnixSocket(path);
            else
                foreach (var (endPoint, tls) in ResolveTcpListeners())
                    BindTcp(endPoint, tls);
            // As memcached, a unix socket (-s) turns UDP off too.
            if (_options.UdpPort != 0 && _options.UnixSocketPath is null)
                BindUdp();
        }
        catch
        {
            foreach (var udp in _udpListeners)
                udp.Close();
            _udpListeners.Clear();
            _udpEndPoints.Clear();
            foreach (var listener in _listeners)
                listener.Dispose();
            _listeners.Clear();
            throw;
        }
        foreach (var udp in _udpListeners)
            udp.Start(Math.Clamp(_options.Threads, 1, MaxUdpReceiveLoops), () => Interlocked.Increment(ref _nextConnectionId));

        foreach (var worker in _workers)
            worker.Start();
        foreach (var listener in _listeners)
            _acceptLoops.Add(AcceptLoopAsync(listener));
        // epoll workers sweep their own idle connections.
        if (_options.IdleTimeout > TimeSpan.Zero && !UsesEpoll)
            _idleTimer = new Timer(_ => CloseIdleConnections(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public Task StopAsync() => StopAsync("stop requested");

    /// <summary>
    /// Re-reads the password file (SIGHUP). Connections already authenticated stay so; new attempts use the
    /// new users. Returns the error when the file could not be used (the previous users then stay).
    /// </summary>
    public string? ReloadCredentials() => _context.Authenticator?.Reload();

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task StopAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }
        Log.ShuttingDown(_logger, reason);
        bool drained = false;
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            if (_idleTimer is not null)
                await _idleTimer.DisposeAsync().ConfigureAwait(false);
            foreach (var listener in _listeners)
                listener.Dispose();
            foreach (var udp in _udpListeners)
                await udp.DisposeAsync().ConfigureAwait(false);
            await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
            foreach (var worker in _workers)
                worker.Stop();
            foreach (var connection in _connections.Values)
                connection.Dispose();
            await Task.WhenAll(_connectionTasks.Values.Concat(_workers.Select(w => w.Stopped)))
                .WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            drained = true;
        }
        catch (TimeoutException)
        {
            // Connections that did not end in time are abandoned; the process is going away.
        }
        finally
        {
            if (_options.UnixSocketPath is { } path)
                TryDelete(path);
            // Native item memory is freed only once nothing can touch it; after a timeout the process is
            // exiting anyway and the operating system reclaims it.
            if (drained)
            {
                foreach (var worker in _workers)
                    worker.Dispose();
                _engine.Dispose();
            }
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// The TCP endpoints to bind and whether each speaks TLS. With <c>-Z</c> every address does, except those
    /// written <c>notls:addr[:port]</c> (memcached's syntax); without it none does.
    /// </summary>
    private IEnumerable<(IPEndPoint EndPoint, bool Tls)> ResolveTcpListeners()
    {
        foreach (var entry in _options.ListenAddresses)
        {
            bool plain = entry.StartsWith(ServerOptions.NoTlsPrefix, StringComparison.Ordinal);
            foreach (var endPoint in ResolveListenEndPoint(plain ? entry[ServerOptions.NoTlsPrefix.Length..] : entry, _options.Port))
                yield return (endPoint, _options.TlsEnabled && !plain);
        }
    }

    /// <summary>
    /// <c>-U</c> binds the same addresses as TCP; an address given with its own port (<c>addr:port</c>) uses that
    /// port for UDP too, as memcached does. UDP is never encrypted, so <c>notls:</c> makes no difference.
    /// </summary>
    private void BindUdp()
    {
        // 0 is "off" for -U, so memcached's -1 asks for a free port.
        int port = _options.UdpPort == -1 ? 0 : _options.UdpPort;
        foreach (var entry in _options.ListenAddresses)
        {
            var address = entry.StartsWith(ServerOptions.NoTlsPrefix, StringComparison.Ordinal) ? entry[ServerOptions.NoTlsPrefix.Length..] : entry;
            foreach (var endPoint in ResolveListenEndPoint(address, port))
            {
                var udp = UdpListener.Bind(endPoint, _context, _handler, _logger);
                _udpListeners.Add(udp);
                _udpEndPoints.Add(udp.LocalEndPoint);
                Log.ListeningUdp(_logger, udp.LocalEndPoint);
            }
        }
    }

    private static IEnumerable<IPEndPoint> ResolveListenEndPoint(string entry, int defaultPort) =>
        TcpAcceptor.ResolveListenEndPoint(entry, defaultPort);

    private void BindTcp(IPEndPoint endPoint, bool tls)
    {
        var listener = TcpAcceptor.Bind(endPoint, _options.Backlog);
        _listeners.Add(listener);
        var bound = listener.LocalEndPoint!;
        _tcpEndPoints.Add(bound);
        if (tls)
        {
            _tlsListeners.Add(listener);
            _tlsEndPoints.Add(bound);
            Log.ListeningWithTls(_logger, bound);
        }
        else
        {
            Log.Listening(_logger, bound);
        }
    }

    private void BindUnixSocket(string path)
    {
        TryDelete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, (UnixFileMode)(_options.UnixSocketMask & 0x1ff));
            listener.Listen(_options.Backlog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listeners.Add(listener);
        Log.Listening(_logger, "unix:" + path);
    }

    private Task AcceptLoopAsync(Socket listener)
    {
        var token = _stopping.Token;
        bool tls = _tlsListeners.Contains(listener);
        return TcpAcceptor.RunAcceptLoopAsync(listener, client => Admit(client, tls, token), _logger, token);
    }

    private void Admit(Socket client, bool tls, CancellationToken token)
    {
        var stats = _context.Statistics;
        if (stats.CurrentConnections >= _options.MaxConnections)
        {
            stats.ConnectionRejected();
            Log.ConnectionRefused(_logger, stats.CurrentConnections, _options.MaxConnections);
            // A TLS client could not read a plain-text error; it just sees the connection close.
            if (!tls)
            {
                try
                {
                    client.Blocking = false;
                    client.Send("ERROR Too many open connections\r\n"u8);
                }
                catch (SocketException)
                {
                }
            }
            client.Dispose();
            return;
        }
        if (client.AddressFamily != AddressFamily.Unix)
            client.NoDelay = true;
        long id = Interlocked.Increment(ref _nextConnectionId);
        if (_logger.IsEnabled(LogLevel.Debug))
            Log.ConnectionOpened(_logger, id, client.RemoteEndPoint);
        if (UsesEpoll && !tls)
        {
            // Round-robin, as memcached hands new connections to its worker threads.
            _workers[(int)((uint)Interlocked.Increment(ref _nextWorker) % (uint)_workers.Length)].Adopt(client, id);
            return;
        }
        stats.ConnectionOpened();
        // TLS connections always run here: epoll workers move raw bytes only. The certificate is the one in
        // use at accept time; a refresh_certs later does not touch this connection.
        var connection = new ClientConnection(client, _context, _handler, id, tls ? _context.Tls!.AuthenticationOptions : null);
        _connections[id] = connection;
        var task = RunConnectionAsync(id, connection, token);
        _connectionTasks[id] = task;
        // A connection can run to its end synchronously (request, reply and quit all at once), before the
        // line above stored its task; its own cleanup then found nothing to remove.
        if (task.IsCompleted)
            _connectionTasks.TryRemove(id, out _);
    }

    private async Task RunConnectionAsync(long id, ClientConnection connection, CancellationToken token)
    {
        try
        {
            await connection.RunAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug reached by one client must not take the others down.
            Log.ConnectionFailed(_logger, id, ex);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            _connectionTasks.TryRemove(id, out _);
            _context.Statistics.ConnectionClosed();
            Log.ConnectionClosed(_logger, id);
        }
    }

    private void OnEpollConnectionOpened(long id, IServerConnection connection)
    {
        _context.Statistics.ConnectionOpened();
        _connections[id] = connection;
    }

    private void OnEpollConnectionClosed(long id)
    {
        if (_connections.TryRemove(id, out _))
            _context.Statistics.ConnectionClosed();
        Log.ConnectionClosed(_logger, id);
    }

    private void CloseIdleConnections()
    {
        long limit = (long)_options.IdleTimeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        foreach (var (id, connection) in _connections)
        {
            long idle = now - connection.LastActivity;
            if (idle < limit)
                continue;
            _context.Statistics.AddIdleKick();
            if (_logger.IsEnabled(LogLevel.Debug))
                Log.IdleClosed(_logger, id, idle / 1000);
            connection.Dispose();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
