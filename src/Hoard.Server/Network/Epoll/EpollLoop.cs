using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Server.Network.Epoll;

/// <summary>A socket an <see cref="EpollLoop"/> watches; its handlers run on the loop's thread.</summary>
internal interface IEpollSocket
{
    int Descriptor { get; }

    /// <summary>The socket is ready for what it was watched for (or failed): <c>EPOLLIN</c>, <c>EPOLLOUT</c>, ...</summary>
    void OnEvents(uint events);

    /// <summary>Closes the socket (the loop is stopping, or a handler threw).</summary>
    void Close();
}

/// <summary>
/// One event-loop thread with its own epoll set (level-triggered): the transport the server's <c>-t</c> workers
/// and the router's front threads share. Each round it waits for events, hands each to its socket, then runs
/// <see cref="AfterBatch"/> — where work started by the batch's handlers is finished together (the router sends
/// every upstream request of the batch in one write per upstream connection, as twemproxy does). Other threads
/// reach the loop through <see cref="Post"/>.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    [ThreadStatic]
    private static EpollLoop? t_current;

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<(Action<object?> Work, object? State)> _posted = new();
    private readonly Dictionary<int, IEpollSocket> _sockets = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public EpollLoop(string name)
    {
        _epoll = EpollCreate(EPOLL_CLOEXEC);
        if (_epoll < 0)
            throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        _wakeFd = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wakeFd < 0)
            throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
        var wake = new EpollEvent { Events = EPOLLIN, Data = WakeToken };
        EpollCtl(_epoll, EPOLL_CTL_ADD, _wakeFd, &wake);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    public string Name => _thread.Name!;

    /// <summary>Runs after each round's events and posted work, on the loop's thread.</summary>
    public Action? AfterBatch { get; init; }

    /// <summary>When true, the loop does not sleep in <c>epoll_wait</c> (work is waiting in <see cref="AfterBatch"/>).</summary>
    public Func<bool>? HasPendingWork { get; init; }

    /// <summary>Runs about once a second on the loop's thread (idle sweeps).</summary>
    public Action? EverySecond { get; init; }

    /// <summary>A handler threw: the exception and the socket, which is closed next (a bug in one connection must not end the loop).</summary>
    public Action<IEpollSocket, Exception>? SocketFailed { get; init; }

    /// <summary>The loop itself failed (epoll_wait), after which it closes its sockets and stops.</summary>
    public Action<Exception>? LoopFailed { get; init; }

    public Task Stopped => _stopped.Task;

    /// <summary>Set once <see cref="Stop"/> is called: posted work should close what it carries rather than add it.</summary>
    public bool IsStopping => _stopping;

    /// <summary>The sockets being watched (loop thread only).</summary>
    public IEnumerable<IEpollSocket> Sockets => _sockets.Values;

    /// <summary>Whether the calling thread is this loop's.</summary>
    public bool IsCurrentThread => ReferenceEquals(t_current, this);

    public void Start() => _thread.Start();

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

    /// <summary>Runs <paramref name="work"/> on the loop's thread, in the next round; safe from any thread.</summary>
    public void Post(Action<object?> work, object? state)
    {
        _posted.Enqueue((work, state));
        Wake();
    }

    /// <summary>
    /// Runs <paramref name="work"/> now when called on the loop's thread (or when the loop has stopped and nothing
    /// else can touch its sockets), else posts it to the loop: for work that must not race the loop's own handlers.
    /// </summary>
    public void RunOnLoop(Action<object?> work, object? state)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (IsCurrentThread || Stopped.IsCompleted)
            work(state);
        else
            Post(work, state);
    }

    /// <summary>Starts watching <paramref name="socket"/> (loop thread only); false when epoll refused it.</summary>
    public bool Add(IEpollSocket socket, uint events)
    {
        var watch = new EpollEvent { Events = events, Data = (ulong)socket.Descriptor };
        if (EpollCtl(_epoll, EPOLL_CTL_ADD, socket.Descriptor, &watch) != 0)
            return false;
        _sockets[socket.Descriptor] = socket;
        return true;
    }

    /// <summary>Changes what <paramref name="socket"/> is watched for; safe from any thread (epoll_ctl is).</summary>
    public void Watch(IEpollSocket socket, uint events)
    {
        var change = new EpollEvent { Events = events, Data = (ulong)socket.Descriptor };
        EpollCtl(_epoll, EPOLL_CTL_MOD, socket.Descriptor, &change);
    }

    /// <summary>Stops watching <paramref name="socket"/> (loop thread only, before its descriptor is closed); false if it was not watched.</summary>
    public bool Remove(IEpollSocket socket)
    {
        // Only while the descriptor is this socket's: a number closed twice may belong to a newer socket by now.
        if (!_sockets.TryGetValue(socket.Descriptor, out var watched) || !ReferenceEquals(watched, socket))
            return false;
        EpollCtl(_epoll, EPOLL_CTL_DEL, socket.Descriptor, null);
        _sockets.Remove(socket.Descriptor);
        return true;
    }

    private void Wake()
    {
        ulong one = 1;
        Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private void Run()
    {
        t_current = this;
        var events = stackalloc EpollEvent[MaxEvents];
        long nextSweep = Environment.TickCount64 + 1000;
        try
        {
            while (!_stopping)
            {
                int count = EpollWait(_epoll, events, MaxEvents, HasPendingWork?.Invoke() == true ? 0 : 1000);
                if (count < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR)
                        continue;
                    throw new IOException($"epoll_wait failed: errno {Marshal.GetLastPInvokeError()}");
                }
                for (int i = 0; i < count; i++)
                {
                    if (events[i].Data == WakeToken)
                    {
                        RunPosted();
                        continue;
                    }
                    if (_sockets.TryGetValue((int)events[i].Data, out var socket))
                        Dispatch(socket, events[i].Events);
                }
                AfterBatch?.Invoke();
                if (Environment.TickCount64 >= nextSweep)
                {
                    nextSweep = Environment.TickCount64 + 1000;
                    EverySecond?.Invoke();
                }
            }
        }
        catch (Exception ex)
        {
            LoopFailed?.Invoke(ex);
        }
        finally
        {
            foreach (var socket in _sockets.Values.ToList())
                socket.Close();
            // Work posted after the last round (sockets handed over while stopping) closes what it carries.
            RunPosted();
            _stopped.TrySetResult();
        }
    }

    private void Dispatch(IEpollSocket socket, uint ready)
    {
        try
        {
            socket.OnEvents(ready);
        }
        catch (Exception ex)
        {
            SocketFailed?.Invoke(socket, ex);
            socket.Close();
        }
    }

    private void RunPosted()
    {
        ulong value;
        Read(_wakeFd, (byte*)&value, sizeof(ulong));
        while (_posted.TryDequeue(out var posted))
        {
            try
            {
                posted.Work(posted.State);
            }
            catch (Exception ex) when (posted.State is IEpollSocket socket)
            {
                SocketFailed?.Invoke(socket, ex);
                socket.Close();
            }
        }
    }
}
