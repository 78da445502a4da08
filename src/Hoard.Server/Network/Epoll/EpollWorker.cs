using System.Collections.Concurrent;
using System.Net.Sockets;
using Hoard.Server.Text;
using Microsoft.Extensions.Logging;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Server.Network.Epoll;

/// <summary>
/// One of the <c>-t</c> worker threads: its own epoll set, its own connections, every request run to
/// completion on this thread (memcached's design). This skips the per-operation bookkeeping of .NET's
/// socket engine and the extra receive that finds nothing after each request; see docs/benchmarks.md.
/// </summary>
internal sealed unsafe class EpollWorker : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    private readonly ServerContext _context;
    private readonly TextCommandHandler _handler;
    private readonly ILogger _logger;
    private readonly Action<long, IServerConnection> _onOpened;
    private readonly Action<long> _onClosed;
    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<EpollConnection> _incoming = new();
    private readonly ConcurrentQueue<EpollConnection> _closeRequests = new();
    private readonly Dictionary<int, EpollConnection> _connections = [];
    private readonly Queue<EpollConnection> _deferred = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public EpollWorker(int index, ServerContext context, TextCommandHandler handler, ILogger logger,
        Action<long, IServerConnection> onOpened, Action<long> onClosed)
    {
        _context = context;
        _handler = handler;
        _logger = logger;
        _onOpened = onOpened;
        _onClosed = onClosed;
        _epoll = EpollCreate(EPOLL_CLOEXEC);
        if (_epoll < 0)
            throw new IOException($"epoll_create1 failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        _wakeFd = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wakeFd < 0)
            throw new IOException($"eventfd failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        var wake = new EpollEvent { Events = EPOLLIN, Data = WakeToken };
        EpollCtl(_epoll, EPOLL_CTL_ADD, _wakeFd, &wake);
        _thread = new Thread(Run) { IsBackground = true, Name = $"hoard-worker-{index}" };
    }

    public Task Stopped => _stopped.Task;

    public void Start() => _thread.Start();

    /// <summary>Hands an accepted socket to this worker (called on the accepting thread).</summary>
    public void Adopt(Socket socket, long id)
    {
        if (_stopped.Task.IsCompleted)
        {
            // This worker died (logged when it did); refusing beats leaving the client hanging.
            socket.Dispose();
            return;
        }
        socket.Blocking = false;
        var connection = new EpollConnection(socket, this, _context, _handler, id);
        _onOpened(id, connection);
        _incoming.Enqueue(connection);
        Wake();
    }

    public void RequestClose(EpollConnection connection)
    {
        _closeRequests.Enqueue(connection);
        Wake();
    }

    public void Stop()
    {
        _stopping = true;
        Wake();
    }

    public void Dispose()
    {
        LinuxNative.Close(_wakeFd);
        LinuxNative.Close(_epoll);
    }

    internal void WatchReadable(EpollConnection connection) => Modify(connection, EPOLLIN | EPOLLRDHUP);

    // EPOLLOUT only: a client that half-closed while its reply is blocked would otherwise report RDHUP
    // forever and spin this thread. Errors and hangups are reported regardless and fail the send.
    internal void WatchWritable(EpollConnection connection) => Modify(connection, EPOLLOUT);

    internal void WatchNothing(EpollConnection connection) => Modify(connection, 0);

    internal void Defer(EpollConnection connection) => _deferred.Enqueue(connection);

    internal void Forget(EpollConnection connection)
    {
        EpollCtl(_epoll, EPOLL_CTL_DEL, connection.Descriptor, null);
        if (_connections.Remove(connection.Descriptor))
            _onClosed(connection.Id);
    }

    private void Modify(EpollConnection connection, uint events)
    {
        var change = new EpollEvent { Events = events, Data = (ulong)connection.Descriptor };
        EpollCtl(_epoll, EPOLL_CTL_MOD, connection.Descriptor, &change);
    }

    private void Wake()
    {
        ulong one = 1;
        Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        var events = stackalloc EpollEvent[MaxEvents];
        long nextSweep = Environment.TickCount64 + 1000;
        try
        {
            while (!_stopping)
            {
                int count = EpollWait(_epoll, events, MaxEvents, _deferred.Count > 0 ? 0 : 1000);
                if (count < 0)
                {
                    if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EINTR)
                        continue;
                    throw new IOException($"epoll_wait failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
                }
                for (int i = 0; i < count; i++)
                {
                    if (events[i].Data == WakeToken)
                    {
                        DrainWake();
                        continue;
                    }
                    if (!_connections.TryGetValue((int)events[i].Data, out var connection))
                        continue;
                    Dispatch(connection, events[i].Events);
                }
                RunDeferred();
                if (Environment.TickCount64 >= nextSweep)
                {
                    nextSweep = Environment.TickCount64 + 1000;
                    CloseIdle();
                }
            }
        }
        catch (Exception ex)
        {
            Log.WorkerFailed(_logger, _thread.Name ?? "worker", ex);
        }
        finally
        {
            foreach (var connection in _connections.Values.ToList())
                connection.Close();
            while (_incoming.TryDequeue(out var pending))
                pending.Close();
            _stopped.TrySetResult();
        }
    }

    private void Dispatch(EpollConnection connection, uint ready)
    {
        try
        {
            if ((ready & EPOLLOUT) != 0)
                connection.OnWritable();
            if ((ready & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0)
                connection.OnReadable();
        }
        catch (Exception ex)
        {
            Fail(connection, ex);
        }
    }

    /// <summary>A bug reached by one client must not take the worker and its other clients down.</summary>
    private void Fail(EpollConnection connection, Exception exception)
    {
        Log.ConnectionFailed(_logger, connection.Id, exception);
        connection.Close();
    }

    private void DrainWake()
    {
        ulong value;
        Read(_wakeFd, (byte*)&value, sizeof(ulong));
        while (_incoming.TryDequeue(out var connection))
        {
            _connections[connection.Descriptor] = connection;
            var watch = new EpollEvent { Events = EPOLLIN | EPOLLRDHUP, Data = (ulong)connection.Descriptor };
            if (EpollCtl(_epoll, EPOLL_CTL_ADD, connection.Descriptor, &watch) != 0)
                connection.Close();
        }
        while (_closeRequests.TryDequeue(out var connection))
            connection.Close();
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
                Fail(connection, ex);
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
        foreach (var connection in _connections.Values)
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
