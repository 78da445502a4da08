using System.Buffers;
using System.Net.Sockets;
using Hoard.Server.Network.Epoll;
using static Hoard.Server.Network.Epoll.LinuxNative;

namespace Hoard.Router.Front;

/// <summary>
/// A client connection served by one of the router's event loops (the server's <see cref="EpollLoop"/>): the
/// loop reads until a short read and starts every whole request at once; replies are written in request order
/// by whichever thread completes the oldest one (usually the thread that read it from the upstream server),
/// straight to the socket. Reading pauses while the client has <see cref="RouterOptions.MaxInFlightPerClient"/>
/// requests in flight or is not reading its replies (back-pressure), and stops after <c>quit</c> or the
/// client's FIN; the replies before those are still sent.
/// </summary>
internal sealed unsafe class EpollFrontConnection : FrontConnection, IEpollSocket
{
    private const uint Readable = EPOLLIN | EPOLLRDHUP;

    private readonly Socket _socket;
    private readonly EpollLoop _loop;
    private readonly int _maxInFlight;
    private readonly Action _onOldestCompleted;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _gate: replies come back on other threads than the loop's.
    private readonly Lock _gate = new();
    private readonly Queue<PendingReply> _inFlight = new();
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);
    private int _sentOffset;
    private bool _oldestAwaited;
    private bool _blockedOnWrite;
    private bool _tooManyInFlight;
    private bool _endOfInput;
    private bool _closed;
    private int _released;
    private uint _watching = Readable;

    public EpollFrontConnection(Socket socket, EpollLoop loop, RouterCore core, long id)
        : base(core, id)
    {
        _socket = socket;
        _loop = loop;
        _maxInFlight = core.Options.MaxInFlightPerClient;
        _onOldestCompleted = OnOldestCompleted;
        socket.Blocking = false;
        Descriptor = (int)socket.SafeHandle.DangerousGetHandle();
    }

    public int Descriptor { get; }

    public override Task Completion => _completion.Task;

    /// <summary>Hands the connection to its loop (from the accepting thread).</summary>
    public void Start()
    {
        _loop.Post(static state =>
        {
            var connection = (EpollFrontConnection)state!;
            if (connection._loop.IsStopping || !connection._loop.Add(connection, Readable))
                connection.Close();
        }, this);
        // A loop that already stopped runs nothing more.
        if (_loop.Stopped.IsCompleted)
            Close();
    }

    public void OnEvents(uint events)
    {
        // An error or a hang-up of both directions (a reset): nothing more can be read or delivered. (Left
        // open, a level-triggered hang-up would be reported again every round until the replies came back.)
        if ((events & (EPOLLERR | EPOLLHUP)) != 0)
        {
            Close();
            return;
        }
        if ((events & EPOLLOUT) != 0)
            WriteReplies();
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0)
            ReadRequests();
    }

    public override void Close()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
        }
        _loop.RunOnLoop(ReleaseOnLoop, this);
    }

    private static readonly Action<object?> ReleaseOnLoop = static state => ((EpollFrontConnection)state!).Release();

    /// <summary>On the loop's thread, after <see cref="Close"/>: nothing sends on the descriptor any more.</summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
            return;
        _loop.Remove(this);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        _socket.Dispose();
        _completion.TrySetResult();
    }

    /// <summary>Reads what the socket has (until a short read) and starts every whole request (loop thread).</summary>
    private void ReadRequests()
    {
        while (true)
        {
            lock (_gate)
            {
                // Not return: the requests started so far still need their replies awaited (below).
                if (_closed || _blockedOnWrite || _tooManyInFlight || _endOfInput)
                    break;
            }
            var space = ReceiveSpace();
            var outcome = ReceiveInto(Descriptor, space.Span, out int received);
            if (outcome == ReceiveOutcome.Data)
            {
                Received(received);
                StartRequests();
                // A short read means the socket is drained; level-triggered epoll reports any later bytes.
                if (received < space.Length)
                    break;
                continue;
            }
            if (outcome == ReceiveOutcome.EndOfStream)
            {
                // The client finished sending: what it sent is still answered (memcached does the same), then close.
                lock (_gate)
                {
                    _endOfInput = true;
                    _inFlight.Enqueue(PendingReply.Ready(CloseMarker));
                    UpdateInterest();
                }
            }
            else if (outcome == ReceiveOutcome.Failed)
            {
                Close();
                return;
            }
            break;
        }
        WriteReplies();
    }

    /// <summary>Starts the buffered requests, as many as the in-flight limit allows (loop thread).</summary>
    private void StartRequests()
    {
        lock (_gate)
        {
            if (_closed || _endOfInput || PausedByLimit())
                return;
        }
        while (TryStartNext(out var reply, out bool quit))
        {
            lock (_gate)
            {
                _inFlight.Enqueue(reply);
                if (quit)
                {
                    _endOfInput = true;
                    UpdateInterest();
                    return;
                }
                if (PausedByLimit())
                    return;
            }
        }
    }

    /// <summary>Stops reading at the in-flight limit (under the lock); true when it did.</summary>
    private bool PausedByLimit()
    {
        if (_inFlight.Count < _maxInFlight)
            return false;
        _tooManyInFlight = true;
        UpdateInterest();
        return true;
    }

    private void OnOldestCompleted() => WriteReplies(oldestCompleted: true);

    /// <summary>
    /// Writes the replies that are ready, in order, then waits for the oldest that is not (any thread). Resumes
    /// reading when the client drained its replies or its in-flight count fell.
    /// </summary>
    private void WriteReplies(bool oldestCompleted = false)
    {
        bool resumeReading = false;
        bool close = false;
        lock (_gate)
        {
            if (oldestCompleted)
                _oldestAwaited = false;
            if (_closed)
                return;
            while (_inFlight.TryPeek(out var next) && next.IsCompleted)
            {
                // Each reply is consumed once: its result is read after it left the queue.
                _inFlight.Dequeue();
                byte[] reply = next.Result();
                if (ReferenceEquals(reply, CloseMarker))
                {
                    close = true;
                    break;
                }
                _output.Write(reply);
            }
            if (!TrySend())
            {
                if (!_closed && !_blockedOnWrite)
                {
                    // The client is not reading: stop reading from it until its replies drain.
                    _blockedOnWrite = true;
                    UpdateInterest();
                }
                return;
            }
            if (close)
            {
                _closed = true;
            }
            else
            {
                if (_blockedOnWrite)
                {
                    _blockedOnWrite = false;
                    resumeReading = true;
                }
                if (_tooManyInFlight && _inFlight.Count <= _maxInFlight / 2)
                {
                    _tooManyInFlight = false;
                    resumeReading = true;
                }
                if (resumeReading)
                    UpdateInterest();
                if (_inFlight.Count > 0 && !_oldestAwaited)
                {
                    // Under the lock: once this returns, another thread may take the reply off the queue and
                    // consume it, after which it must not be awaited. (An already complete reply runs the
                    // continuation later, on the thread pool, so this does not re-enter.)
                    _oldestAwaited = true;
                    _inFlight.Peek().OnCompleted(_onOldestCompleted);
                }
            }
        }
        if (close)
        {
            // `quit` or the client's FIN, and every reply before it is sent.
            _loop.RunOnLoop(ReleaseOnLoop, this);
            return;
        }
        // Requests may be waiting in the buffer: start them on the loop's thread.
        if (resumeReading)
            _loop.Post(static state => ((EpollFrontConnection)state!).ResumeReading(), this);
    }

    private void ResumeReading()
    {
        StartRequests();
        ReadRequests();
    }

    /// <summary>Sends the pending output (under the lock); false when the socket would block or failed (then closed).</summary>
    private bool TrySend()
    {
        switch (SendPending(Descriptor, _output.WrittenSpan, ref _sentOffset))
        {
            case SendOutcome.Sent:
                _sentOffset = 0;
                _output.ResetWrittenCount();
                return true;
            case SendOutcome.WouldBlock:
                return false;
            default:
                _closed = true;
                _loop.Post(ReleaseOnLoop, this);
                return false;
        }
    }

    /// <summary>Watches the socket for what the connection waits for now (under the lock).</summary>
    private void UpdateInterest()
    {
        uint wanted = _blockedOnWrite ? EPOLLOUT
            : _tooManyInFlight || _endOfInput ? 0
            : Readable;
        if (wanted == _watching || _closed)
            return;
        _watching = wanted;
        _loop.Watch(this, wanted);
    }
}
