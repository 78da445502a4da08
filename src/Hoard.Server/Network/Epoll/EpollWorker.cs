using System.Net.Sockets;
using Hoard.Server.Text;
using Microsoft.Extensions.Logging;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Server.Network.Epoll;

/// <summary>
/// One of the <c>-t</c> worker threads: an <see cref="EpollLoop"/> with its own connections, every request run
/// to completion on its thread (memcached's design). This skips the per-operation bookkeeping of .NET's
/// socket engine and the extra receive that finds nothing after each request; see docs/benchmarks.md.
/// </summary>
internal sealed class EpollWorker : IDisposable
{
    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly Action<long, IServerConnection> _onOpened;
    private readonly Action<long> _onClosed;
    private readonly ILogger _logger;
    private readonly EpollLoop _loop;
    private readonly Queue<EpollConnection> _deferred = new();

    public EpollWorker(int index, ServerContext context, TextCommandHandler handler, ILogger logger,
        Action<long, IServerConnection> onOpened, Action<long> onClosed)
    {
        _context = context;
        _handler = handler;
        _onOpened = onOpened;
        _onClosed = onClosed;
        _logger = logger;
        string name = $"hoard-worker-{index}";
        _loop = new EpollLoop(name)
        {
            AfterBatch = RunDeferred,
            HasPendingWork = () => _deferred.Count > 0,
            EverySecond = CloseIdle,
            SocketFailed = (socket, ex) => Log.ConnectionFailed(logger, ((EpollConnection)socket).Id, ex),
            LoopFailed = ex => Log.WorkerFailed(logger, name, ex),
        };
    }

    public Task Stopped => _loop.Stopped;

    public void Start() => _loop.Start();

    /// <summary>Hands an accepted socket to this worker (called on the accepting thread).</summary>
    public void Adopt(Socket socket, long id)
    {
        if (_loop.Stopped.IsCompleted)
        {
            // This worker died (logged when it did); refusing beats leaving the client hanging.
            socket.Dispose();
            return;
        }
        socket.Blocking = false;
        var connection = new EpollConnection(socket, this, _context, _handler, id);
        _onOpened(id, connection);
        _loop.Post(static state =>
        {
            var connection = (EpollConnection)state!;
            if (connection.Worker._loop.IsStopping || !connection.Worker._loop.Add(connection, EPOLLIN | EPOLLRDHUP))
                connection.Close();
        }, connection);
    }

    public void RequestClose(EpollConnection connection) => _loop.Post(static state => ((EpollConnection)state!).Close(), connection);

    public void Stop() => _loop.Stop();

    public void Dispose() => _loop.Dispose();

    internal void WatchReadable(EpollConnection connection) => _loop.Watch(connection, EPOLLIN | EPOLLRDHUP);

    // EPOLLOUT only: a client that half-closed while its reply is blocked would otherwise report RDHUP
    // forever and spin this thread. Errors and hangups are reported regardless and fail the send.
    internal void WatchWritable(EpollConnection connection) => _loop.Watch(connection, EPOLLOUT);

    internal void WatchNothing(EpollConnection connection) => _loop.Watch(connection, 0);

    internal void Defer(EpollConnection connection) => _deferred.Enqueue(connection);

    /// <summary>A connection closed (on the loop thread): out of the epoll set and the server's table.</summary>
    internal void Forget(EpollConnection connection)
    {
        _loop.Remove(connection);
        _onClosed(connection.Id);
    }

    private void RunDeferred()
    {
        for (int n = _deferred.Count; n > 0; n--)
        {
            var connection = _deferred.Dequeue();
            if (connection.IsClosed)
                continue;
            try
            {
                connection.Resume();
            }
            catch (Exception ex)
            {
                Log.ConnectionFailed(_logger, connection.Id, ex);
                connection.Close();
            }
        }
    }

    private void CloseIdle()
    {
        var timeout = _context.Options.IdleTimeout;
        if (timeout <= TimeSpan.Zero)
            return;
        long limit = (long)timeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        List<EpollConnection>? idle = null;
        foreach (var connection in _loop.Sockets.Cast<EpollConnection>())
        {
            if (now - connection.LastActivity >= limit)
                (idle ??= []).Add(connection);
        }
        if (idle is null)
            return;
        foreach (var connection in idle)
        {
            _context.Statistics.AddIdleKick();
            connection.Close();
        }
    }
}
